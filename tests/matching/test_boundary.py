"""The boundary of a candidate's zone is defined: distances are compared in whole metres
(a candidate exactly at the radius is in) and shown rounded half up to the kilometre, on
every path (full recomputation, a candidate's update, a structure's refresh)."""

import math

import pytest

from cnfs.matching import engine
from cnfs.matching.models import Proposal
from tests import factories

EARTH_RADIUS_KM = 6371.0088
LONS = (46.6744, 5.5547)


def destination(origin, km: float, bearing_degrees: float):
    """The point ``km`` away from ``origin`` along a bearing (great circle)."""
    lat1, lon1 = map(math.radians, origin)
    angle, bearing = km / EARTH_RADIUS_KM, math.radians(bearing_degrees)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1),
        math.cos(angle) - math.sin(lat1) * math.sin(lat2),
    )
    return math.degrees(lat2), math.degrees(lon2)


def commune_at(point, n: int):
    return factories.CommuneFactory(
        insee=f"39{n:03d}",
        latitude=point[0],
        longitude=point[1],
        departement=factories.DepartementFactory(code="39"),
    )


@pytest.fixture
def structure(db):
    return factories.StructureFactory(validated=True, granted_posts=1, commune=commune_at(LONS, 0))


@pytest.fixture
def at_the_radius(structure):
    """Candidates exactly 20 km away on every bearing, with a 20 km radius, and others one
    metre farther."""
    inside = [
        factories.CandidateFactory(
            commune=commune_at(destination(LONS, 20, b), n), max_distance_km=20
        )
        for n, b in enumerate(range(0, 360, 15), start=1)
    ]
    outside = [
        factories.CandidateFactory(
            commune=commune_at(destination(LONS, 20.001, b), 100 + n), max_distance_km=20
        )
        for n, b in enumerate(range(0, 360, 45))
    ]
    return inside, outside


def proposed_to(structure) -> set[int]:
    return set(Proposal.objects.filter(structure=structure).values_list("candidate", flat=True))


def test_the_full_recomputation_takes_everyone_exactly_at_the_radius(structure, at_the_radius):
    inside, _ = at_the_radius
    engine.recompute_all()
    assert proposed_to(structure) == {c.pk for c in inside}
    assert set(Proposal.objects.values_list("distance_km", flat=True)) == {20.0}


def test_a_structure_refresh_takes_everyone_exactly_at_the_radius(structure, at_the_radius):
    inside, _ = at_the_radius
    engine.refresh_structure(structure.pk)
    assert proposed_to(structure) == {c.pk for c in inside}


def test_a_candidate_update_takes_the_candidate_exactly_at_the_radius(structure, at_the_radius):
    inside, outside = at_the_radius
    for candidate in inside + outside:
        engine.refresh_candidate(candidate.pk)
    assert proposed_to(structure) == {c.pk for c in inside}


@pytest.mark.parametrize(
    "km, shown",
    [
        (204.5, "À 205 km"),
        (204.4994, "À 204 km"),
        (203.5, "À 204 km"),
        (0.4, "À moins d’1 km"),
        (0.5, "À 1 km"),
        (20.0, "À 20 km"),
    ],
)
def test_distances_are_shown_rounded_half_up(km, shown):
    assert engine.distance_reason(km) == shown


def test_the_stored_reason_rounds_half_up(structure):
    candidate = factories.CandidateFactory(
        commune=commune_at(destination(LONS, 204.5, 30), 1), max_distance_km=2000
    )
    engine.recompute_all()
    proposal = Proposal.objects.get(candidate=candidate)
    assert proposal.distance_km == 204.5
    assert proposal.reasons[0] == "À 205 km"
