import pytest

from cnfs.accounts.enums import Role
from tests import factories
from tests.browser_support import axe_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_structure_manager_logs_in_and_sees_the_role_menu(live_server, page):
    structure = factories.StructureFactory(name="ECLA")
    manager = factories.UserFactory(
        email="gestion@ecla.fr", roles=[(Role.STRUCTURE, {"structure": structure})]
    )
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(manager.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/")
    navigation = page.get_by_role("navigation", name="Menu principal")
    assert navigation.get_by_role("link", name="Ma structure").count() == 1
    assert navigation.get_by_role("link", name="Administration").count() == 0
    navigation.get_by_role("link", name="Ma structure").click()
    page.get_by_role("link", name="ECLA").click()
    assert page.get_by_role("heading", level=1).inner_text() == "ECLA"


def test_home_page_is_styled_by_the_dsfr_and_accessible(live_server, page):
    page.goto(live_server.url + "/")
    # The DSFR stylesheet really applies: its Marianne font and its header layout.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.fr-header')).display") != "inline"
    )
    assert axe_violations(page) == []
