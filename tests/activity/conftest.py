from datetime import date

import pytest

from cnfs.accounts.enums import Role
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.places.models import Place, PlaceAdvisor
from tests import factories

DAY = date(2021, 6, 15)


def make_advisor(structure, *, place_name="Médiathèque"):
    """An advisor in post at ``structure`` (an active contract) working at one main place."""
    user = factories.UserFactory(roles=[(Role.ADVISOR, {})])
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
    place = Place.objects.create(
        name=place_name,
        address="1 rue de la Paix",
        commune=structure.commune,
        latitude=46.67,
        longitude=5.55,
        access="walk_in",
        structure=structure,
    )
    PlaceAdvisor.objects.create(place=place, advisor=user, main=True)
    user.main_place = place
    return user


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(validated=True, granted_posts=3, commune__departement=jura)


@pytest.fixture
def advisor(employer):
    return make_advisor(employer)


@pytest.fixture
def other_advisor(employer):
    return make_advisor(employer, place_name="Mairie")


@pytest.fixture
def manager(employer):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])


def report_data(place=None, /, **changes):
    """A valid individual accompaniment at ``place``."""
    data = {
        "date": DAY,
        "kind": "individual",
        "channel": "place" if place else "remote",
        "place": place.pk if place else None,
        "participants": 1,
        "returning": 0,
        "ages": {"over_60": 1},
        "statuses": {"retired": 1},
        "themes": ["email"],
        "duration": "30_60",
        "minutes": None,
    }
    data.update(changes)
    return data
