from datetime import date, timedelta
from io import BytesIO

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cnfs.accounts.enums import Role
from cnfs.activity.enums import Kind
from tests import factories
from tests.stats.conftest import add_report, advisor_user

URL = "/statistiques-activite/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def activity(structure, jura, doubs, today):
    """ECLA (Jura): Alice 3 reports, Bob 2; Doubs: Chloé 4 reports (a workshop of 6)."""
    alice = advisor_user(first_name="Alice", last_name="Martin")
    bob = advisor_user(first_name="Bob", last_name="Durand")
    chloe = advisor_user(first_name="Chloé", last_name="Petit")
    besancon = factories.StructureFactory(
        name="Médiathèque de Besançon", commune__departement=doubs
    )
    for _ in range(3):
        add_report(alice, structure, today)
    for _ in range(2):
        add_report(bob, structure, today)
    for _ in range(3):
        add_report(chloe, besancon, today)
    add_report(chloe, besancon, today, Kind.WORKSHOP, participants=6)
    return {"alice": alice, "bob": bob, "chloe": chloe, "besancon": besancon}


def get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_page_is_mounted():
    assert reverse("stats:index") == URL
    assert reverse("stats:inactive") == URL + "sans-activite/"


def test_an_advisor_sees_his_or_her_activity_only(client, activity):
    response = get(client, activity["alice"])
    assert response.status_code == 200
    assert response.context["ind"].accompaniments == 3
    assert response.context["table"] is None
    # Filters of other roles are not for an advisor: the scope stays his or hers.
    response = get(client, activity["alice"], structure=activity["besancon"].pk)
    assert response.context["ind"].accompaniments == 3


def test_a_structure_sees_its_advisors_and_no_one_else(client, activity, owner, colleague):
    response = get(client, owner)
    assert response.status_code == 200
    assert response.context["ind"].accompaniments == 5
    rows = {row.label: row.accompaniments for row in response.context["table"].rows}
    assert rows == {"Alice Martin": 3, "Bob Durand": 2}
    assert "Chloé" not in response.content.decode()

    assert get(client, colleague).context["ind"].accompaniments == 0
    assert get(client, colleague, structure=owner.roles.get().structure_id).status_code == 404
    assert get(client, owner, structure=activity["besancon"].pk).status_code == 404


def test_a_manager_of_two_structures_chooses_one(client, activity, owner, structure):
    owner.roles.create(role=Role.STRUCTURE, structure=activity["besancon"])
    assert get(client, owner).context["ind"].accompaniments == 9
    response = get(client, owner, structure=activity["besancon"].pk)
    assert response.context["ind"].accompaniments == 4
    assert response.context["selection"].label == "Médiathèque de Besançon"


def test_a_prefecture_sees_its_territory(client, activity, prefecture, outsider, structure):
    response = get(client, prefecture)
    assert response.status_code == 200
    assert response.context["ind"].accompaniments == 5
    # One département: a row per structure, linking to its figures.
    rows = response.context["table"].rows
    assert [(row.label, row.accompaniments) for row in rows] == [("ECLA", 5)]
    assert f"structure={structure.pk}" in response.content.decode()
    assert get(client, prefecture, structure=structure.pk).context["ind"].accompaniments == 5

    # The Doubs prefecture: its own figures, nothing of the Jura.
    assert get(client, outsider).context["ind"].accompaniments == 4
    assert get(client, outsider, departement="39").status_code == 404
    assert get(client, outsider, structure=structure.pk).status_code == 404
    assert get(client, prefecture, departement="25").status_code == 404


def test_the_national_team_sees_everything_and_filters(client, activity, national, structure):
    response = get(client, national)
    assert response.context["ind"].accompaniments == 9
    assert response.context["ind"].people_reached == 3 + 2 + 3 + 6
    rows = {row.key: row.accompaniments for row in response.context["table"].rows}
    assert rows == {"25": 4, "39": 5}
    assert get(client, national, region="27").context["ind"].accompaniments == 9
    response = get(client, national, departement="25")
    assert response.context["ind"].accompaniments == 4
    assert [c[0] for c in response.context["form"].fields["structure"].choices] == [
        "",
        str(activity["besancon"].pk),
    ]
    assert get(client, national, structure=structure.pk).context["ind"].accompaniments == 5
    assert get(client, national, departement="99").status_code == 404
    assert get(client, national, structure="abc").status_code == 404


def test_the_financial_operator_sees_the_national_figures(client, activity, financial):
    response = get(client, financial)
    assert response.status_code == 200
    assert response.context["ind"].accompaniments == 9


def test_a_candidate_is_forbidden_and_a_visitor_asked_to_log_in(client, candidate_user):
    assert get(client, candidate_user).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert "connexion" in response.url or "login" in response.url


def test_periods(client, structure, national, today):
    advisor = advisor_user()
    add_report(advisor, structure, today)
    add_report(advisor, structure, today.replace(day=1) - timedelta(days=1))  # last month
    add_report(advisor, structure, date(2021, 6, 1))
    figures = {
        period: get(client, national, period=period).context["ind"].accompaniments
        for period in ("month", "12_months", "year", "all")
    }
    assert figures["month"] == 1
    assert figures["12_months"] == 2
    assert figures["year"] == (1 if today.month == 1 else 2)
    assert figures["all"] == 3
    assert get(client, national).context["ind"].accompaniments == 2  # the 12 last months
    custom = get(client, national, period="custom", start="2021-05-01", end="2021-06-30")
    assert custom.context["ind"].accompaniments == 1
    assert "du 01/05/2021 au 30/06/2021" in custom.content.decode()


def test_a_wrong_period_is_explained(client, national):
    response = get(client, national, period="custom", start="2024-02-01", end="2024-01-01")
    assert response.status_code == 200
    assert "La date de fin suit la date de début." in response.content.decode()


def test_charts_come_from_our_static_files_with_their_data_tables(client, activity, national):
    assert finders.find("vendor/dsfr-chart/DSFRChart.js")
    assert finders.find("vendor/dsfr-chart/DSFRChart.css")
    html = get(client, national).content.decode()
    assert '<script type="module" src="/static/vendor/dsfr-chart/DSFRChart.js"></script>' in html
    assert "cdn" not in html.lower()
    assert html.count('aria-hidden="true">') >= 7  # each chart, beside its table
    assert "<caption>Accompagnements par thème" in html
    assert "<caption>Accompagnements et personnes touchées par mois" in html


def test_the_printable_page_has_the_tables_without_charts(client, activity, national):
    response = get(client, national, URL + "imprimer/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<bar-chart" not in html and "DSFRChart.js" not in html
    assert "<caption>Accompagnements par lieu" in html
    assert "data-print" in html


def test_the_csv_export(client, activity, owner):
    response = get(client, owner, URL + "export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue().decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0].startswith("Statistiques d’activité;ECLA;du ")
    assert "Accompagnements;5" in lines
    assert "Personnes touchées;5" in lines
    # Accompaniments, people reached, unique people, follow-up rate (%), hours (3 × 45 min).
    assert "Alice Martin;3;3;3;0,0;2,2" in lines
    assert "Chloé" not in body


def test_the_xlsx_export(client, activity, national):
    response = get(client, national, URL + "export.xlsx", departement="25")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    figures = {row[0]: row[1] for row in workbook["Chiffres clés"].iter_rows(values_only=True)}
    assert figures["Accompagnements"] == 4
    assert figures["Participants aux ateliers"] == 6
    assert figures["Personnes touchées"] == 9
    assert "Évolution mensuelle" in workbook.sheetnames
    structures = list(workbook["Par structure"].iter_rows(min_row=4, values_only=True))
    assert structures == [("Médiathèque de Besançon", 4, 9, 9, 0, 3)]


def test_exports_respect_the_scope(client, activity, outsider, structure):
    assert get(client, outsider, URL + "export.csv", departement="39").status_code == 404
    assert get(client, outsider, URL + "export.xlsx", structure=structure.pk).status_code == 404


@pytest.mark.parametrize("who", ["national", "owner", "prefecture"])
def test_queries_do_not_grow_with_the_data(client, request, who, structure, jura, today):
    user = request.getfixturevalue(who)
    add_report(advisor_user(), structure, today)
    client.force_login(user)
    client.get(URL)
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for k in range(30):
        other = factories.StructureFactory(commune__departement=jura) if k % 3 else structure
        add_report(advisor_user(), other, today - timedelta(days=31 * (k % 12)))
        add_report(advisor_user(), structure, today, Kind.WORKSHOP, participants=3)
    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200
    assert len(after) == len(before)
