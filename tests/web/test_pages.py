import pytest
from django.urls import reverse

from cnfs.common import retention


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("web:home", "Conseiller numérique France Services"),
        ("web:programme", "Le programme"),
        ("web:legal", "Mentions légales"),
        ("web:privacy", "Données personnelles"),
        ("web:accessibility", "Déclaration d’accessibilité"),
        ("web:sources", "Sources des données et licences"),
    ],
)
def test_public_pages_render_in_the_dsfr_shell(client, db, name, heading):
    page = client.get(reverse(name)).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'lang="fr"' in page
    assert "dsfr.min.css" in page and "fr-header" in page and "fr-footer" in page
    assert 'href="#content"' in page  # skip link
    # Static files are served from our origin: no integrity hash that post-processing breaks.
    assert "integrity=" not in page


def test_home_sends_each_audience_to_its_entry_point(client, db):
    page = client.get("/").content.decode()
    for audience in (
        "Une collectivité ou une association",
        "devenir conseiller",
        "cherche de l’aide",
    ):
        assert audience in page


def test_unknown_page_is_the_dsfr_404(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_server_error_page_needs_no_database(rf):
    from cnfs.web.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


def test_openapi_document_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/communes" in schema["paths"]


def test_the_personal_data_page_states_the_periods_the_jobs_apply(client):
    text = client.get("/donnees-personnelles/").content.decode()
    assert f"CV : {retention.CV_KEPT_MONTHS} mois après la dernière activité" in text
    assert f"{retention.CV_WARNING_DAYS} jours avant" in text
    assert f"pas été confirmée : {retention.UNCONFIRMED_KEPT_DAYS} jours" in text
    assert f"{retention.INACTIVE_ACCOUNT_YEARS} ans après la dernière activité" in text
    assert f"{retention.ADVISOR_KEPT_YEARS} ans après la fin du dernier contrat" in text
