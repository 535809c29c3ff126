"""Advisors in post: scope, counts, filters, CSV."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.contracts import services
from cnfs.contracts.models import Training
from tests import factories
from tests.advisors.conftest import in_post, manager_of

TODAY = date.today()


def listed(client, **params):
    response = client.get(reverse("contracts:advisors"), params)
    assert response.status_code == 200
    return response, {c.candidate.last_name for c in response.context["contracts"]}


def set_training(contract, **fields):
    Training.objects.filter(contract=contract).update(**fields)


@pytest.fixture
def advisors(employer, doubs_employer, national):
    """One advisor in each training situation, in the Jura, and one in the Doubs."""
    made = {}
    for name in ("Planned", "Training", "Late", "Done", "Certified"):
        candidate = factories.CandidateFactory(last_name=name, commune=employer.commune)
        made[name] = in_post(employer, national, candidate)
    set_training(
        made["Training"],
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY + timedelta(days=20),
    )
    set_training(
        made["Late"],
        start_date=TODAY - timedelta(days=60),
        end_date=TODAY - timedelta(days=1),
    )
    set_training(
        made["Done"],
        end_date=TODAY - timedelta(days=5),
        completed_on=TODAY - timedelta(days=5),
    )
    set_training(
        made["Certified"],
        end_date=TODAY - timedelta(days=30),
        completed_on=TODAY - timedelta(days=30),
        certified=True,
        certified_on=TODAY - timedelta(days=2),
    )
    doubs = factories.CandidateFactory(last_name="Doubs", commune=doubs_employer.commune)
    made["Doubs"] = in_post(doubs_employer, national, doubs)
    return made


class TestScope:
    def test_national_sees_every_advisor(self, client, national, advisors):
        client.force_login(national)
        assert listed(client)[1] == {"Planned", "Training", "Late", "Done", "Certified", "Doubs"}

    def test_prefecture_sees_its_territory(self, client, jura_prefecture, advisors):
        client.force_login(jura_prefecture)
        assert listed(client)[1] == {"Planned", "Training", "Late", "Done", "Certified"}

    def test_structure_manager_sees_its_own(self, client, doubs_employer, advisors):
        client.force_login(manager_of(doubs_employer))
        response, names = listed(client)
        assert names == {"Doubs"}
        assert "departement" not in response.context["form"].fields

    def test_other_roles_are_forbidden(self, client, db):
        client.force_login(factories.UserFactory(roles=[(Role.ADVISOR, {})]))
        assert client.get(reverse("contracts:advisors")).status_code == 403


def test_counts_at_the_top(client, national, advisors):
    client.force_login(national)
    response, _ = listed(client)
    assert response.context["counts"] == [
        ("En poste", 6),
        # "Late" is past its planned end: no longer in training (DOMAIN §4.4).
        ("En formation", 1),
        ("Formation en retard", 1),
        ("Opérationnels (formation terminée)", 2),
        ("Certifiés", 1),
    ]


def test_late_means_planned_end_passed_and_not_completed(client, national, advisors):
    """The list applies the rule of services.late_trainings."""
    client.force_login(national)
    assert listed(client, training="late")[1] == {"Late"}
    assert {t.contract.candidate.last_name for t in services.late_trainings()} == {"Late"}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"training": "planned"}, {"Planned", "Doubs"}),
        ({"training": "in_progress"}, {"Training"}),
        ({"training": "completed"}, {"Done", "Certified"}),
        ({"certified": "yes"}, {"Certified"}),
        ({"certified": "no", "departement": "39"}, {"Planned", "Training", "Late", "Done"}),
        ({"departement": "25"}, {"Doubs"}),
    ],
)
def test_filters(client, national, advisors, params, expected):
    client.force_login(national)
    assert listed(client, **params)[1] == expected


def test_a_renewed_contract_keeps_the_training(client, national, advisors):
    contract = advisors["Certified"]
    services.renew_contract(
        contract, kind="cdi", end_date=None, weekly_hours=35, salary_cents=190_000, by=national
    )
    client.force_login(national)
    response, names = listed(client, certified="yes")
    assert names == {"Certified"}
    assert response.context["contracts"][0].initial_training.contract_id == contract.pk


def test_csv_export_of_the_filtered_list(client, national, advisors):
    client.force_login(national)
    response = client.get(reverse("contracts:advisors"), {"training": "late", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.getvalue().decode().lstrip("\ufeff").strip().split("\r\n")
    assert lines[0].startswith("Nom;Prénom;Structure;SIRET;Département;Contrat")
    assert len(lines) == 2
    cells = lines[1].split(";")
    assert cells[0] == "Late" and cells[4] == "39" and cells[11] == "oui"
    assert cells[-1] == "5429,00"


def test_queries_stay_constant(client, national, employer, django_assert_max_num_queries):
    in_post(employer, national)
    client.force_login(national)
    client.get(reverse("contracts:advisors"))
    for _ in range(30):
        in_post(employer, national)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("contracts:advisors"))
    assert response.context["page_obj"].paginator.count == 31
