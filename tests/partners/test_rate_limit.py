"""Rate limits counted in the database: one row per caller and window, shared by every
server (PostgreSQL: simultaneous calls never let more than the limit through)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from cnfs.partners.auth import count_call
from cnfs.partners.models import RateCounter
from tests.conftest import postgres_only

MINUTE = 1_700_000_000.0  # 20 s into a minute


def test_calls_are_counted_per_caller_and_window(db):
    usages = [count_call("ip:a:60", limit=2, period=60, now=MINUTE) for _ in range(3)]
    assert [(u.calls, u.remaining, u.allowed) for u in usages] == [
        (1, 1, True),
        (2, 0, True),
        (3, 0, False),
    ]
    assert usages[0].reset == 40
    assert count_call("ip:b:60", limit=2, period=60, now=MINUTE).calls == 1
    assert RateCounter.objects.count() == 2


def test_a_new_window_starts_from_zero_and_forgets_the_windows_that_are_over(db):
    for _ in range(3):
        count_call("ip:a:60", limit=2, period=60, now=MINUTE)
    later = count_call("ip:a:60", limit=2, period=60, now=MINUTE + 60)
    assert (later.calls, later.allowed, later.reset) == (1, True, 40)
    assert list(RateCounter.objects.values_list("calls", flat=True)) == [1]


CALLERS = 24
LIMIT = 5


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_calls_never_let_more_than_the_limit_through(settings):
    settings.PARTNERS_API_RATE_LIMITS = {"key": (100, 60), "anonymous": (LIMIT, 3600)}
    barrier = threading.Barrier(CALLERS)
    statuses = []

    def call():
        try:
            barrier.wait()
            statuses.append(Client().get("/api/v1/partners/places").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == CALLERS
    assert sorted(statuses) == [200] * LIMIT + [429] * (CALLERS - LIMIT)
    assert RateCounter.objects.get().calls == CALLERS
