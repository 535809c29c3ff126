"""What a newcomer meets on the first ``make run`` (DEBUG on): French pages, offline docs."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.http import Http404
from django.test import Client
from django.urls import path

from cnfs.urls import urlpatterns as project_urlpatterns


def _fails(request):
    raise RuntimeError("panne simulée")


def _absent(request):
    raise Http404("Aucun objet ne correspond (message de développement).")


# The project's addresses plus one that fails and one whose object is absent.
urlpatterns = [path("panne/", _fails), path("absent/", _absent), *project_urlpatterns]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_unknown_address_in_development_is_the_project_french_404(client, db, debug):
    response = client.get("/nulle-part/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in page and 'lang="fr"' in page
    assert "URLconf" not in page and "DEBUG = True" not in page


def test_object_not_found_in_development_is_the_project_french_404(client, db, debug):
    debug.ROOT_URLCONF = __name__
    response = client.get("/absent/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in page and "message de développement" not in page


def test_server_error_in_development_is_the_project_french_500(db, debug):
    debug.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/panne/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Erreur inattendue" in page
    assert "Traceback" not in page and "panne simulée" not in page


def test_api_errors_stay_json_in_development(client, db, debug):
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_api_docs_use_the_bundled_swagger_ui_and_no_cdn(client, db):
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui.css" in page
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", page)
    assert external == [], "the docs page loads something from another site"


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"])
def test_swagger_ui_assets_are_among_the_site_static_files(asset):
    assert finders.find(f"ninja/{asset}"), f"ninja/{asset} is not collected"
