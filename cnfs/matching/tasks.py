"""Proposal updates run in the background (immediately in development and tests)."""

from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from cnfs.matching import engine, shortage
from cnfs.matching.enums import Origin, ProposalStatus

# Moves that free a place in a structure's list, fill one, or take or give back a post.
# ("recruit" changes no list: the candidate's other proposals are withdrawn one by one;
# "end" comes with its own refreshes.)
# fmt: skip below: a data table laid out by hand for reading.
REFILLING_MOVES = {
    "shortlist", "decline", "repropose", "request_recruitment", "back_to_shortlist", "withdraw",
    "recruit",
}  # fmt: skip


@task()
def refresh_candidate_task(candidate_pk: int):
    engine.refresh_candidate(candidate_pk)
    shortage_changed()


@task()
def refresh_structure_task(structure_pk: int):
    engine.refresh_structure(structure_pk)
    shortage_changed()


@task()
def refresh_structures_task(structure_pks: list[int]):
    engine.refresh_structures(structure_pks)
    shortage_changed()


@task()
def refresh_shortage_task():
    shortage.refresh()


def shortage_changed():
    """The shortage figures are out of date. A worker computes them again when tasks run in
    the background; with the immediate backend (development) the periodic command does, so
    that no request ever runs the national computation."""
    if shortage.mark_stale() and not isinstance(
        task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend
    ):
        transaction.on_commit(refresh_shortage_task.enqueue)


class _Refill:
    """One pending refresh of the lists of the structures touched in a transaction."""

    def __init__(self):
        self.structures: set[int] = set()
        self.done = False

    def __call__(self):
        self.done = True
        refresh_structures_task.enqueue(sorted(self.structures))


def refill_after_commit(structure_pks):
    """Refresh these structures' lists once the transaction commits: one task for all the
    structures of a transaction (a recruitment withdraws a candidate from many lists)."""
    connection = transaction.get_connection()
    pending = next(
        (
            entry[1]
            for entry in connection.run_on_commit
            if isinstance(entry[1], _Refill) and not entry[1].done
        ),
        None,
    )
    if pending is None:
        pending = _Refill()
        pending.structures.update(structure_pks)
        transaction.on_commit(pending)
    else:
        pending.structures.update(structure_pks)


def after_proposal_move(proposal, name: str, before: str):
    """Listener of the proposals' workflow (registered by the app): the list's stored length
    follows at once, its refill after commit."""
    if proposal.origin == Origin.ENGINE and (before == ProposalStatus.PROPOSED) != (
        proposal.status == ProposalStatus.PROPOSED
    ):
        engine.count_moves({proposal.structure_id: 1 if before != ProposalStatus.PROPOSED else -1})
    if name in REFILLING_MOVES:
        refill_after_commit([proposal.structure_id])
