"""/healthz, the request id, JSON logs without personal data, optional error reporting."""

import json
import logging
import sys
import types
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from cnfs.common import observability
from cnfs.common.observability import JsonFormatter, RequestIdFilter


def test_healthz_reports_each_check_as_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["oldest_ready_age_s"] == 0


def test_healthz_answers_503_when_the_cache_loses_what_it_stores(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def _ready_task(**fields):
    return DBTaskResult.objects.create(
        **{
            "args_kwargs": {"args": [], "kwargs": {}},
            "task_path": "cnfs.common.mail.send_mail_task",
            "backend_name": "default",
            "run_after": get_date_max(),
            **fields,
        }
    )


def test_healthz_answers_503_when_a_ready_task_waits_too_long(client, db, settings):
    settings.HEALTHZ_MAX_TASK_LAG = 300
    with time_machine.travel("2024-03-01 10:00:00+01:00", tick=False):
        _ready_task()
    with time_machine.travel("2024-03-01 10:04:00+01:00", tick=False):
        fresh = client.get("/healthz")
    with time_machine.travel("2024-03-01 10:06:00+01:00", tick=False):
        late = client.get("/healthz")
    assert fresh.status_code == 200
    assert fresh.json()["checks"]["tasks"]["oldest_ready_age_s"] == 240
    assert late.status_code == 503
    assert late.json()["checks"]["tasks"] == {
        "ok": False,
        "oldest_ready_age_s": 360.0,
        "limit_s": 300,
        "ms": late.json()["checks"]["tasks"]["ms"],
    }


def test_a_task_scheduled_for_later_is_not_lagging(client, db, settings):
    settings.HEALTHZ_MAX_TASK_LAG = 300
    with time_machine.travel("2024-03-01 10:00:00+01:00", tick=False):
        _ready_task(run_after=timezone.now() + timedelta(hours=1))
        finished = _ready_task()
        finished.status = "SUCCESSFUL"
        finished.save()
    with time_machine.travel("2024-03-01 10:59:00+01:00", tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["tasks"]["oldest_ready_age_s"] == 0


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_a_request_id_is_generated_and_echoed(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxy_request_id_is_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123.proxy"})
    assert response["X-Request-ID"] == "abc-123.proxy"


def test_an_implausible_request_id_is_replaced(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": 'x" injected=1'})
    assert response["X-Request-ID"] != 'x" injected=1'
    assert len(response["X-Request-ID"]) == 32


def _json_line(message, *args, **extra):
    record = logging.LogRecord("cnfs.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    RequestIdFilter().filter(record)
    return JsonFormatter().format(record)


def test_json_log_is_one_line_with_the_request_id():
    token = observability.request_id_var.set("req-42")
    try:
        line = _json_line("candidat n° %s refusé", 12, status=403)
    finally:
        observability.request_id_var.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-42"
    assert entry["message"] == "candidat n° 12 refusé"
    assert entry["level"] == "WARNING" and entry["logger"] == "cnfs.test"
    assert entry["status"] == 403


def test_json_log_masks_emails_and_query_string_values():
    entry = json.loads(
        _json_line(
            "GET /candidats/?q=dupont&email=jean.dupont@example.org&page=2 for %s",
            "marie@example.fr",
            path="/recherche/?nom=Martin",
        )
    )
    assert "dupont" not in entry["message"] and "example" not in entry["message"]
    assert entry["message"] == "GET /candidats/?q=…&email=…&page=… for [e-mail]"
    assert entry["path"] == "/recherche/?nom=…"


def test_request_lines_carry_no_query_string(client, db, settings, caplog):
    settings.LOG_REQUESTS = True
    with caplog.at_level(logging.INFO, logger="cnfs.request"):
        response = client.get("/territoires/?q=secret-value")
    record = next(r for r in caplog.records if r.name == "cnfs.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/territoires/"
    assert line["status"] == response.status_code
    assert "secret-value" not in json.dumps(line)
    assert line["request_id"] == response["X-Request-ID"]


def test_logging_config_switches_to_json():
    config = observability.logging_config(log_format="json", level="INFO")
    assert config["formatters"]["main"]["()"].endswith("JsonFormatter")
    assert config["handlers"]["console"]["filters"] == ["request_id"]
    text = observability.logging_config(log_format="text", level="INFO")
    assert "()" not in text["formatters"]["main"]


def test_error_reporting_is_off_without_a_dsn():
    assert observability.init_error_reporting("") is False


def test_error_reporting_is_off_when_sentry_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)
    assert observability.init_error_reporting("https://key@errors.example/1") is False


@pytest.fixture
def fake_sentry(monkeypatch):
    calls = []
    sentry = types.ModuleType("sentry_sdk")
    sentry.init = lambda **options: calls.append(options)
    integrations = types.ModuleType("sentry_sdk.integrations")
    django_integration = types.ModuleType("sentry_sdk.integrations.django")
    django_integration.DjangoIntegration = lambda: "django"
    monkeypatch.setitem(sys.modules, "sentry_sdk", sentry)
    monkeypatch.setitem(sys.modules, "sentry_sdk.integrations", integrations)
    monkeypatch.setitem(sys.modules, "sentry_sdk.integrations.django", django_integration)
    return calls


def test_error_reporting_sends_no_personal_data(fake_sentry):
    assert observability.init_error_reporting("https://key@errors.example/1") is True
    (options,) = fake_sentry
    assert options["dsn"] == "https://key@errors.example/1"
    assert options["send_default_pii"] is False
    assert options["max_request_body_size"] == "never"
    event = {
        "request": {
            "url": "https://site.example/candidats/?email=a@b.fr",
            "query_string": "email=a@b.fr",
            "cookies": {"sessionid": "s"},
            "headers": {"Cookie": "sessionid=s", "User-Agent": "x"},
        },
        "user": {"email": "a@b.fr"},
    }
    scrubbed = options["before_send"](event, {})
    assert scrubbed["request"] == {
        "url": "https://site.example/candidats/",
        "headers": {"User-Agent": "x"},
    }
    assert "user" not in scrubbed
