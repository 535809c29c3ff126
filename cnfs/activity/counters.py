"""The daily counters of activity reports (``AdvisorDay``, ``TerritoryDay``).

Every write of a report adds (or subtracts) its counts in the same transaction with
``UPDATE … SET col = col + n``: concurrent writers never lose an increment, on PostgreSQL
as on SQLite. ``direct_counts`` computes the same sums from the raw reports in SQL (the
reference the counters are tested against); ``rebuild_counters`` recomputes both tables
from the reports (bulk loads, recovery).
"""

from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Func, IntegerField, Q, Sum, TextField, Value, When
from django.db.models.functions import Cast, Coalesce

from cnfs.activity.enums import (
    COUNTERS,
    DURATION_BUCKETS,
    AgeBracket,
    Body,
    Channel,
    Duration,
    Status,
    Theme,
)
from cnfs.activity.models import AdvisorDay, Report, TerritoryDay

# What a bucket entry counts as in the total time.
BUCKET_MINUTES = {Duration.UNDER_30: 15, Duration.FROM_30_TO_60: 45}


def minutes_of(report) -> int:
    return BUCKET_MINUTES.get(report.duration, report.minutes or 0)


def duration_bucket(minutes: int) -> str:
    for name, low, high in DURATION_BUCKETS:
        if minutes >= low and (high is None or minutes < high):
            return name
    raise ValueError(minutes)


def counts_of(report) -> dict[str, int]:
    """The contribution of one report to every counter (zeros included)."""
    counts = dict.fromkeys(COUNTERS, 0)
    minutes = minutes_of(report)
    redirections = report.redirections or {}
    counts.update(
        reports=1,
        participants=report.participants,
        returning=report.returning,
        minutes=minutes,
        followup_individual=report.followup_individual,
        followup_workshop=report.followup_workshop,
        followup_redirected=sum(redirections.values()),
        aidants_connect=int(report.aidants_connect),
    )
    counts[f"duration_{duration_bucket(minutes)}"] = 1
    counts[f"channel_{report.channel}"] = 1
    for theme in set(report.themes):
        counts[f"theme_{theme}"] = 1
    for prefix, values in (
        ("age", report.ages),
        ("status", report.statuses),
        ("redirected", redirections),
    ):
        for key, value in (values or {}).items():
            counts[f"{prefix}_{key}"] += value
    return counts


def _keys(report):
    return (
        AdvisorDay,
        {
            "advisor_id": report.advisor_id,
            "structure_id": report.structure_id,
            "day": report.date,
            "kind": report.kind,
        },
    ), (
        TerritoryDay,
        {"departement_id": report.departement_id, "day": report.date, "kind": report.kind},
    )


def _add(model, key: dict, counts: dict, sign: int):
    changes = {name: F(name) + sign * value for name, value in counts.items() if value}
    if model.objects.filter(**key).update(**changes) or sign < 0:
        # A missing row on subtraction means the counters were lost: rebuild_counters().
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **counts)
    except IntegrityError:
        # Another transaction created the row meanwhile: it is committed and visible now.
        model.objects.filter(**key).update(**changes)


def apply_many(reports, sign: int = 1):
    """Add (``sign=1``) or subtract (``sign=-1``) the counts of ``reports``: one UPDATE per
    distinct (advisor, day, kind) and (département, day, kind), whatever their number."""
    totals = defaultdict(lambda: defaultdict(int))
    for report in reports:
        counts = counts_of(report)
        for model, key in _keys(report):
            total = totals[(model, tuple(sorted(key.items())))]
            for name, value in counts.items():
                total[name] += value
    # A fixed order (tables, then keys) so that concurrent writers lock rows alike.
    for (model, key), counts in sorted(
        totals.items(), key=lambda item: (item[0][0].__name__, repr(item[0][1]))
    ):
        _add(model, dict(key), counts, sign)


def apply(report, sign: int = 1):
    apply_many([report], sign)


class JsonInt(Func):
    """The integer at ``key`` of a JSON object column, NULL when absent. (Django's key
    transforms read "12_18" as the array index 1218.)"""

    output_field = IntegerField()

    def __init__(self, field: str, key: str):
        self.key = key
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.get_source_expressions()[0])
        if connection.vendor == "postgresql":
            return f"(({column}) ->> %s)::integer", [*params, self.key]
        return f"CAST(JSON_EXTRACT({column}, %s) AS INTEGER)", [*params, f'$."{self.key}"']


def _sum_key(field: str, key: str):
    return Coalesce(Sum(JsonInt(field, key)), 0)


def _aggregates() -> dict:
    """One SQL aggregate per counter, over reports annotated by ``_annotated``."""
    aggregates = {
        "reports": Count("id"),
        "participants": Coalesce(Sum("participants"), 0),
        "returning": Coalesce(Sum("returning"), 0),
        "minutes": Coalesce(Sum("effective_minutes"), 0),
    }
    for name, low, high in DURATION_BUCKETS:
        bounds = Q(effective_minutes__gte=low)
        if high is not None:
            bounds &= Q(effective_minutes__lt=high)
        aggregates[f"duration_{name}"] = Count("id", filter=bounds)
    for channel in Channel.values:
        aggregates[f"channel_{channel}"] = Count("id", filter=Q(channel=channel))
    for theme in Theme.values:
        # Themes are a JSON list of codes: match the quoted code in its text.
        aggregates[f"theme_{theme}"] = Count("id", filter=Q(themes_text__contains=f'"{theme}"'))
    for age in AgeBracket.values:
        aggregates[f"age_{age}"] = _sum_key("ages", age)
    for status in Status.values:
        aggregates[f"status_{status}"] = _sum_key("statuses", status)
    aggregates["followup_individual"] = Coalesce(Sum("followup_individual"), 0)
    aggregates["followup_workshop"] = Coalesce(Sum("followup_workshop"), 0)
    redirected = [JsonInt("redirections", body) for body in Body.values]
    aggregates["followup_redirected"] = Coalesce(
        Sum(sum((Coalesce(r, 0) for r in redirected[1:]), Coalesce(redirected[0], 0))), 0
    )
    aggregates["aidants_connect"] = Count("id", filter=Q(aidants_connect=True))
    for body in Body.values:
        aggregates[f"redirected_{body}"] = _sum_key("redirections", body)
    assert list(aggregates) == COUNTERS
    return aggregates


def _annotated(queryset):
    return queryset.annotate(
        effective_minutes=Case(
            *[When(duration=d, then=Value(m)) for d, m in BUCKET_MINUTES.items()],
            default=Coalesce(F("minutes"), 0),
            output_field=IntegerField(),
        ),
        themes_text=Cast("themes", TextField()),
    )


def direct_counts(queryset=None) -> dict[str, int]:
    """Every counter summed straight from the reports of ``queryset`` (one query)."""
    queryset = Report.objects.all() if queryset is None else queryset
    totals = _annotated(queryset.order_by()).aggregate(**_aggregates())
    return {name: int(totals[name] or 0) for name in COUNTERS}


def _insert_grouped(model, group_by: dict[str, str]):
    """INSERT INTO <model's table> SELECT … FROM reports GROUP BY ``group_by``."""
    grouped = (
        _annotated(Report.objects.order_by())
        .values(*group_by.values())
        .annotate(**_aggregates())
        .order_by()
    )
    select, params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [*group_by, *COUNTERS])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select}", params)


@transaction.atomic
def rebuild_counters():
    """Recompute both counter tables from the reports: one INSERT … SELECT per table."""
    AdvisorDay.objects.all().delete()
    TerritoryDay.objects.all().delete()
    _insert_grouped(
        AdvisorDay,
        {"advisor_id": "advisor_id", "structure_id": "structure_id", "day": "date", "kind": "kind"},
    )
    _insert_grouped(
        TerritoryDay, {"departement_id": "departement_id", "day": "date", "kind": "kind"}
    )
