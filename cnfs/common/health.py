"""What ``/healthz`` checks: the database (and its replica), the cache, the task queue."""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, F, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from cnfs.common.dbrouter import REPLICA


def _timed(check):
    started = time.perf_counter()
    try:
        result = check() or {}
        result = {"ok": True, **result}
    except Exception as error:  # noqa: BLE001 (any failure is the answer)
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database(alias: str):
    def check():
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            if alias == REPLICA and connections[alias].vendor == "postgresql":
                # Time since the last transaction replayed (grows while the primary idles).
                cursor.execute(
                    "SELECT pg_is_in_recovery(), "
                    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
                )
                in_recovery, lag = cursor.fetchone()
                return {
                    "in_recovery": in_recovery,
                    "replay_age_s": None if lag is None else round(float(lag), 1),
                }
        return None

    return check


def _cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 30)
    if cache.get(key) != "1":
        raise RuntimeError("cache read back failed")
    cache.delete(key)


def _tasks():
    """Age of the oldest task ready to run: workers down or overwhelmed make it grow."""
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    oldest = (
        DBTaskResult.objects.using("default").ready().aggregate(oldest=Min(waiting_since))["oldest"]
    )
    lag = 0.0 if oldest is None else max(0.0, (timezone.now() - oldest).total_seconds())
    limit = settings.HEALTHZ_MAX_TASK_LAG
    return {"ok": lag <= limit, "oldest_ready_age_s": round(lag, 1), "limit_s": limit}


def run_checks() -> tuple[bool, dict]:
    checks = {"database": _timed(_database("default"))}
    if REPLICA in settings.DATABASES:
        checks["replica"] = _timed(_database(REPLICA))
    checks["cache"] = _timed(_cache)
    checks["tasks"] = _timed(_tasks)
    return all(check["ok"] for check in checks.values()), checks
