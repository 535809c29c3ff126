from datetime import date

import pytest

from cnfs.accounts.enums import Role
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.places.enums import Access
from cnfs.places.models import Place, PlaceAdvisor
from tests import factories


def make_advisor(structure, **user_fields):
    """An advisor in post at ``structure`` (a contract in force)."""
    user = factories.UserFactory(roles=[(Role.ADVISOR, {})], **user_fields)
    candidate = factories.CandidateFactory(commune=structure.commune, user=user, in_post=True)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.RECRUITED,
        distance_km=1,
        score=1,
    )
    Contract.objects.create(
        proposal=proposal,
        candidate=candidate,
        structure=structure,
        kind="cdi",
        post=factories.post_for(structure),
        start_date=date(2021, 3, 1),
        weekly_hours=35,
        gross_monthly_salary_cents=180_000,
        status=ContractStatus.ACTIVE,
    )
    return user


def make_place(structure, *advisors, main=False, **fields):
    values = {
        "name": "Médiathèque",
        "address": "1 rue de la Paix",
        "commune": structure.commune,
        "latitude": 46.67,
        "longitude": 5.55,
        "access": Access.WALK_IN,
        "structure": structure,
    } | fields
    place = Place.objects.create(**values)
    for advisor in advisors:
        PlaceAdvisor.objects.create(place=place, advisor=advisor, main=main)
    return place


@pytest.fixture
def dole(jura):
    return factories.CommuneFactory(
        insee="39198",
        name="Dole",
        search_name="dole",
        postal_codes="39100",
        departement=jura,
        latitude=47.09,
        longitude=5.49,
    )


@pytest.fixture
def employer(jura, dole):
    return factories.StructureFactory(
        name="Grand Dole", validated=True, granted_posts=3, commune=dole
    )


@pytest.fixture
def advisor(employer):
    return make_advisor(employer, first_name="Alix", last_name="Martin")


@pytest.fixture
def colleague_advisor(employer):
    return make_advisor(employer, first_name="Bastien", last_name="Roy")


@pytest.fixture
def manager(employer):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])


@pytest.fixture
def stranger_advisor(jura):
    """An advisor of another structure."""
    other = factories.StructureFactory(name="ECLA", validated=True, commune__departement=jura)
    return make_advisor(other)


@pytest.fixture
def candidate(db):
    return factories.UserFactory(roles=[(Role.CANDIDATE, {})])


@pytest.fixture
def place(employer, advisor):
    return make_place(employer, advisor, main=True)
