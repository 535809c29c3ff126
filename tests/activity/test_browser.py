import pytest

from cnfs.activity.models import Report
from tests.activity.conftest import make_advisor
from tests.browser_support import axe_violations
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_report_in_a_few_taps_on_a_phone(live_server, page, employer):
    advisor = make_advisor(employer)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(advisor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/")
    page.goto(f"{live_server.url}/activite/nouveau/")
    assert axe_violations(page) == []
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_text("Atelier collectif", exact=True).click()
    page.locator("#id_participants").fill("3")
    check = page.locator("#ages-check")
    assert "doit être égal à 3" in check.inner_text()
    page.get_by_label("Plus de 60 ans").fill("3")
    assert "c’est juste" in check.inner_text()
    page.get_by_label("Retraité(e)").fill("3")
    assert page.locator("[data-show-for='other_place home']").is_hidden()
    page.get_by_text("Courriels", exact=True).click()
    page.get_by_role("button", name="Enregistrer et saisir un autre").click()
    page.wait_for_url("**/activite/nouveau/")
    assert "Compte rendu enregistré" in page.content()
    report = Report.objects.get()
    assert (report.kind, report.participants, report.themes) == ("workshop", 3, ["email"])
