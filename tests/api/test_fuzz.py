"""Schemathesis on the OpenAPI document, in process (WSGI), once per CI run (PostgreSQL):
anonymously, with a session of each role and with a partner's key. No answer may be a server
error or differ from the document (status code, content type, headers, body schema).

Seeded (hypothesis derandomised) and bounded (EXAMPLES cases per operation, identity and
mode): about two minutes. Each call runs in a savepoint rolled back afterwards, so every
case sees the same data and a failed SQL statement cannot spoil the next ones.

Left out, with their reasons:
- schemathesis's ``negative_data_rejection`` and ``positive_data_acceptance`` checks: a
  well-formed request may be refused for a business reason (403, 404, 409, 422 from a
  service) and the document cannot say which; the checks below hold for every answer;
- ``max_response_time``: no timing assertion in tests (speed is measured by ``make bench``);
- stateful (link-following) testing: no operation returns the link to another; ids in
  paths are drawn at random, so most of them answer 404 (the documented answer), and the
  services behind them are covered by their own tests.
- generated bodies are JSON only: oversized bodies, malformed multipart and NUL characters
  are sent by tests/api/test_errors.py.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cnfs.accounts.enums import Role
from cnfs.coordination import services as coordination
from cnfs.coordination.models import Hub, Network
from cnfs.wsgi import application
from tests import factories
from tests.conftest import postgres_only
from tests.coordination.conftest import active, make_coordinator
from tests.places.conftest import make_advisor, make_place

pytestmark = [pytest.mark.fuzz, postgres_only]

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CSRF_TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes the connection after each request (Django's test client
    prevents it the same way): the test's transaction must survive."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def staff_of(organisation, national):
    user = factories.UserFactory()
    coordination.add_staff(organisation, user=user, by=active(national, Role.NATIONAL))
    return user


def _session(user, role) -> dict:
    """What a browser logged in as ``user`` in ``role`` sends: cookies and the CSRF header."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["active_role"] = str(role)
    session.save()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN}
    return {"headers": {"X-CSRFToken": CSRF_TOKEN}, "cookies": cookies}


@pytest.fixture
def identities(jura, national, make_partner_key):
    structure = factories.StructureFactory(
        validated=True, granted_posts=2, commune__departement=jura
    )
    advisor = make_advisor(structure)
    make_place(structure, advisor, main=True)
    factories.AgendaItemFactory()
    users = {
        Role.NATIONAL: national,
        Role.PREFECTURE: factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})]),
        Role.STRUCTURE: factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})]),
        Role.CANDIDATE: factories.UserFactory(roles=[(Role.CANDIDATE, {})]),
        Role.ADVISOR: advisor,
        Role.FINANCIAL: factories.UserFactory(roles=[(Role.FINANCIAL, {})]),
        Role.COORDINATOR: make_coordinator(structure, active(national, Role.NATIONAL)),
        Role.HUB: staff_of(Hub.objects.create(name="Hub BFC", region=jura.region), national),
        Role.NETWORK: staff_of(Network.objects.create(name="Réseau"), national),
    }
    assert set(users) == set(Role)
    return {
        "anonyme": {},
        **{f"session {role}": _session(user, role) for role, user in users.items()},
        "clé partenaire": {"headers": {"X-Api-Key": make_partner_key()}},
    }


@pytest.fixture
def make_partner_key(national):
    from cnfs.partners import services
    from cnfs.partners.enums import Scope
    from cnfs.partners.models import ApiKey

    def make():
        key = ApiKey(
            name="Fuzz",
            organisation="Hub",
            contact_email="api@hub.example",
            scopes=list(Scope.values),
        )
        return services.create_key(key, by=national)

    return make


def _run(name, identity, operation, mode, failures):
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        with transaction.atomic():
            response = case.call(**identity)
            transaction.set_rollback(True)
        try:
            case.validate_response(response, checks=CHECKS, headers=identity.get("headers"))
        except (AssertionError, BaseExceptionGroup) as error:  # reported below, all at once
            failures.append(f"{name} — {operation.label} [{mode.value}]: {str(error)[:600]}")

    run()


@pytest.mark.usefixtures("_keep_the_test_connection")
def test_no_server_error_and_no_answer_outside_the_document(db, identities, settings):
    settings.PARTNERS_API_RATE_LIMITS = {"key": (10**6, 60), "anonymous": (10**6, 60)}
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]  # schemathesis's WSGI host
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for name, identity in identities.items():
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run(name, identity, operation, mode, failures)
    assert not failures, f"{len(failures)} failure(s):\n" + "\n\n".join(failures)
