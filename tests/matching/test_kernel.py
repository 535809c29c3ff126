"""The compiled ranking (cnfs.matching.kernel): the same result as the numpy engine on its
own paths too (unsure distances, a guess too high, a full buffer, reaches off the rings)."""

import numpy as np
import pytest

from cnfs.matching import checks, engine, kernel
from tests.matching.test_engine import as_dict, every_allowed_pair_ranked, random_sides

pytestmark = [
    pytest.mark.skipif(not kernel.AVAILABLE, reason="numba is not installed"),
    pytest.mark.parametrize("matching_engine", ["compiled"]),  # replaces both engines
]


@pytest.fixture
def compiled(monkeypatch, settings, matching_engine):
    """Runs the compiled engine and records what it returned and how often the kernel ran
    (None: it did not apply, the numpy engine computed the result)."""
    settings.MATCHING_ENGINE = matching_engine
    seen = {"results": [], "runs": 0}
    compiled_best_pairs, rank = engine.compiled_best_pairs, kernel.rank

    def recorded(*args):
        seen["results"].append(compiled_best_pairs(*args))
        return seen["results"][-1]

    def counted(*args):
        seen["runs"] += 1
        return rank(*args)

    monkeypatch.setattr(engine, "compiled_best_pairs", recorded)
    monkeypatch.setattr(kernel, "rank", counted)
    return seen


def check(seed, limit, compiled, *, max_km=None, taken=()):
    candidates, structures, today = random_sides(seed, 4000, 90, shared_places=True)
    if max_km is not None:
        candidates.max_km = np.where(candidates.max_km < 2000, max_km, candidates.max_km)
    _, expected = every_allowed_pair_ranked(candidates, structures, limit, today, taken)
    args = (np.array([c for c, _ in sorted(taken)]), np.array([s for _, s in sorted(taken)]))
    best = engine.best_pairs(
        candidates, structures, limit, today=today, taken=args if taken else None
    )
    assert as_dict(best) == expected
    return compiled["results"][-1]


def test_the_kernel_ranks_as_every_allowed_pair_ranked(compiled):
    assert check(1, 30, compiled) is not None
    assert compiled["runs"] == 1


def test_pairs_acted_on_are_left_out(compiled):
    candidates, structures, today = random_sides(5, 4000, 90, shared_places=True)
    _, first = every_allowed_pair_ranked(candidates, structures, 12, today)
    listed = sorted(first)
    taken = {listed[k] for k in range(0, len(listed), 3)}
    assert check(5, 12, compiled, taken=taken) is not None


def test_distances_within_a_hair_of_a_half_metre_are_computed_by_numpy(compiled, monkeypatch):
    """With a "hair" of almost half a metre, nearly every distance is unsure: each is
    computed by numpy and the ranking runs again with them."""
    monkeypatch.setattr(engine, "UNSURE_HAIR_M", 0.4999)
    assert check(2, 20, compiled) is not None
    assert compiled["runs"] >= 2


def test_a_guess_too_high_searches_the_site_again(compiled, monkeypatch):
    monkeypatch.setattr(engine, "GUESS_MARGIN", -3000)  # guesses far above the floor
    assert check(3, 25, compiled) is not None


def test_a_full_buffer_falls_back_on_the_numpy_engine(compiled, monkeypatch):
    monkeypatch.setattr(engine, "KERNEL_BUFFER", 8)
    assert check(4, 40, compiled) is None


def test_a_reach_off_the_usual_rings_is_a_ring_of_its_own(compiled):
    assert check(6, 30, compiled, max_km=33.0) is not None


def test_a_reach_beyond_the_scored_distance_falls_back_on_the_numpy_engine(compiled):
    assert check(7, 30, compiled, max_km=150.0) is None


@pytest.mark.parametrize(
    "value, error",
    [("numpy", None), ("compiled", None), ("fortran", "matching.E001")],
)
def test_the_engine_setting_is_checked(settings, value, error):
    settings.MATCHING_ENGINE = value
    errors = checks.matching_engine(None)
    assert [e.id for e in errors] == ([error] if error else [])


def test_the_compiled_engine_needs_numba(settings, monkeypatch):
    settings.MATCHING_ENGINE = "compiled"
    monkeypatch.setattr(kernel, "AVAILABLE", False)
    assert [e.id for e in checks.matching_engine(None)] == ["matching.E002"]
