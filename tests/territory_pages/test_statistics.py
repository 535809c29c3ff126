import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.activity.enums import Kind, Theme
from cnfs.contracts.enums import TrainingStatus
from cnfs.stats.indicators import Scope, indicators
from tests import factories
from tests.stats.conftest import add_report, add_reports, advisor_user, random_report
from tests.territory_pages.conftest import recruit

pytestmark = pytest.mark.django_db

URL = "/statistiques/"


@pytest.fixture
def activity(jura_story, hautes_alpes_story):
    """Reports in the Jura and the Hautes-Alpes over the last 15 months."""
    rng = random.Random(6)
    today = timezone.localdate()
    jura_advisor, alps_advisor = advisor_user(), advisor_user()
    alps = hautes_alpes_story[0]
    reports = [
        random_report(rng, advisor, structure, today - timedelta(days=rng.randint(0, 450)))
        for advisor, structure in [(jura_advisor, jura_story[0])] * 60 + [(alps_advisor, alps)] * 40
    ]
    add_reports(reports)
    add_report(jura_advisor, jura_story[1], today, Kind.WORKSHOP, participants=12)
    return reports


def test_the_page_is_public_and_reversible(client, jura):
    assert reverse("territories:statistics") == URL
    assert client.get(URL).status_code == 200


def _last_12_months(response):
    ind = response.context["activity"]
    return ind.start, ind.end


@pytest.mark.parametrize(
    ("params", "scope"),
    [
        ({}, Scope()),
        ({"region": "27"}, Scope(region="27")),
        ({"departement": "05"}, Scope(departements=("05",))),
    ],
)
def test_activity_figures_equal_the_indicators(client, activity, params, scope):
    response = client.get(URL, params)

    start, end = _last_12_months(response)
    expected = indicators(scope, start, end)
    assert response.context["activity"] == expected
    shown = dict(response.context["activity_figures"])
    assert shown["Accompagnements"] == expected.accompaniments > 0
    assert shown["Personnes touchées"] == expected.people_reached
    assert shown["Ateliers collectifs"] == expected.workshops
    assert len(response.context["months"]) == 12


def test_all_time_covers_every_report(client, activity):
    response = client.get(URL, {"periode": "tout"})

    assert response.context["activity"].accompaniments == len(activity) + 1


def test_the_month_table_and_the_theme_table_carry_the_chart_data(client, jura_story):
    advisor = advisor_user()
    add_report(advisor, jura_story[0], timezone.localdate(), themes=[Theme.HEALTH, Theme.EMAIL])

    response = client.get(URL, {"departement": "39"})

    page = response.content.decode()
    assert "<bar-chart" in page and "(données du graphique)" in page
    health = next(s for s in response.context["activity"].themes if s.code == Theme.HEALTH)
    assert health.count == 1
    assert '"Santé"' in response.context["charts"]["themes"]["x"]


def test_deployment_figures_per_territory(client, jura_story, hautes_alpes_story):
    structure = hautes_alpes_story[0]
    recruit(structure, training=TrainingStatus.IN_PROGRESS)

    national = client.get(URL).context
    alps = client.get(URL, {"departement": "05"}).context

    assert national["deployment"].posts_granted == 14 + 18
    assert national["deployment"].recruited == 14
    assert (national["deployment"].in_training, national["deployment"].operational) == (1, 4)
    assert national["cap"] == 4000
    assert (alps["deployment"].posts_granted, alps["deployment"].in_training) == (18, 1)
    by_region = {part.code: row for part, row, _ in national["parts"]}
    assert (by_region["27"].recruited, by_region["93"].posts_granted) == (13, 18)


def test_a_region_lists_its_departements(client, jura_story):
    factories.DepartementFactory(code="25", name="Doubs")

    response = client.get(URL, {"region": "27"})

    assert [part.code for part, _, _ in response.context["parts"]] == ["25", "39"]


@pytest.mark.parametrize("params", [{"region": "99"}, {"departement": "999"}])
def test_an_unknown_territory_is_not_found(client, jura, params):
    assert client.get(URL, params).status_code == 404
