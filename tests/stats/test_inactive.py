from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cnfs.contracts.enums import ContractStatus
from tests import factories
from tests.stats.conftest import add_report, advisor_user, contract_for

URL = "/statistiques-activite/sans-activite/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def team(structure, today):
    """ECLA's advisors: silent for 40 days, never reported, active, just arrived, left."""
    long_ago = today - timedelta(days=200)
    people = {
        name: advisor_user(first_name=name, last_name="Conseil")
        for name in ("Silencieux", "Jamais", "Actif", "Nouveau", "Parti")
    }
    for name in ("Silencieux", "Jamais", "Actif"):
        contract_for(people[name], structure, long_ago)
    contract_for(people["Nouveau"], structure, today - timedelta(days=10))
    contract_for(people["Parti"], structure, long_ago, status=ContractStatus.ENDED)
    add_report(people["Silencieux"], structure, today - timedelta(days=40))
    add_report(people["Actif"], structure, today - timedelta(days=40))
    add_report(people["Actif"], structure, today - timedelta(days=5))
    return people


def names(response):
    return [c.candidate.first_name for c in response.context["page_obj"]]


def test_the_structure_sees_its_silent_advisors(client, team, owner, today):
    client.force_login(owner)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Jamais", "Silencieux"]  # never reported first
    html = response.content.decode()
    assert (today - timedelta(days=40)).strftime("%d/%m/%Y") in html
    assert "il y a 40 jours" in html
    assert "Aucun compte rendu" in html


def test_only_within_the_scope(client, team, colleague, prefecture, outsider, national):
    for user, expected in ((colleague, 0), (outsider, 0), (prefecture, 2), (national, 2)):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert len(names(response)) == expected, user


@pytest.mark.parametrize("role_fixture", ["candidate_user", "financial"])
def test_other_roles_are_forbidden(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(URL).status_code == 403


def test_an_advisor_is_forbidden(client, team):
    client.force_login(team["Actif"])
    assert client.get(URL).status_code == 403


def test_the_csv_export(client, team, owner, today):
    client.force_login(owner)
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Conseiller;E-mail;Structure;Département")
    assert len(lines) == 3
    assert lines[1].startswith("Jamais Conseil;") and lines[1].endswith(";aucun")
    assert lines[2].endswith((today - timedelta(days=40)).strftime(";%d/%m/%Y"))


def test_queries_do_not_grow_with_the_list(client, team, national, structure, jura, today):
    client.force_login(national)
    client.get(URL)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for k in range(30):
        employer = factories.StructureFactory(commune__departement=jura) if k % 2 else structure
        contract_for(advisor_user(), employer, today - timedelta(days=100))
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL)
    assert len(names(response)) == 32
    assert len(after) == len(before)
