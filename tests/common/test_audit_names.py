"""The journal and the transition logs name people by number, never by name: erasing a
person's data must leave no name behind in these append-only tables."""

import json
from datetime import date, timedelta

from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.services import grant_role
from cnfs.candidates import services as candidates
from cnfs.common.models import AuditEntry, TransitionLog
from cnfs.contracts import services as contracts
from cnfs.contracts.models import Contract
from cnfs.matching import services as matching
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories

START = date(2021, 5, 3)
CDD = {"kind": "cdd", "start_date": START, "end_date": date(2023, 5, 2), "weekly_hours": 35}
# Names no label, enum or place of the platform contains.
NAMES = {
    "applicant": ("Zéphyrine", "Quenouillard"),
    "recruit": ("Barnabé", "Tournesolière"),
    "leaver": ("Hildegarde", "Pimprenellot"),
    "manager": ("Anastasie", "Vermicellier"),
    "national": ("Théodebert", "Craquelinot"),
}


def person(key, **kwargs):
    first, last = NAMES[key]
    return factories.UserFactory(first_name=first, last_name=last, **kwargs)


def candidate(key, commune, **kwargs):
    first, last = NAMES[key]
    user = factories.UserFactory(first_name=first, last_name=last)
    grant_role(user, Role.CANDIDATE)
    return factories.CandidateFactory(
        first_name=first, last_name=last, user=user, email=user.email, commune=commune, **kwargs
    )


def proposal(structure, who, status=ProposalStatus.PROPOSED):
    return Proposal.objects.create(
        candidate=who, structure=structure, status=status, distance_km=1, score=1
    )


def test_no_first_or_last_name_in_the_journal_or_the_transition_logs(
    jura, django_capture_on_commit_callbacks
):
    employer = factories.StructureFactory(
        validated=True, granted_posts=2, commune__departement=jura
    )
    commune = employer.commune
    manager = person("manager", roles=[(Role.STRUCTURE, {"structure": employer})])
    national = person("national", roles=[(Role.NATIONAL, {})])

    with django_capture_on_commit_callbacks(execute=True):
        # Application and confirmation.
        first, last = NAMES["applicant"]
        candidates.submit_candidate(
            first_name=first,
            last_name=last,
            email="zq@exemple.fr",
            phone="+33612345678",
            commune=commune,
            max_distance_km=40,
            available_from=timezone.localdate() + timedelta(days=10),
            situation="job_seeker",
            has_diploma=False,
            diploma_name="",
            has_experience=False,
            motivation="Aider les habitants.",
            pix_level=None,
            pix_use=None,
            pix_communication=None,
            pix_creation=None,
        )
        applicant = candidates._active_application("zq@exemple.fr")
        candidates.confirm_email(applicant)

        # Recruitment: shortlist, request, rejection, request again, validation.
        recruit = candidate("recruit", commune)
        offer = proposal(employer, recruit)
        matching.shortlist(offer, by=manager)
        contract = contracts.request_recruitment(offer, salary_cents=180_000, by=manager, **CDD)
        contracts.reject_recruitment(contract, reason="Pièces manquantes", by=national)
        offer.refresh_from_db()
        contract = contracts.request_recruitment(offer, salary_cents=180_000, by=manager, **CDD)
        contracts.validate_recruitment(contract, by=national)

        # Training, then the end of the contract.
        training = Contract.objects.get(pk=contract.pk).training
        contracts.record_training(
            training,
            positioning_level=1,
            start_date=START,
            end_date=START + timedelta(weeks=13),
            by=national,
        )
        contracts.end_contract(
            Contract.objects.get(pk=contract.pk),
            ended_on=date(2022, 5, 2),
            reason="resignation",
            by=manager,
        )
        contracts.validate_contract_end(Contract.objects.get(pk=contract.pk), by=national)

        # Withdrawal of a candidate with an open proposal.
        leaver = candidate("leaver", commune)
        proposal(employer, leaver)
        candidates.withdraw(leaver, by=leaver.user)

    entries = list(AuditEntry.objects.all())
    logs = list(TransitionLog.objects.all())
    actions = {entry.action for entry in entries}
    assert {
        "candidate.apply",
        "candidate.confirm",
        "contract.request",
        "contract.reject",
        "contract.validate",
        "training.update",
        "contract.end",
        "candidate.withdraw",
    } <= actions
    assert len(logs) >= 5
    texts = [
        text
        for entry in entries
        for text in (entry.summary, entry.object_repr, json.dumps(entry.changes))
    ] + [log.reason for log in logs]
    names = [name.lower() for pair in NAMES.values() for name in pair]
    leaks = [(name, text) for text in texts for name in names if name in text.lower()]
    assert leaks == []
    # People are named by number instead.
    assert any(f"candidat n° {recruit.pk}" in entry.summary for entry in entries)
