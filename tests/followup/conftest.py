import pytest

from cnfs.accounts.enums import Role
from tests import factories


@pytest.fixture
def prefect(jura):
    """The prefecture of the Jura."""
    return factories.UserFactory(
        email="pref-jura@exemple.fr", roles=[(Role.PREFECTURE, {"departement": jura})]
    )


@pytest.fixture
def doubs(db):
    return factories.DepartementFactory(code="25", name="Doubs")


@pytest.fixture
def financial(db):
    return factories.UserFactory(roles=[(Role.FINANCIAL, {})])


def structure_in(departement, **kwargs):
    """A structure whose commune lies in ``departement`` (a new commune each time)."""
    return factories.StructureFactory(commune__departement=departement, **kwargs)
