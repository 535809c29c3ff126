from datetime import timedelta

import pytest
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.activity.enums import Kind
from tests import factories
from tests.browser_support import axe_violations
from tests.factories import PASSWORD, code_of
from tests.stats.conftest import add_report, advisor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_national_page_draws_its_charts_and_is_accessible(live_server, page):
    jura = factories.DepartementFactory(code="39", name="Jura")
    structure = factories.StructureFactory(name="ECLA", commune__departement=jura)
    today = timezone.localdate()
    advisor = advisor_user()
    for k in range(6):
        add_report(advisor, structure, today - timedelta(days=40 * k))
    add_report(advisor, structure, today, Kind.WORKSHOP, participants=8)
    national = factories.UserFactory(email="anct@exemple.fr", roles=[(Role.NATIONAL, {})])

    device = factories.authenticator(national)
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(national.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code de vérification").fill(code_of(device))
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url("**/compte/")
    page.goto(f"{live_server.url}/statistiques-activite/")

    assert page.get_by_role("heading", level=1).inner_text() == "Statistiques d’activité"
    # The vendored web components draw into canvases.
    page.wait_for_selector("bar-chart canvas", timeout=10_000)
    assert page.locator("pie-chart canvas").count() >= 1
    assert axe_violations(page) == []
