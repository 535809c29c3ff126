"""How long personal data is kept: the periods the personal data page states, counted by
the retention commands (one place for both)."""

import calendar
from datetime import date, datetime, time

from django.utils import timezone

#: A CV is deleted this many months after the candidate's last activity …
CV_KEPT_MONTHS = 6
#: … after a warning e-mail this many days before.
CV_WARNING_DAYS = 15
#: An application (candidate or structure) whose address was never confirmed.
UNCONFIRMED_KEPT_DAYS = 30
#: A candidate account without activity (never recruited) is erased after this many years.
INACTIVE_ACCOUNT_YEARS = 2
#: A former advisor's personal data is anonymised this many years after the last contract.
ADVISOR_KEPT_YEARS = 5


def periods() -> dict[str, int]:
    """The periods, for the personal data page (it states the ones the commands apply)."""
    return {
        "cv_months": CV_KEPT_MONTHS,
        "cv_warning_days": CV_WARNING_DAYS,
        "unconfirmed_days": UNCONFIRMED_KEPT_DAYS,
        "inactive_years": INACTIVE_ACCOUNT_YEARS,
        "advisor_years": ADVISOR_KEPT_YEARS,
    }


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (later if negative), or the month's last day
    when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def midnight(day: date) -> datetime:
    """The first instant of ``day``, in the platform's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
