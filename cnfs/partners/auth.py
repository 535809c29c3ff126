"""Who calls the partners' API, and how often they may.

A partner sends its key in the ``X-Api-Key`` header. Public data (places, territory
figures, statistics) is also served without a key, at a lower rate; a key presented must be
valid, active and hold the endpoint's scope. Rate limits are fixed windows counted in the
database, so that every server shares them: per key, or per IP address for anonymous calls
(behind a reverse proxy, set ``NINJA_NUM_PROXIES`` so the client's address is read from
``X-Forwarded-For``). Each answer says where the caller stands (``RateLimit-Limit``,
``RateLimit-Remaining``, ``RateLimit-Reset``); a 429 adds ``Retry-After``.
"""

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from ninja.errors import HttpError, Throttled
from ninja.security import APIKeyHeader
from ninja.throttling import BaseThrottle

from cnfs.partners import services
from cnfs.partners.models import ApiKey, RateCounter

HEADER = "X-Api-Key"
# (requests, seconds) per window; override with the setting PARTNERS_API_RATE_LIMITS.
RATE_LIMITS = {"key": (600, 60), "anonymous": (60, 60)}

KEY_REQUIRED = (
    "Clé d’API requise : envoyez-la dans l’en-tête X-Api-Key (demandez-la à l’équipe nationale)."
)
TOO_MANY = (
    "Trop de requêtes : la limite de {limit} requêtes par {period} secondes est atteinte. "
    "Réessayez dans {wait} seconde(s)."
)


def rate_limits() -> dict:
    return getattr(settings, "PARTNERS_API_RATE_LIMITS", RATE_LIMITS)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: a partner's key, or anonymous (``key`` None)."""

    key: ApiKey | None = None

    @property
    def tier(self) -> str:
        return "anonymous" if self.key is None else "key"

    def allows_departement(self, code: str, region: str) -> bool:
        """Whether the key's territory restriction covers this département."""
        if self.key is None or not self.key.is_restricted:
            return True
        return code in self.key.departements or region in self.key.regions


class PartnerKey(APIKeyHeader):
    """The key of the ``X-Api-Key`` header, which must hold ``scope``; without a header,
    an anonymous caller when the data is public (``anonymous=True``), else 401."""

    param_name = HEADER

    def __init__(self, scope: str, *, anonymous: bool = False):
        self.scope = scope
        self.anonymous = anonymous
        super().__init__()

    def authenticate(self, request, key):
        if not key:
            if self.anonymous:
                return Caller()
            raise HttpError(401, KEY_REQUIRED)
        try:
            api_key = services.authenticate(key)
        except services.KeyRefused as refused:
            raise HttpError(401, str(refused)) from None
        if not api_key.has_scope(self.scope):
            raise PermissionDenied(f"Votre clé d’API n’a pas le droit « {self.scope} ».")
        return Caller(api_key)


@dataclass(frozen=True)
class Usage:
    """Where a caller stands in the current window (for the RateLimit-* headers)."""

    limit: int
    calls: int
    reset: int  # seconds until the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.calls)

    @property
    def allowed(self) -> bool:
        return self.calls <= self.limit

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


# Plain SQL for what the ORM cannot say in one statement (RETURNING, ON CONFLICT); the
# names are those of the RateCounter model ("window" is quoted: a reserved word).
INCREMENT = (
    'UPDATE "partners_ratecounter" SET "calls" = "calls" + 1 '
    'WHERE "caller" = %s AND "window" = %s RETURNING "calls"'
)
# The first call of a window: insert, unless another server just did (then add to it).
INSERT = (
    'INSERT INTO "partners_ratecounter" ("caller", "window", "calls", "expires_at") '
    "VALUES (%s, %s, 1, %s) "
    'ON CONFLICT ("caller", "window") DO UPDATE '
    'SET "calls" = "partners_ratecounter"."calls" + 1 RETURNING "calls"'
)


clock = time.time  # tests replace it to freeze the window


def count_call(caller: str, *, limit: int, period: int, now: float | None = None) -> Usage:
    """Count one call of ``caller`` in the current window of ``period`` seconds, atomically:
    one row per caller and window, ``UPDATE … SET calls = calls + 1`` (the row lock makes
    simultaneous calls wait for each other), with a conditional insert for the window's
    first call. SQLite (3.35+) and PostgreSQL alike."""
    now = clock() if now is None else now
    window = int(now // period) * period
    with connection.cursor() as cursor:
        cursor.execute(INCREMENT, [caller, window])
        row = cursor.fetchone()
        if row is None:
            # Once per caller and window: forget the windows that are over.
            RateCounter.objects.filter(expires_at__lte=int(now)).delete()
            cursor.execute(INSERT, [caller, window, window + period])
            row = cursor.fetchone()
    return Usage(limit=limit, calls=row[0], reset=max(1, math.ceil(window + period - now)))


class RateLimit(BaseThrottle):
    """Fixed windows counted in the database: ``limit`` calls per ``period`` seconds, for
    each key or each anonymous address. The caller's usage is kept on the request for the
    RateLimit-* headers (cnfs.api.base); ninja answers 429 with ``Retry-After``."""

    def __init__(self):
        self._local = threading.local()  # one instance serves every thread

    def allow_request(self, request) -> bool:
        caller = getattr(request, "auth", None) or Caller()
        limit, period = rate_limits()[caller.tier]
        ident = f"key:{caller.key.pk}" if caller.key else f"ip:{self.get_ident(request)}"
        usage = count_call(f"{ident[:80]}:{period}", limit=limit, period=period)
        request.rate_limit = usage
        self._local.wait = usage.reset
        return usage.allowed

    def wait(self) -> float:
        return self._local.wait


def install_error_handlers(api):
    """The 429 in French, with the limit that applies (ninja adds ``Retry-After``)."""

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        caller = getattr(request, "auth", None) or Caller()
        limit, period = rate_limits()[caller.tier]
        message = TOO_MANY.format(limit=limit, period=period, wait=math.ceil(exc.wait or 1))
        return api.create_response(request, {"detail": message}, status=429)
