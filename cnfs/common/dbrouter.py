"""Reads of public pages, statistics and the partners' API from a streaming replica.

With ``DATABASE_REPLICA_URL`` set, ``ReplicaReadsMiddleware`` marks the GET and HEAD
requests of ``DATABASE_REPLICA_PATHS`` as replica-readable, and ``ReplicaRouter`` sends
their reads to the ``replica`` alias. Everything else stays on the primary:

- writes, and reads inside a transaction of the primary (a use case reads what it locks);
- the task queue, the cache table and the sessions, whatever the request;
- the requests of a person who wrote in the last ``DATABASE_REPLICA_STICKY_SECONDS``
  (read-your-writes: a POST, PUT, PATCH or DELETE sets a short-lived cookie).
"""

import contextvars
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
WROTE_COOKIE = "cnfs_wrote"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CLOCK_SKEW_SECONDS = 5
# The task queue (a worker locks its rows), the database cache, the sessions.
PRIMARY_ONLY_APPS = {"django_tasks_database", "django_cache", "sessions"}

_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_allowed", default=False
)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_allowed.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        # Explicit: an object read from the replica is saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request, *, now: float) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    # A few seconds of clock difference between the application servers are tolerated.
    return -CLOCK_SKEW_SECONDS <= now - wrote_at < settings.DATABASE_REPLICA_STICKY_SECONDS


def replica_readable(request, *, now: float) -> bool:
    return (
        request.method in SAFE_METHODS
        and request.path.startswith(tuple(settings.DATABASE_REPLICA_PATHS))
        and not wrote_recently(request, now=now)
    )


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = REPLICA in settings.DATABASES

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        now = time.time()
        token = _replica_allowed.set(replica_readable(request, now=now))
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                WROTE_COOKIE,
                str(int(now)),
                max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
