"""Who is due under the retention periods (``cnfs.common.retention``), counted from the
candidate's last activity (a login, a change of the profile, a withdrawal).

Each function takes "today" (the day a periodic command handles) and returns a queryset;
the commands act through the services (``delete_cv``, ``erase``, ``anonymise``)."""

from datetime import date, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cnfs.candidates.models import Candidate
from cnfs.common.retention import (
    CV_KEPT_MONTHS,
    CV_WARNING_DAYS,
    INACTIVE_ACCOUNT_YEARS,
    UNCONFIRMED_KEPT_DAYS,
    midnight,
    months_before,
)


def cv_deadline(candidate: Candidate) -> date:
    """The day the candidate's CV is deleted unless he or she comes back."""
    return months_before(timezone.localdate(candidate.last_activity_at), -CV_KEPT_MONTHS)


def cvs_to_warn(today: date) -> QuerySet:
    """CVs deleted within ``CV_WARNING_DAYS`` days whose deletion was not announced since
    the last activity."""
    limit = months_before(today + timedelta(days=CV_WARNING_DAYS), CV_KEPT_MONTHS)
    return (
        Candidate.objects.exclude(cv="")
        .filter(anonymised_at__isnull=True, last_activity_at__lt=midnight(limit + timedelta(1)))
        .filter(Q(cv_warned_at__isnull=True) | Q(cv_warned_at__lt=F("last_activity_at")))
    )


def cvs_to_delete(today: date) -> QuerySet:
    """CVs past their period, whose deletion was announced at least ``CV_WARNING_DAYS``
    days ago and after the last activity (a late warning postpones the deletion)."""
    limit = months_before(today, CV_KEPT_MONTHS)
    return Candidate.objects.exclude(cv="").filter(
        last_activity_at__lt=midnight(limit + timedelta(1)),
        cv_warned_at__gte=F("last_activity_at"),
        cv_warned_at__lt=midnight(today - timedelta(days=CV_WARNING_DAYS - 1)),
    )


def unconfirmed_applications(today: date) -> QuerySet:
    """Applications whose address was not confirmed within ``UNCONFIRMED_KEPT_DAYS`` days."""
    return Candidate.objects.filter(
        email_confirmed_at__isnull=True,
        created_at__lt=midnight(today - timedelta(days=UNCONFIRMED_KEPT_DAYS - 1)),
        contracts__isnull=True,
    )


def inactive_accounts(today: date) -> QuerySet:
    """Candidates without activity for ``INACTIVE_ACCOUNT_YEARS`` years who never worked as
    advisors (an advisor's data follows the contracts' period)."""
    limit = months_before(today, 12 * INACTIVE_ACCOUNT_YEARS)
    return Candidate.objects.filter(
        email_confirmed_at__isnull=False,
        last_activity_at__lt=midnight(limit + timedelta(1)),
        in_post=False,
        contracts__isnull=True,
    )
