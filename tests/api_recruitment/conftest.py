import pytest

from cnfs.accounts.enums import Role
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories


@pytest.fixture
def structure(db, jura):
    """ECLA, validated with two posts (replaces the shared, unvalidated one)."""
    return factories.StructureFactory(
        name="ECLA", validated=True, granted_posts=2, commune__departement=jura
    )


@pytest.fixture
def other_structure(jura):
    return factories.StructureFactory(name="Ligue de l’enseignement", validated=True)


@pytest.fixture
def other_manager(other_structure):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": other_structure})])


@pytest.fixture
def prefect(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def candidate_user(db):
    return factories.UserFactory(roles=[(Role.CANDIDATE, {})])


def propose(structure, *, status=ProposalStatus.PROPOSED, score=50, km=3.0, **candidate):
    candidate = factories.CandidateFactory(
        **{
            "first_name": "Sam",
            "last_name": "Carpentier",
            "commune": structure.commune,
            **candidate,
        }
    )
    return Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=status,
        score=score,
        distance_km=km,
        reasons=[f"À {km:.0f} km", "Disponible dès maintenant"],
    )


@pytest.fixture
def proposal(structure):
    return propose(structure)
