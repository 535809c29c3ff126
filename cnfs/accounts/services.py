"""Account use cases: lockout, activation, role switching, role assignment."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cnfs.accounts.models import LoginAttempt, RoleAssignment, User
from cnfs.accounts.scope import SESSION_KEY
from cnfs.common import audit
from cnfs.common.mail import send_templated_email


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Single use: the hash covers the activation flag and the password."""

    key_salt = "cnfs.accounts.activation"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{user.email}"


activation_token = ActivationTokenGenerator()


def _attempt_key(email: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), email.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def lockout_remaining(email: str) -> timedelta | None:
    """How long this address stays locked, or None when it may try to log in."""
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    now = timezone.now()
    key = _attempt_key(email)
    last_success = (
        LoginAttempt.objects.filter(key=key, succeeded=True).order_by("-at").values("at").first()
    )
    failures = LoginAttempt.objects.filter(key=key, succeeded=False, at__gte=now - window)
    if last_success:
        failures = failures.filter(at__gt=last_success["at"])
    recent = list(
        failures.order_by("-at").values_list("at", flat=True)[: settings.LOGIN_MAX_FAILURES]
    )
    if len(recent) < settings.LOGIN_MAX_FAILURES:
        return None
    # Locked until the window has passed since the last failure.
    return recent[0] + window - now


def record_login_attempt(email: str, *, succeeded: bool):
    LoginAttempt.objects.create(key=_attempt_key(email), succeeded=succeeded)


def activation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:activate", args=[uid, activation_token.make_token(user)])
    return settings.SITE_URL + path


@transaction.atomic
def invite(email: str, *, first_name="", last_name="", by=None) -> User:
    """Create an inactive account (or reuse one) and e-mail its activation link."""
    email = email.strip().lower()
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit.record("user.invite", by=by, obj=user, summary="Compte créé, activation envoyée")
    if not user.is_active:
        send_templated_email(
            user.email,
            "accounts/email/activation.txt",
            {"user": user, "link": activation_link(user)},
        )
    return user


@transaction.atomic
def activate(user, *, password: str) -> User:
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    audit.record("user.activate", by=user, obj=user, summary="Compte activé")
    return user


@transaction.atomic
def grant_role(user, role, *, by=None, departement=None, region=None, structure=None):
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, departement=departement, region=region, structure=structure
    )
    if created:
        audit.record("user.grant_role", by=by, obj=user, summary=f"Rôle ajouté : {assignment}")
    return assignment


def switch_role(request, kind: str) -> bool:
    """Make ``kind`` the active role of this session if the user holds it."""
    if kind not in request.user.role_kinds():
        return False
    request.session[SESSION_KEY] = kind
    return True
