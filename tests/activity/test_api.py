import json

import pytest

from cnfs.activity import services
from cnfs.activity.models import AdvisorDay, Report
from tests.activity.conftest import report_data

API = "/api/v1/activity"


def body(advisor=None, **changes):
    data = report_data(advisor.main_place if advisor else None, **changes)
    data["date"] = data["date"].isoformat()
    return data


def post(client, path, payload, **headers):
    return client.post(
        f"{API}{path}", json.dumps(payload), content_type="application/json", headers=headers
    )


@pytest.fixture
def logged(client, advisor):
    client.force_login(advisor)
    return client


def test_create_one_report(logged, advisor):
    response = post(logged, "/reports", body(advisor))
    assert response.status_code == 201, response.content
    assert response.json()["place"] == advisor.main_place.pk
    assert Report.objects.get().advisor == advisor


def test_the_idempotency_header_makes_a_resend_harmless(logged, advisor):
    first = post(logged, "/reports", body(advisor), **{"Idempotency-Key": "abc"})
    again = post(logged, "/reports", body(advisor), **{"Idempotency-Key": "abc"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Report.objects.count() == 1


def test_the_client_key_field_works_too(logged, advisor):
    post(logged, "/reports", body(advisor, client_key="k1"))
    assert post(logged, "/reports", body(advisor, client_key="k1")).status_code == 200
    assert Report.objects.count() == 1


def test_refused_fields_in_french(logged, advisor):
    response = post(logged, "/reports", body(advisor, ages={"over_60": 2}, themes=[]))
    assert response.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages[("body", "payload", "themes")] == "Choisissez au moins un thème."
    assert "totalise 2" in messages[("body", "payload", "ages")]


def test_an_unknown_theme_code_is_refused_by_the_schema(logged, advisor):
    response = post(logged, "/reports", body(advisor, themes=["cooking"]))
    assert response.status_code == 422
    assert "Choisissez une valeur parmi" in response.json()["detail"][0]["msg"]


def test_only_advisors(client, manager):
    client.force_login(manager)
    assert post(client, "/reports", body()).status_code == 403
    assert client.get(f"{API}/reports").status_code == 403


def test_anonymous_is_refused(client):
    assert post(client, "/reports", body()).status_code == 401


def batch(n, **changes):
    return {"items": [body(client_key=f"item-{i}", **changes) for i in range(n)]}


def test_a_batch_of_500_sent_twice_is_recorded_once(logged):
    first = post(logged, "/reports/batch", batch(500))
    assert first.status_code == 201, first.content
    assert first.json()["created"] == 500
    again = post(logged, "/reports/batch", batch(500))
    assert again.status_code == 200
    assert again.json() == {"created": 0, "existing": 500, "ids": first.json()["ids"]}
    assert Report.objects.count() == 500 and AdvisorDay.objects.get().reports == 500


def test_a_batch_over_500_is_refused(logged):
    response = post(logged, "/reports/batch", batch(501))
    assert response.status_code == 422
    assert "au plus 500" in response.json()["detail"][0]["msg"]


def test_a_bad_item_refuses_the_batch_and_says_which(logged):
    payload = batch(4)
    payload["items"][2]["participants"] = 3
    payload["items"][3]["minutes"], payload["items"][3]["duration"] = 20, "minutes"
    response = post(logged, "/reports/batch", payload)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "payload", "items", 2, "participants"] in locs
    assert ["body", "payload", "items", 3, "minutes"] in locs
    assert not Report.objects.exists()


def test_list_my_reports(logged, advisor, other_advisor, django_assert_max_num_queries):
    services.create_report(advisor=other_advisor, data=report_data())
    services.create_batch(advisor=advisor, items=[report_data() for _ in range(3)])
    with django_assert_max_num_queries(8) as few:
        response = logged.get(f"{API}/reports")
    assert response.json()["count"] == 3
    services.create_batch(advisor=advisor, items=[report_data() for _ in range(60)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = logged.get(f"{API}/reports")
    assert response.json()["count"] == 63 and len(response.json()["items"]) == 50
