import pytest

from cnfs.activity import services
from cnfs.activity.models import Report
from tests.activity.conftest import make_advisor, report_data
from tests.browser_support import axe_violations
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, user):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/")


class Counted:
    """The page's clicks and fills, counted (what the advisor does with a thumb)."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def click(self, locator):
        self.actions += 1
        locator.click()

    def fill(self, locator, value):
        self.actions += 1
        locator.fill(value)


def test_a_one_to_one_report_in_six_actions_on_a_phone(live_server, page, employer):
    advisor = make_advisor(employer)
    log_in(page, live_server, advisor)
    page.goto(f"{live_server.url}/activite/nouveau/")
    assert axe_violations(page) == []
    counted = Counted(page)

    counted.click(page.get_by_text("Accompagnement individuel", exact=True))
    counted.click(page.locator("label[for=id_age_4]"))  # Plus de 60 ans
    counted.click(page.get_by_text("Retraité(e)", exact=True))
    counted.click(page.get_by_text("Démarches en ligne", exact=True))
    counted.click(page.get_by_text("30 à 60 min", exact=True))
    # The whole one-to-one report fits two phone screens, its button included.
    bottom = page.evaluate(
        "document.querySelector('[data-report-form] button[type=submit]')"
        ".getBoundingClientRect().bottom + window.scrollY"
    )
    assert bottom <= 2 * PHONE["height"], f"the report ends at {bottom:.0f} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    counted.click(page.get_by_role("button", name="Enregistrer", exact=True))
    page.wait_for_url("**/activite/")
    assert "Compte rendu enregistré" in page.content()
    assert counted.actions <= 6

    report = Report.objects.get()
    assert (report.kind, report.participants, report.themes) == ("individual", 1, ["procedures"])
    assert (report.ages, report.statuses) == ({"over_60": 1}, {"retired": 1})
    assert (report.place_id, report.duration) == (advisor.main_place.pk, "30_60")


def test_a_workshop_checks_its_counts_as_one_types(live_server, page, employer):
    advisor = make_advisor(employer)
    log_in(page, live_server, advisor)
    page.goto(f"{live_server.url}/activite/nouveau/")
    page.get_by_text("Atelier collectif", exact=True).click()
    assert page.locator("#id_age_over_60").is_visible()
    assert page.locator("#id_age").is_hidden()  # the one-person questions
    page.locator("#id_participants").fill("3")
    check = page.locator("#ages-check")
    assert "doit être égal à 3" in check.inner_text()
    page.locator("#id_age_over_60").fill("3")
    assert "c’est juste" in check.inner_text()
    page.locator("#id_status_retired").fill("3")
    assert page.locator("[data-show-for='other_place home']").is_hidden()
    page.get_by_text("Courriels", exact=True).click()
    page.get_by_text("Moins de 30 min", exact=True).click()
    page.get_by_role("button", name="Enregistrer et saisir un autre").click()
    page.wait_for_url("**/activite/nouveau/")
    assert "Compte rendu enregistré" in page.content()
    report = Report.objects.get()
    assert (report.kind, report.participants, report.themes) == ("workshop", 3, ["email"])


def test_the_history_fits_a_phone(live_server, page, employer):
    advisor = make_advisor(employer)
    for _ in range(3):
        services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    log_in(page, live_server, advisor)
    page.goto(f"{live_server.url}/activite/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    edit = page.get_by_role("link", name="Modifier le compte rendu du 15/06/2021").first
    assert edit.is_visible()
    box = edit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert axe_violations(page) == []
    edit.click()
    page.wait_for_url("**/modifier/")
