"""National activity statistics for one year: from the daily counters (what the pages do)
against the direct computation from the raw reports (what the first platform did), both
measured in the same run over the same reports.

The reports are synthetic: ``BENCH_REPORTS`` of them in the measured year (5 million on
PostgreSQL by default, the order of the 4.1 million reported by 2024; 200,000 on SQLite),
spread over 3,600 advisors of the validated structures, then the counters are rebuilt
from them as a bulk load would.
"""

import json
import os
import random
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cnfs.accounts.models import User
from cnfs.activity import counters
from cnfs.activity.enums import AgeBracket, Body, Channel, Duration, Kind, Status, Theme
from cnfs.activity.models import Report, TerritoryDay
from cnfs.bench.registry import Figure, benchmark, best_of, ensure_national_scale, time_page
from cnfs.stats.indicators import Scope, breakdown, indicators, indicators_direct
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure

YEAR = (date(2023, 1, 1), date(2023, 12, 31))
ADVISORS = 3600
BENCH_DOMAIN = "mesures.conseiller-numerique.invalid"
CHUNK = 20_000


def _target() -> int:
    default = 5_000_000 if connection.vendor == "postgresql" else 200_000
    return int(os.environ.get("BENCH_REPORTS", default))


def _advisors() -> list[tuple[int, int, str]]:
    """(user id, structure id, département) of the synthetic advisors, created once."""
    emails = [f"conseiller-{n:04d}@{BENCH_DOMAIN}" for n in range(ADVISORS)]
    existing = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")
    if existing.count() < ADVISORS:
        users = [User(email=e, first_name="Conseiller", last_name=e[10:14]) for e in emails]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)
    users = list(existing.order_by("pk").values_list("pk", flat=True))
    structures = list(
        Structure.objects.filter(status=StructureStatus.VALIDATED)
        .order_by("pk")
        .values_list("pk", "departement_id")
    )
    return [(user, *structures[k % len(structures)]) for k, user in enumerate(users)]


def _split(rng, total: int, keys: list[str]) -> dict:
    if total == 1:
        return {rng.choice(keys): 1}
    first = rng.randint(0, total)
    a, b = rng.sample(keys, 2)
    return {k: n for k, n in ((a, first), (b, total - first)) if n}


def _report(rng: random.Random, advisor, day: date) -> Report:
    user, structure, departement = advisor
    kind = rng.choices(Kind.values, weights=[55, 15, 30])[0]
    participants = rng.randint(2, 15) if kind == Kind.WORKSHOP else 1
    duration = rng.choice(Duration.values)
    followup = rng.randint(0, participants)
    redirected = rng.randint(0, participants - followup) if rng.random() < 0.2 else 0
    return Report(
        advisor_id=user,
        structure_id=structure,
        departement_id=departement,
        date=day,
        kind=kind,
        channel=rng.choice(Channel.values),
        participants=participants,
        returning=rng.randint(0, participants),
        ages=_split(rng, participants, AgeBracket.values),
        statuses=_split(rng, participants, Status.values),
        themes=rng.sample(Theme.values, k=rng.randint(1, 3)),
        duration=duration,
        minutes=15 * rng.randint(1, 12) if duration == Duration.MINUTES else None,
        followup_individual=followup if kind != Kind.WORKSHOP else 0,
        followup_workshop=followup if kind == Kind.WORKSHOP else 0,
        redirections={rng.choice(Body.values): redirected} if redirected else {},
        aidants_connect=rng.random() < 0.1,
    )


# fmt: skip below: a data table laid out by hand for reading.
COPY_COLUMNS = [
    "advisor_id", "structure_id", "departement_id", "date", "channel", "kind", "participants",
    "returning", "ages", "statuses", "themes", "tags", "duration", "minutes",
    "followup_individual", "followup_workshop", "redirections", "aidants_connect", "created_at",
    "updated_at",
]  # fmt: skip


def _copy(reports):
    """PostgreSQL's COPY: several times faster than INSERTs for millions of rows."""
    now = timezone.now()
    columns = ", ".join(f'"{name}"' for name in COPY_COLUMNS)  # "returning" is a keyword
    sql = f"COPY activity_report ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for r in reports:
            copy.write_row(
                (
                    r.advisor_id,
                    r.structure_id,
                    r.departement_id,
                    r.date,
                    r.channel,
                    r.kind,
                    r.participants,
                    r.returning,
                    json.dumps(r.ages),
                    json.dumps(r.statuses),
                    json.dumps(r.themes),
                    "[]",
                    r.duration,
                    r.minutes,
                    r.followup_individual,
                    r.followup_workshop,
                    json.dumps(r.redirections),
                    r.aidants_connect,
                    now,
                    now,
                )
            )


def ensure_reports() -> int:
    """Top the measured year up to the target number of reports; rebuild the counters."""
    target = _target()
    missing = target - Report.objects.filter(date__range=YEAR).count()
    if missing > 0:
        advisors = _advisors()
        rng = random.Random(2023)  # noqa: S311 (synthetic data, reproducible)
        days = (YEAR[1] - YEAR[0]).days + 1
        while missing > 0:
            size = min(CHUNK, missing)
            reports = (
                _report(rng, rng.choice(advisors), YEAR[0] + timedelta(rng.randrange(days)))
                for _ in range(size)
            )
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    _copy(reports)
                else:
                    Report.objects.bulk_create(reports, batch_size=5000)
            missing -= size
        counters.rebuild_counters()
    return target


@benchmark
def national_year():
    story = ensure_national_scale()
    ensure_reports()
    reports = Report.objects.filter(date__range=YEAR).count()
    rows = TerritoryDay.objects.filter(day__range=YEAR).count()
    national = Scope()
    from_counters = best_of(lambda: indicators(national, *YEAR))
    direct = best_of(lambda: indicators_direct(national, *YEAR), repeat=1)
    same = indicators(national, *YEAR) == indicators_direct(national, *YEAR)
    scale = f"{reports:,} comptes rendus en 2023".replace(",", "\u202f")
    figures = [
        Figure(
            "statistiques : une année nationale (compteurs)",
            from_counters * 1000,
            "ms",
            direct * 1000,
            f"{scale}, {rows:,} lignes de compteurs ; 2 requêtes ; ".replace(",", "\u202f")
            + f"résultats {'identiques' if same else 'DIFFÉRENTS'} ; "
            "référence : le calcul direct sur les comptes rendus",
        )
    ]
    region = Scope(region="84")
    region_counters = best_of(lambda: indicators(region, *YEAR))
    region_direct = best_of(lambda: indicators_direct(region, *YEAR), repeat=1)
    figures.append(
        Figure(
            "statistiques : une année d’une région (compteurs)",
            region_counters * 1000,
            "ms",
            region_direct * 1000,
            "Auvergne-Rhône-Alpes ; référence : le calcul direct sur les comptes rendus",
        )
    )
    # The busiest département's year, per structure: the advisors' counters, read through
    # their covering index, against the same sums over the reports themselves.
    busiest = (
        TerritoryDay.objects.filter(day__range=YEAR)
        .values("departement_id")
        .annotate(n=Sum("reports"))
        .order_by("-n")
        .first()
    )
    if busiest:
        code = busiest["departement_id"]
        per_structure = best_of(lambda: breakdown(Scope(departements=(code,)), *YEAR))
        per_structure_direct = best_of(
            lambda: list(
                Report.objects.filter(departement_id=code, date__range=YEAR)
                .values("structure_id")
                .annotate(
                    n=Count("id"),
                    people=Sum("participants"),
                    returning=Sum("returning"),
                    minutes=Sum("minutes"),
                    followups=Sum(F("followup_individual") + F("followup_workshop")),
                )
            ),
            repeat=1,
        )
        table = breakdown(Scope(departements=(code,)), *YEAR)
        figures.append(
            Figure(
                "statistiques : une année du département le plus actif, par structure",
                per_structure * 1000,
                "ms",
                per_structure_direct * 1000,
                f"département {code}, {busiest['n']:,} comptes rendus, ".replace(",", "\u202f")
                + f"{len(table.rows)} structures ; référence : les mêmes sommes sur les "
                "comptes rendus",
            )
        )
    try:
        url = reverse("stats:index")
    except NoReverseMatch:
        return figures
    page, queries = time_page(
        f"{url}?period=custom&start={YEAR[0]}&end={YEAR[1]}", user=story["national"]
    )
    figures.append(
        Figure(
            "statistiques : page nationale d’une année",
            page,
            "ms",
            direct * 1000,
            f"{queries} requêtes SQL ; référence : le calcul direct sur les comptes rendus",
        )
    )
    return figures
