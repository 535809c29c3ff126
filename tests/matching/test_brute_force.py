"""The engine against an independent, brute-force reading of DOMAIN §4.2 on random
national-like data: same proposals, same distances (to the metre), overseas isolation,
date rules, declined pairs never proposed again."""

import math
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.matching import engine, services
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories

OVERSEAS = {"971": (16.25, -61.55), "972": (14.65, -61.0), "974": (-21.1, 55.5)}
DISTANCES = [5, 10, 15, 20, 40, 100, 2000]


def haversine_km(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def closed_world(commune) -> str:
    if "97150" in commune.postal_codes.split():
        return "saint-martin"
    return commune.departement_id if commune.departement_id.startswith("97") else "metropole"


@pytest.fixture
def world(db, settings):
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = 100_000  # no cap: compare every pair
    rng = random.Random(42)
    today = timezone.localdate()
    mainland = factories.DepartementFactory(code="39")
    departements = {
        code: factories.DepartementFactory(
            code=code,
            name=f"Outre-mer {code}",
            region=factories.RegionFactory(code=f"0{i}", name=f"Région {code}"),
        )
        for i, code in enumerate(OVERSEAS, start=1)
    }
    communes = []
    for n in range(60):
        if n < 45:  # mainland, clustered like a few towns and their countryside
            centre = rng.choice([(46.67, 5.55), (47.09, 5.49), (45.76, 4.84), (48.85, 2.35)])
            point = (centre[0] + rng.gauss(0, 0.3), centre[1] + rng.gauss(0, 0.3))
            departement, postal = mainland, f"39{n:03d}"
        else:
            code = rng.choice(list(OVERSEAS))
            base = OVERSEAS[code]
            point = (base[0] + rng.gauss(0, 0.1), base[1] + rng.gauss(0, 0.1))
            departement = departements[code]
            postal = "97150" if code == "971" and n % 3 == 0 else f"{code}{n:02d}"
        communes.append(
            factories.CommuneFactory(
                insee=f"{departement.code[:2]}{n:03d}",
                latitude=point[0],
                longitude=point[1],
                departement=departement,
                postal_codes=postal,
            )
        )
    structures = [
        factories.StructureFactory(
            validated=True,
            granted_posts=rng.randint(1, 3),
            commune=rng.choice(communes),
            desired_start_date=rng.choice(
                [None, today - timedelta(days=20), today + timedelta(days=rng.randint(1, 60))]
            ),
        )
        for _ in range(18)
    ]
    candidates = [
        factories.CandidateFactory(
            commune=rng.choice(communes),
            max_distance_km=rng.choice(DISTANCES),
            available=rng.random() < 0.85,
            in_post=rng.random() < 0.05,
            available_from=today + timedelta(days=rng.randint(-30, 90)),
            former_advisor=rng.random() < 0.1,
        )
        for _ in range(150)
    ]
    return today, structures, candidates


def expected_pairs(today, structures, candidates) -> dict:
    """DOMAIN §4.2, pair by pair."""
    pairs = {}
    for c in candidates:
        if not c.available or c.in_post:
            continue
        for s in structures:
            if s.granted_posts <= s.occupied_posts:
                continue
            km = haversine_km(
                (c.commune.latitude, c.commune.longitude), (s.commune.latitude, s.commune.longitude)
            )
            start = s.desired_start_date or today
            deadline = today if start <= today else start
            if (
                km <= c.max_distance_km
                and closed_world(c.commune) == closed_world(s.commune)
                and c.available_from <= deadline
            ):
                pairs[(c.pk, s.pk)] = km
    return pairs


def test_engine_equals_brute_force(world):
    today, structures, candidates = world
    expected = expected_pairs(today, structures, candidates)
    assert len(expected) > 100  # the random world is not trivial, overseas included
    overseas = {c.pk for c in candidates if closed_world(c.commune) != "metropole"}
    assert any(candidate in overseas for candidate, _ in expected)
    engine.recompute_all()
    stored = set(Proposal.objects.values_list("candidate_id", "structure_id"))
    assert stored == set(expected)
    # Distances to the metre, straight from the engine's arrays.
    c_side, s_side = engine.candidate_side(), engine.structure_side()
    pairs = engine.allowed_pairs(c_side, s_side)
    got = {
        (int(c_side.ids[i]), int(s_side.ids[j])): km
        for i, j, km in zip(pairs.candidate, pairs.structure, pairs.km, strict=True)
    }
    assert set(got) == set(expected)
    assert max(abs(got[key] - km) for key, km in expected.items()) < 0.001
    # Overseas candidates only ever meet structures of their own territory.
    for proposal in Proposal.objects.select_related("candidate__commune", "structure__commune"):
        assert closed_world(proposal.candidate.commune) == closed_world(proposal.structure.commune)


def test_declined_pairs_are_never_proposed_again(world):
    today, structures, candidates = world
    engine.recompute_all()
    declined = list(Proposal.objects.order_by("pk")[:: max(1, Proposal.objects.count() // 8)])
    for proposal in declined:
        manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": proposal.structure})])
        services.decline(proposal, reason="profile", by=manager)
    for _ in range(2):
        engine.recompute_all()
        for s in structures:
            engine.refresh_structure(s.pk)
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert all(statuses[p.pk] == ProposalStatus.DECLINED for p in declined)
    proposed = set(
        Proposal.objects.filter(status=ProposalStatus.PROPOSED).values_list(
            "candidate_id", "structure_id"
        )
    )
    expected = set(expected_pairs(today, structures, candidates))
    assert proposed == expected - {(p.candidate_id, p.structure_id) for p in declined}


@pytest.mark.parametrize("limit", [5, 100_000])
def test_refreshing_one_structure_keeps_what_the_full_recomputation_found(world, settings, limit):
    """A structure's refresh reads only the candidates who may reach it: its list is the
    one the full recomputation, which reads everyone, makes."""
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = limit
    _, structures, _ = world
    engine.recompute_all()
    fields = ("candidate_id", "structure_id", "status", "score", "distance_km")
    before = set(Proposal.objects.values_list(*fields))
    assert before
    for s in structures:
        report = engine.refresh_structure(s.pk)
        assert (report.created, report.updated, report.reproposed, report.removed) == (0, 0, 0, 0)
    assert set(Proposal.objects.values_list(*fields)) == before
