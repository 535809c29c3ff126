"""Rural communes: a documented proxy, not an official classification.

INSEE classes communes as rural with its "grille communale de densité", built from a grid
of 1 km² squares; no package of the registries ships it. The platform uses a proxy
computed from the committed referential (``cnfs/territories/data/communes.csv.gz``): the
legal population and the area of each commune, measured at build time on the IGN ADMIN
EXPRESS outline (``scripts/territories/add_area.py`` and ``build.py``).

A commune is **urban** when it has at least ``URBAN_MIN_POPULATION`` inhabitants and a
density of at least ``URBAN_MIN_DENSITY`` inhabitants per km² (the thresholds of INSEE's
"intermediate density" clusters, applied to the whole commune); every other commune with a
known area is **rural**. Without an area (a commune new since the outlines were drawn)
the rurality is unknown and the commune is not counted as rural.
"""

from django.db.models import F, Q

URBAN_MIN_POPULATION = 5_000
URBAN_MIN_DENSITY = 300  # inhabitants per km²

PROXY_NOTICE = (
    "« Commune rurale » est ici une approximation, pas la grille de densité de l’INSEE : "
    f"une commune est rurale sauf si elle compte au moins {URBAN_MIN_POPULATION:,} habitants "
    f"et au moins {URBAN_MIN_DENSITY} habitants au km² (population légale et superficie de "
    "la commune, référentiel des territoires de la plateforme)."
).replace(",", "\u202f")


def density(population: int, area_km2: float | None) -> float | None:
    """Inhabitants per km², or None without an area."""
    if not area_km2:
        return None
    return population / area_km2


def is_rural(population: int, area_km2: float | None) -> bool | None:
    """The proxy's answer for one commune; None when its area is unknown."""
    per_km2 = density(population, area_km2)
    if per_km2 is None:
        return None
    return not (population >= URBAN_MIN_POPULATION and per_km2 >= URBAN_MIN_DENSITY)


def rural_q(prefix: str = "") -> Q:
    """The rural communes (or the rows whose ``prefix`` commune is rural), as a filter."""
    area = F(f"{prefix}area_km2")
    return Q(**{f"{prefix}area_km2__gt": 0}) & (
        Q(**{f"{prefix}population__lt": URBAN_MIN_POPULATION})
        | Q(**{f"{prefix}population__lt": area * URBAN_MIN_DENSITY})
    )
