"""Who calls the partners' API, and how often they may.

A partner sends its key in the ``X-Api-Key`` header. Public data (places, territory
figures, statistics) is also served without a key, at a lower rate; a key presented must be
valid, active and hold the endpoint's scope. Rate limits are fixed windows counted in the
Django cache: per key, or per IP address for anonymous calls (behind a reverse proxy, set
``NINJA_NUM_PROXIES`` so the client's address is read from ``X-Forwarded-For``).
"""

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from ninja.errors import HttpError, Throttled
from ninja.security import APIKeyHeader
from ninja.throttling import BaseThrottle

from cnfs.partners import services
from cnfs.partners.models import ApiKey

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


class RateLimit(BaseThrottle):
    """Fixed windows counted in the cache: ``limit`` calls per ``period`` seconds, for each
    key or each anonymous address. Ninja answers 429 with ``Retry-After`` (the end of the
    window)."""

    def __init__(self):
        self._local = threading.local()  # one instance serves every thread

    def allow_request(self, request) -> bool:
        caller = getattr(request, "auth", None) or Caller()
        limit, period = rate_limits()[caller.tier]
        ident = f"key:{caller.key.pk}" if caller.key else f"ip:{self.get_ident(request)}"
        now = time.time()
        window = int(now // period)
        cache_key = f"partners:rate:{ident}:{period}:{window}"
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=period + 1)
            count = 1
        self._local.wait = period - now % period
        return count <= limit

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
