from datetime import date

import pytest

from cnfs.committee import services
from cnfs.committee.models import AgendaItem
from tests import factories
from tests.browser_support import axe_violations
from tests.committee.helpers import on_agenda
from tests.factories import PASSWORD, code_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_row_is_decided_in_place_and_the_summary_follows(live_server, page, national):
    session = services.create_session(session_date=date(2021, 3, 24), by=national)
    item = on_agenda(session, posts=3, suggested=2, name="CC Portes du Jura")
    on_agenda(session, name="Fab Lab Bresse Haute Seille")
    device = factories.authenticator(national)
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(national.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code de vérification").fill(code_of(device))
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url("**/compte/")
    page.goto(f"{live_server.url}/comite/{session.number}/")
    assert axe_violations(page) == []
    page.get_by_label("Décision pour CC Portes du Jura").select_option("granted")
    page.get_by_label("Observation sur CC Portes du Jura").fill("Territoire rural")
    page.get_by_role("button", name="Enregistrer la décision pour CC Portes du Jura").click()
    row = page.locator(f"#item-{item.pk}")
    row.get_by_text("Enregistré.").wait_for()
    assert page.url.endswith(f"/comite/{session.number}/")  # no page load: htmx swapped the row
    summary = page.locator("#session-summary")
    assert "2\nposte(s) accordé(s)" in summary.inner_text()
    saved = AgendaItem.objects.get(pk=item.pk)
    assert (saved.decision, saved.posts, saved.observation) == ("granted", 2, "Territoire rural")
