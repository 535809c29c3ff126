import random
from datetime import date, timedelta

import pytest

from cnfs.accounts.enums import Role
from cnfs.activity import counters
from cnfs.activity.enums import AgeBracket, Body, Channel, Duration, Kind, Status, Theme
from cnfs.activity.models import Report
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories


def advisor_user(**kwargs):
    return factories.UserFactory(roles=[(Role.ADVISOR, {})], **kwargs)


def build_report(advisor, structure, day, kind=Kind.INDIVIDUAL, **fields) -> Report:
    """An unsaved report (see ``add_report`` and ``add_reports``)."""
    participants = fields.pop("participants", 1)
    values = {
        "channel": Channel.REMOTE,
        "participants": participants,
        "ages": {AgeBracket.FROM_35_TO_60: participants},
        "statuses": {Status.EMPLOYED: participants},
        "themes": [Theme.EMAIL],
        "duration": Duration.FROM_30_TO_60,
        **fields,
    }
    return Report(
        advisor=advisor,
        structure=structure,
        departement_id=structure.departement_id,
        date=day,
        kind=kind,
        **values,
    )


def add_report(advisor, structure, day, kind=Kind.INDIVIDUAL, **fields) -> Report:
    """A report written as the activity services write it: the row, then its counters."""
    report = build_report(advisor, structure, day, kind, **fields)
    report.save()
    counters.apply(report)
    return report


def add_reports(reports: list[Report]) -> list[Report]:
    """Many reports at once, as the services write a batch."""
    Report.objects.bulk_create(reports)
    counters.apply_many(reports)
    return reports


def _split(rng, total: int, keys: list[str]) -> dict:
    counts = dict.fromkeys(rng.sample(keys, k=rng.randint(1, len(keys))), 0)
    for _ in range(total):
        counts[rng.choice(list(counts))] += 1
    return {k: n for k, n in counts.items() if n}


def random_report(rng: random.Random, advisor, structure, day) -> Report:
    """An unsaved report with random figures that follow the rules of DOMAIN §5.2."""
    kind = rng.choice(Kind.values)
    participants = rng.randint(1, 25) if kind == Kind.WORKSHOP else 1
    duration = rng.choice(Duration.values)
    followup_individual = rng.randint(0, participants)
    followup_workshop = rng.randint(0, participants - followup_individual)
    left = participants - followup_individual - followup_workshop
    return build_report(
        advisor,
        structure,
        day,
        kind,
        channel=rng.choice(Channel.values),
        participants=participants,
        returning=rng.randint(0, participants),
        ages=_split(rng, participants, AgeBracket.values),
        statuses=_split(rng, participants, Status.values),
        themes=rng.sample(Theme.values, k=rng.randint(1, 4)),
        duration=duration,
        minutes=15 * rng.randint(1, 32) if duration == Duration.MINUTES else None,
        followup_individual=followup_individual,
        followup_workshop=followup_workshop,
        redirections=_split(rng, rng.randint(0, left), Body.values) if left else {},
        aidants_connect=rng.random() < 0.2,
    )


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def contract_for(advisor, structure, start: date, status=ContractStatus.ACTIVE) -> Contract:
    """A contract of ``advisor`` (a user) with ``structure``, as the recruitment leaves it."""
    candidate = factories.CandidateFactory(
        user=advisor,
        commune=structure.commune,
        first_name=advisor.first_name,
        last_name=advisor.last_name,
        email=advisor.email,
        in_post=status == ContractStatus.ACTIVE,
    )
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.RECRUITED,
        distance_km=1,
        score=1,
    )
    return Contract.objects.create(
        proposal=proposal,
        candidate=candidate,
        structure=structure,
        kind="cdi",
        post=factories.post_for(structure),
        start_date=start,
        weekly_hours=35,
        gross_monthly_salary_cents=1_900_00,
        status=status,
        **(
            {"ended_on": start, "end_reason": "resignation"}
            if status == ContractStatus.ENDED
            else {}
        ),
    )


@pytest.fixture
def doubs(db):
    return factories.DepartementFactory(code="25", name="Doubs")


@pytest.fixture
def hautes_alpes(db):
    region = factories.RegionFactory(code="93", name="Provence-Alpes-Côte d’Azur")
    return factories.DepartementFactory(code="05", name="Hautes-Alpes", region=region)


@pytest.fixture
def prefecture(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def financial(db):
    return factories.UserFactory(roles=[(Role.FINANCIAL, {})])


@pytest.fixture
def candidate_user(db):
    return factories.UserFactory(roles=[(Role.CANDIDATE, {})])
