"""Operations: the request id, JSON logs without personal data, optional error reporting.

The request id comes from the proxy's ``X-Request-ID`` header when it looks like one, else
is generated; it is echoed in the response and stamped on every log record of the request.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

request_logger = logging.getLogger("cnfs.request")


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(value: str | None) -> str:
    """The proxy's id when it is a plausible one (no spaces, quotes or control characters:
    it goes into logs and headers as is), else a fresh one."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return new_request_id()


class RequestIdMiddleware:
    """First middleware: every log line of the request carries its id; with
    ``LOG_REQUESTS`` one line per request (method, path without query string, status,
    duration)."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.log_requests = getattr(settings, "LOG_REQUESTS", False)

    def __call__(self, request):
        request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if self.log_requests:
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The value of each parameter of a query string: "?q=Dupont&page=2" → "?q=…&page=…".
_QUERY_VALUE = re.compile(r"([?&][^=&\s\"'#]+=)[^&\s\"'#]*")


def redact(text: str) -> str:
    """No personal data in logs: e-mail addresses and query string values are masked
    (people are named by number in messages, never by name)."""
    return _QUERY_VALUE.sub(r"\1…", _EMAIL.sub("[e-mail]", text))


_EXTRA_FIELDS = ("method", "path", "status", "status_code", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the known
    ``extra`` fields (never the request object, whose headers carry cookies)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for field in _EXTRA_FIELDS:
            value = vars(record).get(field)
            if value is not None:
                entry[field] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: plain text by default, JSON with ``LOG_FORMAT=json``."""
    formatter = (
        {"()": "cnfs.common.observability.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "cnfs.common.observability.RequestIdFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            # runserver's access lines carry query strings: ours (cnfs.request) do not.
            "django.server": {"level": "WARNING" if log_format == "json" else "INFO"},
        },
    }


def _scrub_event(event, hint):
    """Error reports carry no personal data: no query string, cookies, body or user."""
    request = event.get("request") or {}
    for key in ("query_string", "cookies", "data", "env"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization", "x-api-key", "x-csrftoken"}:
            headers.pop(name)
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]
    event.pop("user", None)
    return event


def init_error_reporting(dsn: str, *, environment: str = "", release: str = "") -> bool:
    """Send errors to ``SENTRY_DSN`` if the optional sentry-sdk is installed; True when on."""
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        logging.getLogger(__name__).warning(
            "SENTRY_DSN is set but sentry-sdk is not installed: errors are only logged."
        )
        return False
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        environment=environment or None,
        release=release or None,
        before_send=_scrub_event,
    )
    return True
