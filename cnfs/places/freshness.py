"""How fresh a place's information is (DOMAIN §8, as in Mon Inclusion Numérique).

A place is "checked" when an advisor or a manager of its structure confirms or edits it
(``Place.checked_at``). Checked under 6 months ago: up to date; 6 to 12 months: to watch;
12 to 18 months: to check; over 18 months, or never: to update. A band starts at the
beginning of the day (local time) ``n`` months before today.
"""

from datetime import date, datetime, time

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from cnfs.funding.services import add_months

#: Months after the last check at which the editors are reminded.
REMINDER_MONTHS = 6


class Freshness(models.TextChoices):
    UP_TO_DATE = "a_jour", "À jour"
    TO_WATCH = "a_surveiller", "À surveiller"
    TO_CHECK = "a_verifier", "À vérifier"
    TO_UPDATE = "a_mettre_a_jour", "À mettre à jour"


#: Each band but the last: checked at or after the start of the day this many months ago.
BAND_MONTHS = [(Freshness.UP_TO_DATE, 6), (Freshness.TO_WATCH, 12), (Freshness.TO_CHECK, 18)]
#: DSFR badge of each band.
BADGES = {
    Freshness.UP_TO_DATE: "fr-badge--success",
    Freshness.TO_WATCH: "fr-badge--info",
    Freshness.TO_CHECK: "fr-badge--warning",
    Freshness.TO_UPDATE: "fr-badge--error",
}


def months_ago(day: date, months: int) -> datetime:
    """The start (local time) of the day ``months`` months before ``day``."""
    return timezone.make_aware(datetime.combine(add_months(day, -months), time.min))


def band_of(checked_at: datetime | None, day: date | None = None) -> Freshness:
    day = day or timezone.localdate()
    if checked_at is not None:
        for band, months in BAND_MONTHS:
            if checked_at >= months_ago(day, months):
                return band
    return Freshness.TO_UPDATE


def band_q(band: str, day: date, field: str = "checked_at") -> Q:
    """The places of ``band`` on ``day``, as a filter."""
    if band == Freshness.TO_UPDATE:
        return Q(**{f"{field}__isnull": True}) | Q(
            **{f"{field}__lt": months_ago(day, BAND_MONTHS[-1][1])}
        )
    newer = None
    for current, months in BAND_MONTHS:
        condition = Q(**{f"{field}__gte": months_ago(day, months)})
        if current == band:
            return condition if newer is None else condition & ~newer
        newer = condition
    raise ValueError(f"Unknown freshness band: {band}")


def band_case(day: date, field: str = "checked_at") -> Case:
    """The band of each row, as an SQL expression (annotate with it)."""
    return Case(
        *[
            When(**{f"{field}__gte": months_ago(day, months)}, then=Value(band.value))
            for band, months in BAND_MONTHS
        ],
        default=Value(Freshness.TO_UPDATE.value),
        output_field=models.CharField(),
    )


def describe(checked_at: datetime | None, day: date | None = None) -> dict:
    """What a page shows: the band, its label and badge, and the date of the last check."""
    band = band_of(checked_at, day)
    return {
        "band": band.value,
        "label": band.label,
        "badge": BADGES[band],
        "checked_at": checked_at,
    }
