import pytest

from cnfs.accounts.enums import Role
from tests import factories


@pytest.fixture
def doubs(db):
    return factories.DepartementFactory(code="25", name="Doubs")


@pytest.fixture
def doubs_structure(doubs):
    return factories.StructureFactory(name="Doubs numérique", commune__departement=doubs)


@pytest.fixture
def prefect(jura):
    """The prefecture of the Jura (39)."""
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def financial(db):
    return factories.UserFactory(roles=[(Role.FINANCIAL, {})])


@pytest.fixture
def candidate(db):
    return factories.UserFactory(roles=[(Role.CANDIDATE, {})])
