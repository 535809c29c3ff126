"""Advisors without activity (DOMAIN §8) for a person's scope: the activity app's one
definition (``cnfs.activity.inactivity``), as the lists show it."""

from datetime import date

from django.db.models import F

from cnfs.activity.inactivity import ADVISOR_REMINDER_DAYS, silent_contracts
from cnfs.contracts.models import Contract

INACTIVE_DAYS = ADVISOR_REMINDER_DAYS


def inactive_contracts(user, today: date):
    """Contracts of ``user``'s scope whose advisor reported nothing for ``INACTIVE_DAYS``
    days, the longest silent first (one query, whatever their number)."""
    return (
        silent_contracts(INACTIVE_DAYS, today, Contract.objects.visible_to(user))
        .select_related("candidate", "structure__departement")
        .order_by(
            F("last_report").asc(nulls_first=True), "structure__name", "candidate__last_name", "pk"
        )
    )
