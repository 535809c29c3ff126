"""A brute-force reading of DOMAIN §4.2 (the matching rules) and of the ranking documented
in docs/architecture.md, pair by pair, in plain Python.

It is written apart from the engine and imports nothing from the product (a test checks
it): it takes plain rows and says which proposals each structure's list must hold.
"""

import math
from dataclasses import dataclass
from datetime import date

EARTH_RADIUS_KM = 6371.0088
OVERSEAS = {"971", "972", "973", "974", "976"}
SAINT_MARTIN = "97150"
ANYWHERE_KM = 2000  # "partout"


@dataclass(frozen=True)
class Person:
    pk: int
    latitude: float
    longitude: float
    departement: str
    postal_codes: str
    max_km: int
    matchable: bool  # active, confirmed, available, not in post
    available_from: date | None
    trained: bool
    diploma: bool
    experience: bool
    pix: int
    zone_version: int


@dataclass(frozen=True)
class Employer:
    pk: int
    latitude: float
    longitude: float
    departement: str
    postal_codes: str
    validated: bool
    granted: int
    occupied: int  # advisors in post and recruitments in progress
    start: date | None


@dataclass(frozen=True)
class Acted:
    """A stored pair that is not an untouched engine proposal."""

    candidate: int
    structure: int
    status: str
    engine: bool  # proposed by the platform (not named, not found by search)
    declined_zone_version: int | None


def closed_world(departement: str, postal_codes: str) -> str:
    if SAINT_MARTIN in postal_codes.split():
        return "saint-martin"
    return departement if departement in OVERSEAS else "mainland"


def haversine_metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Great-circle distance in whole metres, rounded half up."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return math.floor(km * 1000 + 0.5)


def score_hundredths(person: Person, metres: int, today: date) -> int:
    """Closeness: 40 points at 0 km, none from 100 km on (rounded half up to the
    hundredth); then 25 points for a former advisor, 20 for the diploma, 15 for experience,
    5 per Pix level, 10 for being available now."""
    near = 100_000 - min(metres, 100_000)
    closeness = (4000 * near + 50_000) // 100_000
    available_now = (person.available_from or today) <= today
    bonus = (
        25 * person.trained
        + 20 * person.diploma
        + 15 * person.experience
        + 5 * person.pix
        + 10 * available_now
    )
    return closeness + 100 * bonus


def left_out(acted: Acted, zone_version: int) -> bool:
    """Pairs a structure acted on are not ranked again; a declined one comes back once the
    candidate's zone or availability changed."""
    if acted.status == "proposed":
        return not acted.engine
    if acted.status == "declined":
        return acted.declined_zone_version in (None, zone_version)
    return acted.status != "recruited"


def expected_lists(
    people: list[Person],
    employers: list[Employer],
    acted: list[Acted],
    *,
    today: date,
    limit: int,
) -> dict[tuple[int, int], tuple[int, int]]:
    """``{(candidate, structure): (metres, score in hundredths)}``: every structure with an
    open post holds its ``limit`` best allowed pairs (best score first, then the lowest
    candidate number), the pairs it acted on left out."""
    zone = {p.pk: p.zone_version for p in people}
    skipped = {(a.candidate, a.structure) for a in acted if left_out(a, zone.get(a.candidate, 0))}
    result = {}
    for s in employers:
        if not s.validated or s.granted - s.occupied <= 0:
            continue
        start = s.start or today
        deadline = today if start <= today else start
        world = closed_world(s.departement, s.postal_codes)
        ranked = []
        for p in people:
            if not p.matchable or (p.pk, s.pk) in skipped:
                continue
            if closed_world(p.departement, p.postal_codes) != world:
                continue
            if (p.available_from or today) > deadline:
                continue
            metres = haversine_metres((p.latitude, p.longitude), (s.latitude, s.longitude))
            if metres > p.max_km * 1000:
                continue
            ranked.append((-score_hundredths(p, metres, today), p.pk, metres))
        ranked.sort()
        for minus_score, pk, metres in ranked[:limit]:
            result[(pk, s.pk)] = (metres, -minus_score)
    return result
