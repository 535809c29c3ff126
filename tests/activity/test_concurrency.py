"""Concurrent writers never lose a count (PostgreSQL: real concurrent connections)."""

import threading

import pytest
from django.db import connection

from cnfs.activity import counters, services
from cnfs.activity.models import AdvisorDay, Report, TerritoryDay
from tests.activity.conftest import make_advisor, report_data
from tests.conftest import postgres_only

WRITERS = 6
REPORTS_EACH = 5


def _in_threads(functions):
    """Run ``functions`` together, each on its own connection, started at the same moment."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # noqa: BLE001 (reported to the test below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_one_day_lose_no_count(employer):
    advisors = [make_advisor(employer, place_name=f"Lieu {i}") for i in range(WRITERS)]

    def write(advisor):
        return lambda: [
            services.create_report(advisor=advisor, data=report_data(advisor.main_place))
            for _ in range(REPORTS_EACH)
        ]

    # Every writer creates the same (département, day, kind) row of TerritoryDay at once.
    assert _in_threads([write(a) for a in advisors]) == []
    total = WRITERS * REPORTS_EACH
    assert Report.objects.count() == total
    assert TerritoryDay.objects.get().reports == total
    assert sum(AdvisorDay.objects.values_list("reports", flat=True)) == total
    assert counters.direct_counts()["participants"] == TerritoryDay.objects.get().participants


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_once_records_once(employer):
    advisor = make_advisor(employer)
    data = report_data(advisor.main_place)
    send = lambda: services.create_report(advisor=advisor, data=data, client_key="once")  # noqa: E731
    assert _in_threads([send, send, send]) == []
    assert Report.objects.count() == 1 and TerritoryDay.objects.get().reports == 1
