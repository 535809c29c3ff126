"""The second factor (docs/domain.md §2): who needs one, and the login that waits for it.

The national team and the financial operator grant posts and money: after their password,
the one login door asks for a code from an authenticator app (TOTP, RFC 6238) or one of
their single-use backup codes. Until then no session is opened: the account waits in the
session under ``PENDING_KEY`` for ``SECOND_FACTOR_PENDING_MINUTES``, so no page, no API
call and no administration screen can be reached half logged in.

An identity provider that proved a second factor itself (ProConnect's ``amr``/``acr``)
counts: the login marks the session with ``IDP_KEY``.
"""

import secrets
import time
from base64 import b32encode
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts.enums import SECOND_FACTOR_ROLES
from cnfs.accounts.models import User
from cnfs.common import audit

PENDING_KEY = "second_factor_pending"
IDP_KEY = "second_factor_via_idp"
BACKUP_CODES = 10
TOTP_NAME = "Application d’authentification"
STATIC_NAME = "Codes de secours"


def required_for(user) -> bool:
    """The national team (the administration's only users) and the financial operator."""
    return any(a.role in SECOND_FACTOR_ROLES for a in user.roles.all())


def second_factor_done(request) -> bool:
    """This session passed a second factor: a code here, or the identity provider's."""
    if request.session.get(IDP_KEY):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


# The login that waits ---------------------------------------------------------------------


def begin(request, user, *, backend: str, next_url: str = ""):
    """Hold the account whose password was right until its second factor is given."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "since": int(time.time()),
    }


def pending(request):
    """(user, next URL) waiting for their second factor, or (None, "") once expired."""
    held = request.session.get(PENDING_KEY)
    if not held:
        return None, ""
    if time.time() - held["since"] > settings.SECOND_FACTOR_PENDING_MINUTES * 60:
        del request.session[PENDING_KEY]
        return None, ""
    user = User.objects.filter(pk=held["user"], is_active=True).first()
    return user, held.get("next", "")


def complete(request, user, device):
    """Open the session: the password was right and ``device`` accepted a code."""
    backend = request.session[PENDING_KEY]["backend"]
    del request.session[PENDING_KEY]
    login(request, user, backend=backend)
    otp_login(request, device)


# Devices ----------------------------------------------------------------------------------


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def setup_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per person, kept across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    secret = b32encode(device.bin_key).decode().rstrip("=")
    label = quote(f"{issuer}:{device.user.email}")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}"
        f"&digits={device.digits}&period={device.step}"
    )


def qr_svg(device: TOTPDevice) -> str:
    """The QR code of the key, inline SVG (no image service sees the secret)."""
    return segno.make(otpauth_uri(device), error="m").svg_inline(
        scale=5, omitsize=False, title="QR code de la clé du second facteur"
    )


def verify(user, code: str):
    """The confirmed device that accepts ``code`` (each code works once), or None."""
    code = "".join(code.split())
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


@transaction.atomic
def confirm_device(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; return fresh backup codes."""
    code = "".join(code.split())
    if not code or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("account.second_factor_set", obj=device.user, summary="Second facteur configuré")
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user, codes: list[str] | None = None) -> list[str]:
    """Replace the person's backup codes; shown once, stored as single-use tokens."""
    static, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": STATIC_NAME})
    static.token_set.all().delete()
    codes = codes or [_backup_code() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


def _backup_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def reset(user, *, by):
    """A national administrator removes a person's devices: they set one up at next login."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    audit.record(
        "account.second_factor_reset",
        by=by,
        obj=user,
        summary=f"Second facteur réinitialisé pour {user.audit_label}",
    )
