"""Activity statistics (DOMAIN §5.3) at every scope and for any period.

``indicators`` reads the daily counters the activity services keep: one aggregate query
(grouped by kind) and one grouped by month, whatever the number of reports.
``indicators_direct`` folds the raw reports: the reference the counters are checked against.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from cnfs.accounts.models import User
from cnfs.activity.counters import direct_counts
from cnfs.activity.enums import (
    COUNTERS,
    DURATION_BUCKETS,
    AgeBracket,
    Body,
    Channel,
    Kind,
    Status,
    Theme,
)
from cnfs.activity.models import AdvisorDay, Report, TerritoryDay
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement

DURATION_LABELS = {
    "0_30": "Moins de 30 min",
    "30_60": "30 min à 1 h",
    "60_120": "1 h à 2 h",
    "120_plus": "2 h et plus",
}


@dataclass(frozen=True)
class Scope:
    """What the statistics cover: one advisor, structures, départements, a région, or
    everything (national). Advisors and structures are read from the advisors' counters,
    territories from the territories' counters: the two don't combine."""

    advisor: int | None = None
    structures: tuple[int, ...] = ()
    advisors: tuple[int, ...] | None = None  # a set of advisors (a coordinator's)
    departements: tuple[str, ...] = ()
    region: str | None = None

    def __post_init__(self):
        if self.per_advisor and (self.departements or self.region):
            raise ValueError("Un périmètre porte sur des conseillers ou sur des territoires.")

    @property
    def per_advisor(self) -> bool:
        return self.advisor is not None or bool(self.structures) or self.advisors is not None

    def counts(self):
        """The daily counters of this scope."""
        if self.per_advisor:
            rows = AdvisorDay.objects.all()
            if self.advisor is not None:
                rows = rows.filter(advisor_id=self.advisor)
            if self.structures:
                rows = rows.filter(structure_id__in=self.structures)
            if self.advisors is not None:
                rows = rows.filter(advisor_id__in=self.advisors)
            return rows
        rows = TerritoryDay.objects.all()
        if self.departements:
            rows = rows.filter(departement_id__in=self.departements)
        if self.region:
            rows = rows.filter(departement__region_id=self.region)
        return rows

    def reports(self):
        """The raw reports of this scope."""
        rows = Report.objects.all()
        if self.advisor is not None:
            rows = rows.filter(advisor_id=self.advisor)
        if self.structures:
            rows = rows.filter(structure_id__in=self.structures)
        if self.advisors is not None:
            rows = rows.filter(advisor_id__in=self.advisors)
        if self.departements:
            rows = rows.filter(departement_id__in=self.departements)
        if self.region:
            rows = rows.filter(departement__region_id=self.region)
        return rows


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class Month:
    month: date
    accompaniments: int
    people_reached: int


@dataclass(frozen=True)
class Indicators:
    start: date | None
    end: date | None
    accompaniments: int
    workshops: int
    workshop_participants: int
    individual: int
    one_off: int
    people_reached: int
    returning: int
    unique_people: int
    followups: int
    followup_rate: float | None
    total_minutes: int
    aidants_connect: int
    themes: tuple[Share, ...]
    channels: tuple[Share, ...]
    durations: tuple[Share, ...]
    ages: tuple[Share, ...]
    statuses: tuple[Share, ...]
    redirections: tuple[Share, ...]
    months: tuple[Month, ...]

    @property
    def total_hours(self) -> float:
        return round(self.total_minutes / 60, 1)


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _shares(choices, counts: dict, whole: int, *, by_count: bool = False) -> tuple[Share, ...]:
    shares = [
        Share(code, str(label), counts.get(code, 0), percent(counts.get(code, 0), whole))
        for code, label in choices
    ]
    if by_count:
        shares.sort(key=lambda share: -share.count)  # stable: ties keep the enum order
    return tuple(shares)


def _month_range(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _people_reached(per_kind) -> int:
    """Workshop participants + individual reports + one-off reports (DOMAIN §5.3);
    ``per_kind`` maps a kind to its (reports, participants)."""
    workshop = per_kind.get(Kind.WORKSHOP, (0, 0))[1]
    others = sum(per_kind.get(kind, (0, 0))[0] for kind in (Kind.INDIVIDUAL, Kind.ONE_OFF))
    return workshop + others


def build(start, end, by_kind: dict, by_month: dict) -> Indicators:
    """The indicators from the sums of the counters per kind (``{kind: {counter: n}}``) and
    the reports and participants per month and kind (``{month: {kind: (reports, part.)}}``).
    """

    def total(name):
        return sum(sums.get(name, 0) for sums in by_kind.values())

    def of(kind, name):
        return by_kind.get(kind, {}).get(name, 0)

    people = _people_reached(
        {kind: (of(kind, "reports"), of(kind, "participants")) for kind in Kind.values}
    )
    returning = total("returning")
    followups = sum(
        total(name) for name in ("followup_individual", "followup_workshop", "followup_redirected")
    )
    reports = total("reports")

    def counts(prefix, codes):
        return {code: total(f"{prefix}_{code}") for code in codes}

    ages = counts("age", AgeBracket.values)
    statuses = counts("status", Status.values)
    redirections = counts("redirected", Body.values)
    months = ()
    if by_month:
        first, last = start or min(by_month), end or max(by_month)
        months = tuple(
            Month(
                month,
                sum(r for r, _ in by_month.get(month, {}).values()),
                _people_reached(by_month.get(month, {})),
            )
            for month in _month_range(first, last)
        )
    return Indicators(
        start=start,
        end=end,
        accompaniments=reports,
        workshops=of(Kind.WORKSHOP, "reports"),
        workshop_participants=of(Kind.WORKSHOP, "participants"),
        individual=of(Kind.INDIVIDUAL, "reports"),
        one_off=of(Kind.ONE_OFF, "reports"),
        people_reached=people,
        returning=returning,
        unique_people=people - returning,
        followups=followups,
        followup_rate=percent(followups, people) if people else None,
        total_minutes=total("minutes"),
        aidants_connect=total("aidants_connect"),
        themes=_shares(Theme.choices, counts("theme", Theme.values), reports, by_count=True),
        channels=_shares(Channel.choices, counts("channel", Channel.values), reports),
        durations=_shares(
            DURATION_LABELS.items(),
            counts("duration", [name for name, _, _ in DURATION_BUCKETS]),
            reports,
        ),
        ages=_shares(AgeBracket.choices, ages, sum(ages.values())),
        statuses=_shares(Status.choices, statuses, sum(statuses.values())),
        redirections=_shares(Body.choices, redirections, sum(redirections.values()), by_count=True),
        months=months,
    )


def _in_period(queryset, field: str, start: date | None, end: date | None):
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset


def indicators(scope: Scope, start: date | None = None, end: date | None = None) -> Indicators:
    """The statistics of ``scope`` between ``start`` and ``end`` (inclusive; None: open),
    in two queries over the daily counters."""
    counts = _in_period(scope.counts(), "day", start, end).order_by()
    rows = counts.values("kind").annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
    by_kind = {row["kind"]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    by_month = defaultdict(dict)
    monthly = (
        counts.annotate(month=TruncMonth("day"))
        .values("month", "kind")
        .annotate(n_reports=Sum("reports"), n_participants=Sum("participants"))
    )
    for row in monthly:
        by_month[_as_date(row["month"])][row["kind"]] = (row["n_reports"], row["n_participants"])
    return build(start, end, by_kind, dict(by_month))


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def indicators_direct(
    scope: Scope, start: date | None = None, end: date | None = None
) -> Indicators:
    """The same statistics computed from the raw reports, as the first platform did (the
    reference the counters are checked against; it reads every report of the period)."""
    reports = _in_period(scope.reports(), "date", start, end).order_by()
    by_kind = {kind: direct_counts(reports.filter(kind=kind)) for kind in Kind.values}
    by_month = defaultdict(dict)
    monthly = (
        reports.annotate(month=TruncMonth("date"))
        .values("month", "kind")
        .annotate(n_reports=Count("id"), n_participants=Sum("participants"))
    )
    for row in monthly:
        by_month[_as_date(row["month"])][row["kind"]] = (row["n_reports"], row["n_participants"])
    return build(start, end, by_kind, dict(by_month))


# --- Tables: one row per advisor, structure or département ---------------------------------


@dataclass(frozen=True)
class Row:
    key: str | int
    label: str
    accompaniments: int
    people_reached: int
    unique_people: int
    followups: int
    minutes: int

    @property
    def followup_rate(self) -> float | None:
        return percent(self.followups, self.people_reached) if self.people_reached else None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class Table:
    title: str
    first_column: str
    rows: list[Row]
    filter_name: str  # the filter a row links to ("structure", "departement"), or ""


def _rows(counts, key: str, labels: dict, *, by_key: bool = False) -> list[Row]:
    workshop = Q(kind=Kind.WORKSHOP)
    grouped = (
        counts.order_by()
        .values(key)
        .annotate(
            n_reports=Sum("reports"),
            n_reached=Coalesce(Sum("participants", filter=workshop), 0)
            + Coalesce(Sum("reports", filter=~workshop), 0),
            n_returning=Sum("returning"),
            n_followups=Sum(
                F("followup_individual") + F("followup_workshop") + F("followup_redirected")
            ),
            n_minutes=Sum("minutes"),
        )
    )
    rows = [
        Row(
            key=row[key],
            label=labels.get(row[key], str(row[key])),
            accompaniments=row["n_reports"],
            people_reached=row["n_reached"],
            unique_people=row["n_reached"] - row["n_returning"],
            followups=row["n_followups"],
            minutes=row["n_minutes"],
        )
        for row in grouped
    ]
    return sorted(rows, key=lambda row: row.key if by_key else row.label.lower())


def breakdown(scope: Scope, start: date | None = None, end: date | None = None) -> Table | None:
    """The figures of the scope's parts: a structure's advisors, a département's structures,
    a wider territory's départements (two queries); None for a single advisor."""

    if scope.advisor is not None:
        return None
    if scope.structures or scope.advisors is not None:
        counts = _in_period(scope.counts(), "day", start, end)
        keys = counts.order_by().values("advisor_id").distinct()
        labels = {
            user.pk: user.full_name or user.email
            for user in User.objects.filter(pk__in=keys).only("first_name", "last_name", "email")
        }
        return Table("Par conseiller", "Conseiller", _rows(counts, "advisor_id", labels), "")
    if len(scope.departements) == 1:
        counts = _in_period(
            AdvisorDay.objects.filter(structure__departement_id=scope.departements[0]),
            "day",
            start,
            end,
        )
        keys = counts.order_by().values("structure_id").distinct()
        labels = dict(Structure.objects.filter(pk__in=keys).values_list("pk", "name"))
        return Table(
            "Par structure", "Structure", _rows(counts, "structure_id", labels), "structure"
        )
    counts = _in_period(scope.counts(), "day", start, end)
    keys = counts.order_by().values("departement_id").distinct()
    labels = {d.code: str(d) for d in Departement.objects.filter(code__in=keys)}
    return Table(
        "Par département",
        "Département",
        _rows(counts, "departement_id", labels, by_key=True),
        "departement",
    )
