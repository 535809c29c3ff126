"""The counters always equal the sums over the raw reports, whatever the writes."""

import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cnfs.activity import counters, services
from cnfs.activity.enums import COUNTERS
from cnfs.activity.models import AdvisorDay, Report, TerritoryDay
from cnfs.demo.management.commands.generate_reports import random_report_data
from tests import factories
from tests.activity.conftest import make_advisor, report_data

START = date(2021, 1, 4)


def table_sums(model, **filters):
    totals = model.objects.filter(**filters).aggregate(**{n: Sum(n) for n in COUNTERS})
    return {name: totals[name] or 0 for name in COUNTERS}


def test_counts_of_one_workshop():
    report = Report(
        kind="workshop",
        channel="home",
        participants=5,
        returning=2,
        ages={"12_18": 2, "over_60": 3},
        statuses={"student": 2, "retired": 3},
        themes=["email", "health"],
        duration="minutes",
        minutes=120,
        followup_individual=1,
        followup_workshop=1,
        redirections={"caf": 1, "ccas": 2},
        aidants_connect=True,
    )
    counts = counters.counts_of(report)
    assert {n: v for n, v in counts.items() if v} == {
        "reports": 1,
        "participants": 5,
        "returning": 2,
        "minutes": 120,
        "duration_120_plus": 1,
        "channel_home": 1,
        "theme_email": 1,
        "theme_health": 1,
        "age_12_18": 2,
        "age_over_60": 3,
        "status_student": 2,
        "status_retired": 3,
        "followup_individual": 1,
        "followup_workshop": 1,
        "followup_redirected": 3,
        "aidants_connect": 1,
        "redirected_caf": 1,
        "redirected_ccas": 2,
    }


@pytest.mark.parametrize(
    "duration, minutes, bucket, total",
    [
        ("under_30", None, "duration_0_30", 15),
        ("30_60", None, "duration_30_60", 45),
        ("minutes", 15, "duration_0_30", 15),
        ("minutes", 30, "duration_30_60", 30),
        ("minutes", 60, "duration_60_120", 60),
        ("minutes", 105, "duration_60_120", 105),
        ("minutes", 480, "duration_120_plus", 480),
    ],
)
def test_duration_buckets(duration, minutes, bucket, total):
    counts = counters.counts_of(
        Report(duration=duration, minutes=minutes, channel="remote", themes=["email"])
    )
    assert counts[bucket] == 1 and counts["minutes"] == total
    assert sum(v for n, v in counts.items() if n.startswith("duration_")) == 1


@pytest.fixture
def advisors(jura):
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    structures = [
        factories.StructureFactory(validated=True, commune__departement=jura),
        factories.StructureFactory(validated=True, commune__departement=jura),
        factories.StructureFactory(
            validated=True, commune__departement=doubs, commune__insee="25056"
        ),
    ]
    return [make_advisor(structures[i % 3], place_name=f"Lieu {i}") for i in range(5)]


def test_counters_equal_the_raw_reports_after_random_writes(advisors):
    rng = random.Random(2021)
    factories.CommuneFactory(insee="39300")

    def data(advisor):
        day = START + timedelta(days=rng.randrange(20))
        return random_report_data(rng, day=day, places=[advisor.main_place.pk], commune="39300")

    for _ in range(120):
        advisor = rng.choice(advisors)
        services.create_report(advisor=advisor, data=data(advisor))
    for advisor in advisors:
        services.create_batch(advisor=advisor, items=[data(advisor) for _ in range(15)])
    reports = list(Report.objects.order_by("pk"))
    rng.shuffle(reports)
    for report in reports[:60]:
        advisor = next(a for a in advisors if a.pk == report.advisor_id)
        services.update_report(report, data=data(advisor), by=advisor)
    for report in reports[60:100]:
        services.delete_report(report, by=report.advisor)

    assert Report.objects.count() == 120 + 75 - 40
    expected = counters.direct_counts()
    assert expected["reports"] == 155 and expected["participants"] > 155
    assert table_sums(AdvisorDay) == expected
    assert table_sums(TerritoryDay) == expected
    for advisor in advisors:
        mine = counters.direct_counts(Report.objects.filter(advisor=advisor))
        assert table_sums(AdvisorDay, advisor=advisor) == mine
    for code in ("39", "25"):
        assert table_sums(TerritoryDay, departement_id=code) == counters.direct_counts(
            Report.objects.filter(departement_id=code)
        )
    day = START + timedelta(days=3)
    assert table_sums(TerritoryDay, day=day, kind="workshop") == counters.direct_counts(
        Report.objects.filter(date=day, kind="workshop")
    )

    # A rebuild from the reports gives the same rows (minus those emptied by the writes).
    def rows(model):
        return {
            tuple(r[n] for n in sorted(r) if n != "id")
            for r in model.objects.filter(reports__gt=0).values()
        }

    before = rows(AdvisorDay), rows(TerritoryDay)
    counters.rebuild_counters()
    assert (rows(AdvisorDay), rows(TerritoryDay)) == before
    assert not AdvisorDay.objects.filter(reports=0).exists()


def test_the_counters_keep_every_increment_of_one_key(advisor):
    for _ in range(3):
        services.create_report(advisor=advisor, data=report_data(advisor.main_place))
    assert AdvisorDay.objects.count() == 1 and AdvisorDay.objects.get().reports == 3


def generate():
    out = io.StringIO()
    args = ["--count=300", "--seed=7", "--advisors=3", "--start=2021-01-01", "--end=2021-12-31"]
    call_command("generate_reports", *args, stdout=out)
    assert "300 comptes rendus générés" in out.getvalue()


def test_generate_reports_then_counters_match(advisor, employer):
    generate()
    assert Report.objects.count() == 300
    assert Report.objects.values("advisor").distinct().count() == 4
    expected = counters.direct_counts()
    assert table_sums(AdvisorDay) == expected == table_sums(TerritoryDay)
    first = list(Report.objects.order_by("pk").values_list("kind", "participants", "themes"))
    Report.objects.all().delete()
    generate()
    again = list(Report.objects.order_by("pk").values_list("kind", "participants", "themes"))
    assert again == first


def test_generated_reports_pass_the_services_rules(advisor):
    rng = random.Random(3)
    ctx = services._Context.of(advisor)
    for _ in range(200):
        data = random_report_data(rng, day=START, places=[advisor.main_place.pk], commune=None)
        services.clean_report(data, ctx)


def test_benchmarks_run(advisor, monkeypatch, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    from cnfs.bench import activity as benchmarks

    API = "/api/v1/activity"

    monkeypatch.setattr(benchmarks, "BATCH_URL", f"{API}/reports/batch")
    monkeypatch.setattr(benchmarks, "BATCH", 20)
    (write,) = benchmarks.report_writes()
    (batch,) = benchmarks.batch_ingestion()
    assert write.value > 0 and batch.value > 0 and batch.unit == "comptes rendus/s"
    assert not Report.objects.exists() and not AdvisorDay.objects.exists()
