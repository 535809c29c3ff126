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
