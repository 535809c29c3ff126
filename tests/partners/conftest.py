import pytest

from cnfs.accounts.enums import Role
from cnfs.partners import auth, services
from cnfs.partners.models import ApiKey
from tests import factories

# 20 s into a minute: every call of a test falls in the same rate-limit window.
NOW = 1_700_000_000.0


@pytest.fixture(autouse=True)
def _frozen_rate_limit_window(monkeypatch):
    monkeypatch.setattr(auth, "clock", lambda: NOW)


@pytest.fixture
def make_key(national):
    """A key holding ``scopes``: returns (ApiKey, clear key)."""

    def make(*scopes, departements=(), regions=(), name="Plateforme régionale"):
        key = ApiKey(
            name=name,
            organisation="Hub numérique BFC",
            contact_email="api@hub.example",
            scopes=list(scopes),
            departements=list(departements),
            regions=list(regions),
        )
        clear_key = services.create_key(key, by=national)
        return key, clear_key

    return make


@pytest.fixture
def doubs(db):
    return factories.DepartementFactory(code="25", name="Doubs")


@pytest.fixture
def manager(structure):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])
