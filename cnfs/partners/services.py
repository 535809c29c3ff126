"""Partners' API keys: created and revoked by the national team, checked on every call.

A key is 43 URL-safe characters; its first 8 (the prefix) find the row, and the row keeps
only an HMAC-SHA256 of the whole key, peppered with the server's ``SECRET_KEY``: a copy of
the database gives no usable key. Changing ``SECRET_KEY`` therefore invalidates every key.
"""

import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cnfs.accounts.perms import can_use_admin
from cnfs.common import audit
from cnfs.partners.enums import Scope
from cnfs.partners.models import PREFIX_LENGTH, ApiKey
from cnfs.territories.models import Departement, Region

KEY_BYTES = 32  # 43 characters once encoded
MAX_KEY_LENGTH = 100

NATIONAL_ONLY = "Seule l’équipe nationale gère les clés d’API."
UNKNOWN_KEY = "Clé d’API inconnue : vérifiez la valeur de l’en-tête X-Api-Key."
REVOKED_KEY = "Cette clé d’API a été révoquée : demandez-en une nouvelle à l’équipe nationale."


class KeyRefused(Exception):
    """The key presented is unknown or revoked (the message says which, in French)."""


def hash_key(clear_key: str) -> str:
    return salted_hmac("cnfs.partners.ApiKey", clear_key, algorithm="sha256").hexdigest()


def _validate(key: ApiKey):
    errors = {}
    if not key.scopes:
        errors["scopes"] = "Choisissez au moins un droit."
    elif unknown := set(key.scopes) - set(Scope.values):
        errors["scopes"] = f"Droits inconnus : {', '.join(sorted(unknown))}."
    for field, model in (("departements", Departement), ("regions", Region)):
        codes = set(getattr(key, field))
        known = set(model.objects.filter(code__in=codes).values_list("code", flat=True))
        if missing := codes - known:
            errors[field] = f"Codes inconnus : {', '.join(sorted(missing))}."
    if errors:
        raise ValidationError(errors)


def create_key(key: ApiKey, *, by) -> str:
    """Give the unsaved ``key`` a secret, save it and return the clear key: the only time
    it exists outside the partner's hands (it is shown once, never stored)."""
    if not can_use_admin(by):
        raise PermissionDenied(NATIONAL_ONLY)
    _validate(key)
    with transaction.atomic():
        clear_key = secrets.token_urlsafe(KEY_BYTES)
        while ApiKey.objects.filter(prefix=clear_key[:PREFIX_LENGTH]).exists():
            clear_key = secrets.token_urlsafe(KEY_BYTES)
        key.prefix = clear_key[:PREFIX_LENGTH]
        key.hashed_key = hash_key(clear_key)
        key.created_by = by
        key.save()
        audit.record(
            "partners.key_created",
            by=by,
            obj=key,
            summary=f"Clé d’API créée pour {key.organisation}",
            changes={
                "scopes": key.scopes,
                "departements": key.departements,
                "regions": key.regions,
            },
        )
    return clear_key


def revoke_key(key: ApiKey, *, by) -> bool:
    """Revoke ``key`` at once; False if it already was."""
    if not can_use_admin(by):
        raise PermissionDenied(NATIONAL_ONLY)
    with transaction.atomic():
        now = timezone.now()
        revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
        if not revoked:
            return False
        key.revoked_at = now
        audit.record(
            "partners.key_revoked",
            by=by,
            obj=key,
            summary=f"Clé d’API de {key.organisation} révoquée",
        )
    return True


def authenticate(clear_key: str) -> ApiKey:
    """The active key whose clear value is ``clear_key``, its use counted; ``KeyRefused``
    otherwise. The digests are compared in constant time."""
    clear_key = clear_key.strip()
    if not clear_key or len(clear_key) > MAX_KEY_LENGTH:
        raise KeyRefused(UNKNOWN_KEY)
    digest = hash_key(clear_key)
    key = ApiKey.objects.filter(prefix=clear_key[:PREFIX_LENGTH]).first()
    if key is None or not hmac.compare_digest(key.hashed_key, digest):
        raise KeyRefused(UNKNOWN_KEY)
    if key.revoked_at is not None:
        raise KeyRefused(REVOKED_KEY)
    now = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, requests=F("requests") + 1)
    key.last_used_at = now
    return key
