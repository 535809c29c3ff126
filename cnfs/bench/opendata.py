"""The open-data place files at national size (20,000 places of advisors in post): each
written in chunks to the disk, against the same file built whole in memory (every place
read at once, every row kept, then joined), both in the same run. Time and peak Python
memory (tracemalloc, measured in a separate pass: tracing slows the code down).
"""

import tempfile
import time
import tracemalloc
from pathlib import Path

from django.test.utils import override_settings

from cnfs.bench.registry import (
    Figure,
    benchmark,
    ensure_national_scale,
    ensure_places_of_advisors_in_post,
)
from cnfs.opendata import datasets, exports

PLACES = 20_000
SLUGS = ("lieux", "data-inclusion-structures", "data-inclusion-services")


def _whole(slug: str) -> bytes:
    """The naive build: every place in a list, every row in a list, one bytes object."""
    places = list(exports.published_places())
    if slug == "lieux":
        rows = list(exports.lieux_rows(places))
        return b"".join(datasets.csv_chunks(exports.LIEUX_FIELDS, rows))
    if slug == "data-inclusion-structures":
        items = [exports.di_structure(place) for place in places]
    else:
        items = [service for place in places for service in exports.di_services(place)]
    return b"".join(datasets.json_chunks(items))


def _time(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@benchmark
def open_data_files():
    ensure_national_scale()
    ensure_places_of_advisors_in_post(PLACES)
    published = exports.published_places().count()
    figures = []
    with tempfile.TemporaryDirectory() as folder, override_settings(OPENDATA_DIR=Path(folder)):
        for slug in SLUGS:
            dataset = datasets.BY_SLUG[slug]
            streamed = min(_time(lambda d=dataset: datasets.build(d)) for _ in range(2))
            whole = min(_time(lambda s=slug: _whole(s)) for _ in range(2))
            size = datasets.build(dataset).size
            assert size == len(_whole(slug)), slug  # the same file both ways
            streamed_peak = _peak(lambda d=dataset: datasets.build(d))
            whole_peak = _peak(lambda s=slug: _whole(s))
            mb = 2**20
            figures += [
                Figure(
                    f"données ouvertes : {dataset.filename} (durée)",
                    streamed * 1000,
                    "ms",
                    whole * 1000,
                    f"{published} lieux publiés, {size / mb:.1f} Mio ; écrit par morceaux sur "
                    "le disque ; référence : le même fichier construit en mémoire",
                ),
                Figure(
                    f"données ouvertes : {dataset.filename} (mémoire de pointe)",
                    streamed_peak / mb,
                    "Mio",
                    whole_peak / mb,
                    "tracemalloc ; référence : le même fichier construit en mémoire",
                ),
            ]
    return figures
