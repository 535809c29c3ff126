import pytest
from django.db import connection

from cnfs.accounts.enums import Role
from tests import factories


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests serve static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def territories(db):
    """The whole committed referential (about 1.5 s to load)."""
    from cnfs.territories.loading import load_territories

    return load_territories()


@pytest.fixture
def jura(db):
    return factories.DepartementFactory(code="39", name="Jura")


@pytest.fixture
def structure(db, jura):
    return factories.StructureFactory(name="ECLA", commune__departement=jura)


@pytest.fixture
def owner(structure):
    """The manager of ``structure``."""
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


@pytest.fixture
def colleague(jura):
    """The manager of another structure of the same département."""
    other = factories.StructureFactory(name="Ligue de l’enseignement", commune__departement=jura)
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": other})])


@pytest.fixture
def outsider(db):
    """A prefecture of another département."""
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": doubs})])


@pytest.fixture
def national(db):
    return factories.UserFactory(roles=[(Role.NATIONAL, {})])


# For tests of what only PostgreSQL does (row locks across connections, DELETE triggers).
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)
