import pytest

from cnfs.matching import engine, kernel


@pytest.fixture(autouse=True, params=["numpy", "compiled"])
def matching_engine(request, settings, monkeypatch):
    """Every matching test runs with both engines: they must give the same result. With the
    compiled one, the kernel must have applied each time (no silent fallback)."""
    settings.MATCHING_ENGINE = request.param
    if request.param == "compiled":
        if not kernel.AVAILABLE:
            pytest.skip("numba is not installed")
        fallbacks = []
        compiled_best_pairs = engine.compiled_best_pairs

        def checked(*args):
            result = compiled_best_pairs(*args)
            if result is None:
                fallbacks.append(args)
            return result

        monkeypatch.setattr(engine, "compiled_best_pairs", checked)
        yield request.param
        assert not fallbacks, "the compiled engine fell back on the numpy engine"
    else:
        yield request.param
