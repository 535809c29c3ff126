"""Advisors without activity (DOMAIN §8): the one definition every list uses."""

from datetime import date, timedelta

from django.db.models import F, OuterRef, Q, Subquery

from cnfs.activity.models import Report
from cnfs.contracts.models import Contract

INACTIVE_DAYS = 30


def inactive_contracts(user, today: date):
    """Contracts in force for at least ``INACTIVE_DAYS`` days of ``user``'s scope whose
    advisor reported nothing for ``INACTIVE_DAYS`` days, the longest silent first (one
    query, whatever their number: the last report comes from a subquery on an index)."""
    since = today - timedelta(days=INACTIVE_DAYS)
    last_report = (
        Report.objects.filter(advisor_id=OuterRef("candidate__user_id"))
        .order_by("-date")
        .values("date")[:1]
    )
    return (
        Contract.objects.visible_to(user)
        .in_post()
        .filter(start_date__lte=since, candidate__user__isnull=False)
        .annotate(last_report=Subquery(last_report))
        .filter(Q(last_report__isnull=True) | Q(last_report__lt=since))
        .select_related("candidate", "structure__departement")
        .order_by(
            F("last_report").asc(nulls_first=True), "structure__name", "candidate__last_name", "pk"
        )
    )
