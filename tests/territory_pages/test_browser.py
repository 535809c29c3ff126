from datetime import timedelta

import pytest
from django.utils import timezone

from cnfs.activity.enums import Kind
from cnfs.publicpages.models import TerritoryContact
from tests.browser_support import axe_violations
from tests.stats.conftest import add_report, advisor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(jura, jura_story):
    TerritoryContact.objects.create(
        departement=jura,
        organisation="Direction départementale des territoires du Jura (DDT)",
        email="ddt@jura.gouv.fr",
        phone="03 84 86 80 00",
        url="https://www.jura.gouv.fr",
    )
    advisor, today = advisor_user(), timezone.localdate()
    for k in range(6):
        add_report(advisor, jura_story[0], today - timedelta(days=40 * k))
    add_report(advisor, jura_story[1], today, Kind.WORKSHOP, participants=8)


def test_the_jura_page_is_accessible(live_server, page, story):
    page.goto(f"{live_server.url}/territoires/departement/39/")

    assert page.get_by_role("heading", level=1).inner_text() == "Jura (39)"
    assert "13 conseillers numériques ont été recrutés par 9 structures" in page.inner_text("main")
    assert page.get_by_role("link", name="ddt@jura.gouv.fr").is_visible()
    assert axe_violations(page) == []


def test_the_public_statistics_draw_their_charts_and_are_accessible(live_server, page, story):
    page.goto(f"{live_server.url}/statistiques/")

    assert page.get_by_role("heading", level=1).inner_text() == "Statistiques publiques"
    page.wait_for_selector("bar-chart canvas", timeout=10_000)
    assert axe_violations(page) == []


def test_a_visitor_finds_a_departement_from_a_commune(live_server, page, story):
    page.goto(f"{live_server.url}/territoires/")
    page.get_by_label("Rechercher une région, un département ou une commune").fill("Dole")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Jura (39)").first.click()

    page.wait_for_url("**/territoires/departement/39/")
    assert axe_violations(page) == []
