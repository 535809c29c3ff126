"""Benchmarks: each app declares its figures in ``<app>/benchmarks.py``.

A benchmark returns one or more ``Figure``: the measured value and a baseline measured in
the same run (ratio = value / baseline), so figures compare across machines.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

BENCHMARKS: list[Callable[[], list["Figure"]]] = []


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    note: str

    @property
    def ratio(self) -> float:
        return round(self.value / self.baseline, 3) if self.baseline else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def benchmark(function):
    BENCHMARKS.append(function)
    return function


def best_of(function, *, repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine)."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def time_page(path: str, *, user=None, repeat: int = 5) -> tuple[float, int]:
    """(best time in ms, number of SQL queries) of a GET of ``path`` as ``user``."""
    from django.db import connection
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    if user is not None:
        client.force_login(user)
    client.get(path)  # warm up (templates, caches)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return best_of(lambda: client.get(path), repeat=repeat) * 1000, len(queries)


def ensure_national_scale():
    """Load the territories and the national-scale demo if they are not there yet."""
    from django.test.utils import override_settings

    from cnfs.demo.building import build_demo
    from cnfs.territories.loading import load_territories
    from cnfs.territories.models import Commune

    if not Commune.objects.exists():
        load_territories()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return build_demo(scale=1)
