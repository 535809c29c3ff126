"""Account use cases: lockout, activation, role switching, role assignment."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cnfs.accounts.models import LoginThrottle, RoleAssignment, User
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


def begin_login_attempt(email: str) -> timedelta | None:
    """Take one attempt from the address's allowance before its password is checked.

    None: the password may be checked (the attempt counts as a failure until
    ``end_login_attempt`` says otherwise). Otherwise, how long the address stays locked.
    Each step is one statement, atomic on its row: no get-then-set.
    """
    key = _attempt_key(email)
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    LoginThrottle.objects.bulk_create([LoginThrottle(key=key)], ignore_conflicts=True)
    # A window without failure forgives the earlier ones.
    LoginThrottle.objects.filter(key=key, last_failure_at__lt=now - window).update(failures=0)
    taken = LoginThrottle.objects.filter(key=key, failures__lt=settings.LOGIN_MAX_FAILURES).update(
        failures=F("failures") + 1, last_failure_at=now
    )
    if taken:
        return None
    last_failure = LoginThrottle.objects.values_list("last_failure_at", flat=True).get(key=key)
    # Locked until the window has passed since the last failure.
    return max(last_failure + window - now, timedelta(seconds=1))


def end_login_attempt(email: str, *, succeeded: bool):
    """A success gives the address its whole allowance back; a failure keeps its unit."""
    if succeeded:
        LoginThrottle.objects.filter(key=_attempt_key(email)).update(
            failures=0, last_failure_at=None
        )


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
