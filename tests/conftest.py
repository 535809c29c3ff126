import importlib
import os

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from cnfs.accounts.enums import Role
from cnfs.territories.loading import load_territories
from tests import factories
from tests.browser_support import browser, page  # noqa: F401 (shared browser fixtures)

# Property-based tests: HYPOTHESIS_PROFILE=ci is the bounded, derandomised run of the
# continuous integration (on PostgreSQL); the default is smaller, for local runs.
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
hypothesis_settings.register_profile(
    "ci",
    max_examples=50,
    stateful_step_count=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
hypothesis_settings.register_profile(
    "default",
    max_examples=6,
    stateful_step_count=12,
    deadline=None,
    database=None,
    suppress_health_check=_SLOW_IS_FINE,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _programme_figures(request):
    """Transactional tests empty the tables, data migrations included: put the programme's
    budget and subsidy rates back (the other tests see them through the rolled-back data)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("live_server", "transactional_db")
    )
    if transactional:
        from django.apps import apps

        request.getfixturevalue("transactional_db")
        migration = importlib.import_module(
            "cnfs.funding.migrations.0003_programme_budget_and_rates"
        )
        # 0003 predates the post kind: it looks rates up without it.
        apps.get_model("funding", "SubsidyRate").objects.filter(post_kind="coordination").delete()
        migration.forwards(apps, None)
        importlib.import_module(
            "cnfs.funding.migrations.0005_subsidyrate_post_kind"
        ).coordination_rates(apps, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded and generated files (resources of the demo, kits) stay out of the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPENDATA_DIR = tmp_path / "opendata"


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    # A fast hasher: the suite creates many accounts (production: Argon2id, test_hashers).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests serve static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module")
def _territories_of_the_module(django_db_setup, django_db_blocker):
    """The whole committed referential (about 1.5 s to load), loaded once per test module
    that asks for it, in a transaction rolled back after the module's last test: each
    test's own transaction is a savepoint inside it (as Django's setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_territories()
        transaction.set_rollback(True)


@pytest.fixture
def territories(_territories_of_the_module, db):
    return _territories_of_the_module


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
