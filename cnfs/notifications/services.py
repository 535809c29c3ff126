"""Telling people what concerns them: a notification in their space and an e-mail.

``notify`` is called inside the transaction of the decision (a listener of the domain's
signals): the notifications are written with it, the e-mails leave through the task queue
once it has committed. A person who switched a non-essential kind off still sees it in the
list, without an e-mail.
"""

from django.db import transaction
from django.db.models import Q

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.common.mail import render_email, send_email_after_commit
from cnfs.notifications.kinds import ESSENTIAL, Kind
from cnfs.notifications.models import Notification, OptOut

ERASED_SUFFIX = "@invalid"


def notify(recipients, kind: Kind, template: str, context: dict, *, link: str = "", about=""):
    """Tell each recipient (a ``User`` or a bare e-mail address) once.

    ``about`` (``"contract:12"``) makes it idempotent: a person already told of this kind
    about this object is not told again. Returns the number of people told."""
    subject, body = render_email(template, {"link": link, **context})
    told = 0
    for recipient in _dedupe(recipients):
        user = recipient if isinstance(recipient, User) else None
        email = user.email if user else recipient.strip().lower()
        if not email or email.endswith(ERASED_SUFFIX):
            continue
        if user is not None:
            if about and user.notifications.filter(kind=kind, about=about).exists():
                continue
            Notification.objects.create(
                recipient=user, kind=kind, text=subject[:300], link=link, about=about
            )
            if kind not in ESSENTIAL and user.notification_opt_outs.filter(kind=kind).exists():
                told += 1
                continue
        send_email_after_commit(email, subject, body)
        told += 1
    return told


def _dedupe(recipients):
    seen = set()
    for recipient in recipients:
        key = recipient.email if isinstance(recipient, User) else (recipient or "").lower()
        if key and key not in seen:
            seen.add(key)
            yield recipient


# Who is told -----------------------------------------------------------------------------


def national_team():
    return list(User.objects.filter(is_active=True, roles__role=Role.NATIONAL).distinct())


def structure_managers(structure):
    """The structure's managers; its contact's address while it has none."""
    managers = list(
        User.objects.filter(roles__role=Role.STRUCTURE, roles__structure=structure).distinct()
    )
    if managers:
        return managers
    return [structure.contact_email] if structure.contact_email else []


def prefecture_of(structure):
    departement = structure.departement
    if departement is None:
        return []
    return list(
        User.objects.filter(is_active=True, roles__role=Role.PREFECTURE)
        .filter(Q(roles__departement_id=departement.pk) | Q(roles__region_id=departement.region_id))
        .distinct()
    )


def person(candidate):
    """The candidate's (or advisor's) account, or the application's address."""
    if candidate.user_id:
        return [candidate.user]
    return [candidate.email] if candidate.email else []


# The person's space ----------------------------------------------------------------------


def unread_count(user) -> int:
    return user.notifications.filter(read=False).count()


def mark_all_read(user) -> int:
    return user.notifications.filter(read=False).update(read=True)


@transaction.atomic
def set_preferences(user, *, disabled) -> None:
    """Switch off the e-mails of ``disabled`` kinds (essential kinds are ignored)."""
    wanted = {Kind(k) for k in disabled} - ESSENTIAL
    OptOut.objects.filter(user=user).exclude(kind__in=wanted).delete()
    for kind in wanted:
        OptOut.objects.get_or_create(user=user, kind=kind)


def disabled_kinds(user) -> set[str]:
    return set(user.notification_opt_outs.values_list("kind", flat=True))
