"""Point-in-polygon tests on GeoJSON geometries, in plain numpy (no GEOS at run time)."""

from __future__ import annotations

import numpy as np

# Bounds the (points x edges) work arrays to a few megabytes.
_MAX_CELLS = 2_000_000


def _rings(geometry: dict) -> list[np.ndarray]:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"not a polygonal geometry: {geometry['type']}")
    return [np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon]


def points_in_polygons(lats, lons, geometry: dict) -> np.ndarray:
    """Tell which points lie inside a GeoJSON Polygon or MultiPolygon.

    Even-odd ray casting over every ring (outer rings and holes alike), vectorized over the
    points; ``lats`` and ``lons`` are sequences of the same length, in degrees. Returns a
    boolean array, one value per point. Points exactly on an edge may go either way.
    """
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    inside = np.zeros(lats.shape, dtype=bool)
    for ring in _rings(geometry):
        x1, y1 = ring[:, 0], ring[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        candidates = np.flatnonzero(
            (lats >= y1.min()) & (lats <= y1.max()) & (lons >= x1.min()) & (lons <= x1.max())
        )
        step = max(1, _MAX_CELLS // len(ring))
        for start in range(0, len(candidates), step):
            chunk = candidates[start : start + step]
            py, px = lats[chunk, None], lons[chunk, None]
            straddles = (y1 > py) != (y2 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                crossing_x = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            crossings = np.count_nonzero(straddles & (px < crossing_x), axis=1)
            inside[chunk] ^= crossings % 2 == 1
    return inside
