from datetime import date

import pytest

from cnfs.accounts.enums import Role
from cnfs.accounts.services import grant_role
from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories

# One degree of latitude is about 111.2 km.
KM_PER_DEGREE = 111.195
LATITUDE, LONGITUDE = 46.67, 5.55
START = date(2021, 5, 3)


def commune_north(km: float, jura):
    """A commune ``km`` north of the employer."""
    return factories.CommuneFactory(
        departement=jura, latitude=LATITUDE + km / KM_PER_DEGREE, longitude=LONGITUDE
    )


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(
        validated=True,
        granted_posts=3,
        name="Médiathèque de Lons",
        commune__departement=jura,
        commune__latitude=LATITUDE,
        commune__longitude=LONGITUDE,
    )


@pytest.fixture
def manager(employer):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])


@pytest.fixture
def candidate_user(db):
    user = factories.UserFactory()
    grant_role(user, Role.CANDIDATE)
    return user


def propose(structure, candidate=None, *, km=5.0, score=50.0, **kwargs):
    """A proposal as the engine would store it (or ``origin``/``status`` as given)."""
    candidate = candidate or factories.CandidateFactory(commune=structure.commune)
    kwargs.setdefault("status", ProposalStatus.PROPOSED)
    kwargs.setdefault("origin", Origin.ENGINE)
    return Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        distance_km=km,
        score=score,
        reasons=[f"À {km:.0f} km"],
        **kwargs,
    )
