import random
from dataclasses import asdict
from datetime import date

import pytest

from cnfs.activity import services
from cnfs.activity.enums import Body, Channel, Duration, Kind, Theme
from cnfs.stats.indicators import Month, Scope, breakdown, indicators, indicators_direct
from tests import factories
from tests.stats.conftest import (
    add_report,
    add_reports,
    advisor_user,
    contract_for,
    random_day,
    random_report,
)

FIRST, LAST = date(2022, 11, 1), date(2024, 1, 31)


@pytest.fixture
def world(jura, hautes_alpes):
    """Two régions, three départements, four structures, six advisors, 300 random reports on
    20 days over 15 months (one advisor changes structure on the way)."""
    doubs = factories.DepartementFactory(code="25", name="Doubs")  # same région as the Jura
    structures = [
        factories.StructureFactory(commune__departement=jura),
        factories.StructureFactory(commune__departement=jura),
        factories.StructureFactory(commune__departement=doubs),
        factories.StructureFactory(commune__departement=hautes_alpes),
    ]
    advisors = [advisor_user() for _ in range(6)]
    employers = [0, 0, 1, 2, 3, 3]
    rng = random.Random(2021)
    days = sorted(random_day(rng, FIRST, LAST) for _ in range(18)) + [FIRST, LAST]
    reports = []
    for _ in range(300):
        k = rng.randrange(len(advisors))
        structure = structures[employers[k]]
        if k == 1 and rng.random() < 0.5:
            structure = structures[2]
        reports.append(random_report(rng, advisors[k], structure, rng.choice(days)))
    add_reports(reports)
    return {"structures": structures, "advisors": advisors, "jura": jura, "doubs": doubs}


PERIODS = [
    (None, None),
    (date(2023, 1, 1), date(2023, 12, 31)),
    (date(2023, 6, 1), date(2023, 6, 30)),
    (date(2023, 3, 15), None),
    (None, date(2023, 2, 10)),
]


def test_the_counters_give_the_raw_reports_figures_at_every_scope_and_period(world):
    structures, advisors = world["structures"], world["advisors"]
    scopes = [
        Scope(),
        Scope(region=world["jura"].region_id),
        Scope(departements=("39",)),
        Scope(departements=("39", "05")),
        Scope(structures=(structures[0].pk,)),
        Scope(structures=(structures[1].pk, structures[2].pk)),
        Scope(advisor=advisors[1].pk),
        Scope(advisor=advisors[1].pk, structures=(structures[2].pk,)),
    ]
    for scope in scopes:
        for start, end in PERIODS:
            from_counters = indicators(scope, start, end)
            assert from_counters.accompaniments > 0, (scope, start, end)
            # Every indicator, breakdown and month.
            direct = indicators_direct(scope, start, end)
            assert asdict(from_counters) == asdict(direct), (scope, start, end)


def test_the_formulas_of_the_domain(structure):
    advisor = advisor_user()
    day = date(2023, 3, 14)
    add_report(
        advisor,
        structure,
        day,
        Kind.WORKSHOP,
        participants=10,
        returning=3,
        ages={"18_35": 4, "over_60": 6},
        statuses={"retired": 6, "employed": 4},
        themes=[Theme.EMAIL, Theme.SECURITY],
        duration=Duration.MINUTES,
        minutes=120,
        followup_workshop=5,
        redirections={Body.CAF: 2},
        channel=Channel.PLACE,
    )
    add_report(
        advisor,
        structure,
        day,
        Kind.WORKSHOP,
        participants=5,
        ages={"over_60": 5},
        statuses={"retired": 5},
        duration=Duration.MINUTES,
        minutes=90,
    )
    for returning in (1, 0, 0):
        add_report(
            advisor,
            structure,
            date(2023, 5, 2),
            Kind.INDIVIDUAL,
            returning=returning,
            followup_individual=1,
            duration=Duration.UNDER_30,
        )
    add_report(advisor, structure, day, Kind.ONE_OFF, redirections={Body.CAF: 1})

    ind = indicators(Scope(structures=(structure.pk,)))

    assert (ind.accompaniments, ind.workshops, ind.workshop_participants) == (6, 2, 15)
    assert (ind.individual, ind.one_off) == (3, 1)
    assert ind.people_reached == 15 + 3 + 1
    assert (ind.returning, ind.unique_people) == (4, 15)
    assert ind.followups == 5 + 2 + 3 + 1
    assert ind.followup_rate == round(100 * 11 / 19, 1)
    # 120 + 90 minutes, three entries "under 30 min" (15) and one "30 to 60 min" (45).
    assert ind.total_minutes == 120 + 90 + 3 * 15 + 45
    assert ind.total_hours == 5.0
    themes = {s.code: (s.count, s.percent) for s in ind.themes}
    assert themes[Theme.EMAIL] == (6, 100.0)
    assert themes[Theme.SECURITY] == (1, 16.7)
    assert ind.themes[0].code == Theme.EMAIL  # the most frequent first
    durations = {s.code: s.count for s in ind.durations}
    assert durations == {"0_30": 3, "30_60": 1, "60_120": 1, "120_plus": 1}
    channels = {s.code: s.count for s in ind.channels}
    assert (channels[Channel.PLACE], channels[Channel.REMOTE]) == (1, 5)
    ages = {s.code: s.percent for s in ind.ages}
    assert ages["over_60"] == round(100 * 11 / 19, 1)
    assert ages["35_60"] == round(100 * 4 / 19, 1)
    redirections = {s.code: (s.count, s.percent) for s in ind.redirections}
    assert redirections[Body.CAF] == (3, 100.0)
    assert ind.redirections[0].code == Body.CAF
    assert ind.aidants_connect == 0
    assert ind.months == (
        Month(date(2023, 3, 1), 3, 16),
        Month(date(2023, 4, 1), 0, 0),
        Month(date(2023, 5, 1), 3, 3),
    )


def test_the_period_bounds_are_inclusive_and_months_cover_the_period(structure):
    advisor = advisor_user()
    for day in (date(2023, 1, 31), date(2023, 2, 1), date(2023, 2, 28), date(2023, 3, 1)):
        add_report(advisor, structure, day)
    ind = indicators(Scope(), date(2023, 2, 1), date(2023, 4, 30))
    assert ind.accompaniments == 3
    assert [m.month.month for m in ind.months] == [2, 3, 4]
    assert [m.accompaniments for m in ind.months] == [2, 1, 0]


def test_no_activity_gives_zeros_and_no_rate(db):
    ind = indicators(Scope(departements=("39",)), date(2023, 1, 1), date(2023, 1, 31))
    assert ind.accompaniments == ind.people_reached == ind.unique_people == 0
    assert ind.followup_rate is None
    assert all(share.percent == 0 for share in ind.themes)
    assert ind == indicators_direct(
        Scope(departements=("39",)), date(2023, 1, 1), date(2023, 1, 31)
    )


def test_a_scope_is_either_advisors_or_territories():
    with pytest.raises(ValueError):
        Scope(structures=(1,), departements=("39",))


def test_two_queries_whatever_the_number_of_reports(world, django_assert_num_queries):
    structures, advisors = world["structures"], world["advisors"]
    for scope in (
        Scope(),
        Scope(region="27"),
        Scope(structures=(structures[0].pk, structures[1].pk)),
        Scope(advisor=advisors[0].pk),
    ):
        with django_assert_num_queries(2):
            assert indicators(scope, date(2023, 1, 1), date(2023, 12, 31)).accompaniments


def test_reports_recorded_through_the_service_are_counted(structure):
    advisor = advisor_user()
    contract_for(advisor, structure, date(2023, 1, 2))
    services.create_report(
        advisor=advisor,
        data={
            "date": date(2023, 5, 4),
            "kind": Kind.WORKSHOP,
            "channel": Channel.REMOTE,
            "participants": 4,
            "returning": 1,
            "ages": {"over_60": 4},
            "statuses": {"retired": 4},
            "themes": [Theme.HEALTH],
            "duration": Duration.MINUTES,
            "minutes": 60,
            "followup_workshop": 2,
            "redirections": {Body.CPAM: 1},
        },
    )
    ind = indicators(Scope(structures=(structure.pk,)))
    assert (ind.accompaniments, ind.people_reached, ind.unique_people) == (1, 4, 3)
    assert ind.followup_rate == 75.0
    assert ind == indicators_direct(Scope(structures=(structure.pk,)))
    assert indicators(Scope(departements=(structure.departement_id,))).accompaniments == 1


def test_breakdowns_split_the_scope(world):
    structures, advisors = world["structures"], world["advisors"]
    national = indicators(Scope())
    assert national.accompaniments == 300
    regions = [indicators(Scope(region=code)) for code in ("27", "93")]
    assert sum(r.people_reached for r in regions) == national.people_reached

    by_departement = breakdown(Scope())
    assert [r.key for r in by_departement.rows] == ["05", "25", "39"]
    assert sum(r.accompaniments for r in by_departement.rows) == national.accompaniments
    assert sum(r.people_reached for r in by_departement.rows) == national.people_reached
    assert sum(r.unique_people for r in by_departement.rows) == national.unique_people
    assert sum(r.followups for r in by_departement.rows) == national.followups
    assert sum(r.minutes for r in by_departement.rows) == national.total_minutes

    jura = indicators(Scope(departements=("39",)))
    by_structure = breakdown(Scope(departements=("39",)))
    assert {r.key for r in by_structure.rows} == {structures[0].pk, structures[1].pk}
    assert sum(r.people_reached for r in by_structure.rows) == jura.people_reached

    mine = Scope(structures=(structures[2].pk,))
    by_advisor = breakdown(mine)
    assert {r.key for r in by_advisor.rows} == {advisors[1].pk, advisors[3].pk}
    assert sum(r.accompaniments for r in by_advisor.rows) == indicators(mine).accompaniments
    for row in by_advisor.rows:
        own = indicators(Scope(advisor=row.key, structures=(structures[2].pk,)))
        assert (row.people_reached, row.unique_people) == (own.people_reached, own.unique_people)
        assert row.followup_rate == own.followup_rate

    assert breakdown(Scope(advisor=advisors[0].pk)) is None
