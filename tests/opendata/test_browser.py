import pytest

from tests.browser_support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_data_page_is_accessible_and_dates_each_file(live_server, page, places):
    page.goto(f"{live_server.url}/donnees/")
    assert page.get_by_role("heading", level=1).inner_text() == "Données ouvertes"
    assert axe_violations(page) == []

    response = page.request.get(f"{live_server.url}/donnees/lieux-mediation-numerique.csv")
    assert response.ok
    assert response.text().startswith("id,pivot,nom,commune,code_postal,")
    page.reload()
    item = page.locator("li.cnfs-dataset").filter(has_text="lieux-mediation-numerique.csv")
    assert "produit le" in item.inner_text()
    assert "Taille" in item.inner_text()
