from datetime import date, timedelta

import pytest

from cnfs.accounts.enums import Role
from cnfs.contracts import services
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories

# In post today: the contracts run from about three months ago for two years.
START = date.today() - timedelta(days=100)
END = START + timedelta(days=730)
CDD = {
    "kind": "cdd",
    "start_date": START,
    "end_date": END,
    "weekly_hours": 35,
}
SALARY_CENTS = 190_000


def manager_of(structure):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


def requested(structure, candidate=None, *, by=None):
    """A recruitment request of ``structure`` (a contract awaiting validation)."""
    candidate = candidate or factories.CandidateFactory(commune=structure.commune)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )
    return services.request_recruitment(
        proposal, salary_cents=SALARY_CENTS, by=by or manager_of(structure), **CDD
    )


def in_post(structure, national, candidate=None):
    """An advisor of ``structure``, validated by ``national``; returns the contract."""
    return services.validate_recruitment(requested(structure, candidate), by=national)


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(
        name="CC du Grand Dole", validated=True, granted_posts=40, commune__departement=jura
    )


@pytest.fixture
def jura_prefecture(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def employer_manager(employer):
    return manager_of(employer)


@pytest.fixture
def doubs_employer(db):
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    besancon = factories.CommuneFactory(insee="25056", name="Besançon", departement=doubs)
    return factories.StructureFactory(
        name="Médiathèque de Besançon", validated=True, granted_posts=5, commune=besancon
    )
