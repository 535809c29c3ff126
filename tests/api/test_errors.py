"""Every error of the API is JSON in the documented shape; bad input is never a 500."""

import pytest
from django.test import Client
from pydantic import BaseModel

from cnfs.api.urls import api
from tests import factories

CSRF = "abcdefghijklmnopqrstuvwxyzABCDEF"


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def csrf_client(user) -> Client:
    """A browser-like client: CSRF checked, its cookie and header sent."""
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


@pytest.mark.parametrize(
    "url", ["/api/v1/structures?page=18446744073709551616", "/api/v1/structures?page=0"]
)
def test_a_page_number_out_of_range_is_a_422(client, national, url):
    client.force_login(national)
    assert_json_error(client.get(url), 422)


def test_a_huge_page_size_is_a_422(client, national):
    client.force_login(national)
    assert_json_error(client.get("/api/v1/structures?page_size=18446744073709551616"), 422)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_outside_the_programme_s_years_is_a_422(client, db, day):
    response = client.get(f"/api/v1/partners/statistics?end={day}")
    assert_json_error(response, 422)
    assert "Saisissez une date entre le 01/01/2000 et le 31/12/2099." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/api/v1/partners/territories/%00", "/api/v1/communes?q=%00", "/api/v1/x%00y"]
)
def test_a_nul_character_in_the_address_is_a_400(client, db, url):
    assert_json_error(client.get(url), 400)


def test_a_nul_character_in_a_page_address_is_a_400_too(client, db):
    response = client.get("/lieux/?q=a%00b")
    assert response.status_code == 400


def test_an_unknown_api_address_answers_json(client, db):
    assert_json_error(client.get("/api/v1/nulle-part"), 404)
    assert_json_error(client.get("/api/v1/structures/-1"), 404)


def test_a_body_over_the_limit_is_a_413(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/candidates/applications", "{" + " " * 2000 + "}", content_type="application/json"
    )
    assert_json_error(response, 413)


def test_multipart_without_boundary_is_a_400(national):
    client = csrf_client(national)
    item = factories.AgendaItemFactory()
    response = client.post(
        f"/api/v1/committee/items/{item.pk}/decision",
        b"--x\r\n",
        content_type="multipart/form-data",
    )
    assert_json_error(response, 400)


def test_a_body_that_is_not_json_is_a_400_in_french(client, db):
    response = client.post(
        "/api/v1/candidates/applications", "{pas du json", content_type="application/json"
    )
    assert_json_error(response, 400)
    assert "JSON valide" in response.json()["detail"]


def test_the_role_is_checked_before_the_body(owner):
    client = csrf_client(owner)
    item = factories.AgendaItemFactory()
    response = client.post(
        f"/api/v1/committee/items/{item.pk}/decision",
        {"decision": "pas une décision"},
        content_type="application/json",
    )
    assert_json_error(response, 403)


def test_an_unexpected_error_is_still_a_500(client, db, monkeypatch):
    class Broken:
        class objects:  # noqa: N801 (stands for the model's manager)
            @staticmethod
            def select_related(*args):
                raise RuntimeError("panne")

    monkeypatch.setattr("cnfs.api.territories.Commune", Broken)
    assert_json_error(client.get("/api/v1/communes?q=dole"), 500)


def _models(model, seen):
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for argument in [field.annotation, *getattr(field.annotation, "__args__", ())]:
            _models(argument, seen)


def test_schema_names_are_unique(client, db):
    seen = set()
    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models(model, seen)
                for response in operation.response_models.values():
                    _models(response, seen)
    # Ninja's own parameter models (QueryParams…) never reach the document under their name.
    names = [model.__name__ for model in seen if model.__module__.startswith("cnfs.")]
    assert len(names) > 40
    assert sorted({n for n in names if names.count(n) > 1}) == []
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "PartnerStructureOut" in schemas and "StructureOut" in schemas
