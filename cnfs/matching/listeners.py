"""The matching follows what the apps below it announce (connected by ``MatchingConfig``).

Work that must commit with the announcement (withdrawing proposals) runs at once, inside
the announcing transaction; recomputations run after commit, through the task queue.
"""

from django.db import transaction

from cnfs.candidates import signals as candidates
from cnfs.committee import signals as committee
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.services import withdraw_open_proposals
from cnfs.matching.tasks import refill_after_commit, refresh_candidate_task


def on_profile_changed(sender, *, candidate_pk, **kwargs):
    transaction.on_commit(lambda: refresh_candidate_task.enqueue(candidate_pk))


def on_withdrawn(sender, *, candidate, by=None, **kwargs):
    withdraw_open_proposals(candidate, by=by, reason="Le candidat a retiré sa candidature")


def on_erasing(sender, *, candidate, **kwargs):
    # The lists the candidate was in free a place: the next profiles take them.
    refill_after_commit(
        candidate.proposals.filter(status=ProposalStatus.PROPOSED).values_list(
            "structure_id", flat=True
        )
    )


def on_session_closed(sender, *, structure_pks, **kwargs):
    """Granted posts changed: the proposals of those structures follow."""
    refill_after_commit(structure_pks)


def connect():
    candidates.profile_changed.connect(on_profile_changed, dispatch_uid="matching.profile")
    candidates.withdrawn.connect(on_withdrawn, dispatch_uid="matching.withdrawn")
    candidates.erasing.connect(on_erasing, dispatch_uid="matching.erasing")
    committee.session_closed.connect(on_session_closed, dispatch_uid="matching.session")
