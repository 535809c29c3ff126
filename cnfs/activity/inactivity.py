"""The one definition of an advisor "without activity": in post, and no activity report
for ``days`` days (nor since the start of the contract, for a newcomer). The statistics'
list, the coordination and the reminders use it."""

from datetime import date, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery

from cnfs.activity.models import Report
from cnfs.contracts.models import Contract

#: The list of advisors without activity, and the first reminder (to the advisor).
ADVISOR_REMINDER_DAYS = 30
#: The second reminder (to the structure).
STRUCTURE_REMINDER_DAYS = 45


def silent_contracts(days: int, today: date, contracts: QuerySet | None = None) -> QuerySet:
    """The contracts of ``contracts`` (all by default) in post on ``today``, in force for at
    least ``days`` days, whose advisor reported nothing for ``days`` days; annotated with
    ``last_report`` (a date, or None) and ``silent_since`` (the last report, or the start).
    """
    since = today - timedelta(days=days)
    last_report = (
        Report.objects.filter(advisor_id=OuterRef("candidate__user_id"))
        .order_by("-date")
        .values("date")[:1]
    )
    base = Contract.objects.all() if contracts is None else contracts
    return (
        base.in_post(today)
        .filter(start_date__lte=since, candidate__user__isnull=False)
        .annotate(last_report=Subquery(last_report))
        .filter(Q(last_report__isnull=True) | Q(last_report__lt=since))
    )


def silent_since(contract) -> date:
    """The first day of the silence: the last report, or the start of the contract."""
    return contract.last_report or contract.start_date
