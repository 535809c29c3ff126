from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from cnfs.matching import engine, services
from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories

LONS = (46.6744, 5.5547)
DOLE = (47.0925, 5.4897)  # ~47 km from Lons
POLIGNY = (46.8372, 5.7058)  # ~22 km from Lons


def commune(insee, point, departement="39", **kwargs):
    departement = factories.DepartementFactory(code=departement)
    return factories.CommuneFactory(
        insee=insee, latitude=point[0], longitude=point[1], departement=departement, **kwargs
    )


@pytest.fixture
def lons(db):
    return commune("39300", LONS)


@pytest.fixture
def open_structure(lons):
    return factories.StructureFactory(validated=True, granted_posts=2, commune=lons)


def test_great_circle_distance_is_right():
    a = engine.unit_vectors([LONS[0]], [LONS[1]])
    b = engine.unit_vectors([DOLE[0]], [DOLE[1]])
    assert 46 < engine.great_circle_km(a, b)[0] < 48


def test_candidates_within_their_own_distance_are_proposed(open_structure):
    near = factories.CandidateFactory(commune=commune("39434", POLIGNY), max_distance_km=40)
    too_far_for_them = factories.CandidateFactory(
        commune=commune("39198", DOLE), max_distance_km=20
    )
    engine.recompute_all()
    proposed = set(Proposal.objects.values_list("candidate", flat=True))
    assert proposed == {near.pk}
    assert too_far_for_them.pk not in proposed
    proposal = Proposal.objects.get()
    assert 20 < proposal.distance_km < 24
    assert proposal.reasons[0].startswith("À 2")


def test_overseas_territories_are_closed_worlds(db):
    guadeloupe = commune("97105", (16.0, -61.73), departement="971")
    saint_martin = commune("97801", (18.08, -63.05), departement="971", postal_codes="97150")
    reunion = commune("97411", (-20.88, 55.45), departement="974")
    mainland = commune("39300", LONS)
    for place in (guadeloupe, saint_martin, reunion, mainland):
        factories.StructureFactory(validated=True, commune=place, name=f"S {place.insee}")
    for place in (guadeloupe, saint_martin, reunion, mainland):
        factories.CandidateFactory(commune=place, max_distance_km=2000, last_name=place.insee)
    engine.recompute_all()
    pairs = set(Proposal.objects.values_list("candidate__commune_id", "structure__commune_id"))
    assert pairs == {(c, c) for c in ("97105", "97801", "97411", "39300")}


def test_the_date_rules(lons):
    today = timezone.localdate()
    started = factories.StructureFactory(validated=True, commune=lons, desired_start_date=today)
    later = factories.StructureFactory(
        validated=True, commune=lons, desired_start_date=today + timedelta(days=60)
    )
    in_a_month = factories.CandidateFactory(commune=lons, available_from=today + timedelta(days=30))
    engine.recompute_all()
    assert list(
        Proposal.objects.filter(candidate=in_a_month).values_list("structure", flat=True)
    ) == [later.pk]
    assert not Proposal.objects.filter(structure=started).exists()


def test_unavailable_in_post_and_full_structures_are_left_out(open_structure, lons):
    factories.CandidateFactory(commune=lons, available=False)
    factories.CandidateFactory(commune=lons, in_post=True)
    factories.StructureFactory(validated=True, commune=lons, granted_posts=1, occupied_posts=1)
    engine.recompute_all()
    assert not Proposal.objects.exists()


def test_ranking_favours_former_advisors_and_says_why(open_structure, lons):
    plain = factories.CandidateFactory(commune=lons)
    trained = factories.CandidateFactory(commune=lons, former_advisor=True, has_diploma=True)
    engine.recompute_all()
    ranked = list(Proposal.objects.filter(structure=open_structure).order_by("-score"))
    assert [p.candidate for p in ranked] == [trained, plain]
    assert "Déjà formé(e) : ancien conseiller numérique" in ranked[0].reasons


def test_a_declined_proposal_comes_back_only_when_the_zone_changes(open_structure, lons, owner):
    from cnfs.accounts.enums import Role
    from cnfs.candidates.services import update_profile

    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": open_structure})])
    candidate = factories.CandidateFactory(commune=lons)
    engine.recompute_all()
    proposal = Proposal.objects.get()
    services.decline(proposal, reason="profile", by=manager)
    engine.recompute_all()
    assert Proposal.objects.get().status == ProposalStatus.DECLINED
    update_profile(candidate, by=candidate.user, phone="+33611111111")
    engine.recompute_all()
    assert Proposal.objects.get().status == ProposalStatus.DECLINED
    update_profile(candidate, by=candidate.user, max_distance_km=40)
    engine.recompute_all()
    assert Proposal.objects.get().status == ProposalStatus.PROPOSED


def test_a_declined_profile_makes_room_for_the_next_one(
    open_structure, lons, settings, django_capture_on_commit_callbacks
):
    from cnfs.accounts.enums import Role

    settings.MATCHING_PROPOSALS_PER_STRUCTURE = 2
    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": open_structure})])
    best = factories.CandidateFactory(commune=lons, former_advisor=True)
    second = factories.CandidateFactory(commune=lons, has_diploma=True)
    third = factories.CandidateFactory(commune=lons, has_experience=True)
    engine.recompute_all()
    proposed = Proposal.objects.filter(structure=open_structure, status=ProposalStatus.PROPOSED)
    assert set(proposed.values_list("candidate", flat=True)) == {best.pk, second.pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(proposed.get(candidate=best), reason="profile", by=manager)
    # The next profile takes the place at once; the declined one stays declined.
    assert set(proposed.values_list("candidate", flat=True)) == {second.pk, third.pk}
    engine.recompute_all()
    assert set(proposed.values_list("candidate", flat=True)) == {second.pk, third.pk}
    assert Proposal.objects.get(candidate=best).status == ProposalStatus.DECLINED


def test_incremental_refresh_follows_a_profile_change(
    open_structure, lons, django_capture_on_commit_callbacks
):
    from cnfs.candidates.services import update_profile

    candidate = factories.CandidateFactory(commune=commune("39198", DOLE), max_distance_km=20)
    engine.refresh_structure(open_structure.pk)
    assert not Proposal.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(candidate, by=None, max_distance_km=100)
    assert Proposal.objects.filter(candidate=candidate, structure=open_structure).exists()
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(candidate, by=None, available=False)
    assert not Proposal.objects.exists()


def test_the_candidate_named_by_the_structure_comes_first(lons):
    named = factories.CandidateFactory(commune=commune("75056", (48.85, 2.35), departement="75"))
    structure = factories.StructureFactory(
        validated=True, commune=lons, identified_candidate=f"{named.first_name} ({named.email})"
    )
    factories.CandidateFactory(commune=lons)
    engine.refresh_structure(structure.pk)
    first = Proposal.objects.filter(structure=structure).order_by("-score").first()
    assert first.candidate == named and first.origin == Origin.NAMED


def test_sync_reports_and_removes_stale_untouched_proposals(open_structure, lons):
    candidate = factories.CandidateFactory(commune=lons)
    assert engine.recompute_all().created == 1
    assert engine.recompute_all().created == 0
    candidate.available = False
    candidate.save()
    assert engine.recompute_all().removed == 1


def test_allowed_pairs_is_vectorised_and_exact():
    rng = np.random.default_rng(1)
    n, m = 2000, 300
    lat_c, lon_c = rng.uniform(43, 50, n), rng.uniform(-1, 7, n)
    lat_s, lon_s = rng.uniform(43, 50, m), rng.uniform(-1, 7, m)
    today = np.datetime64("2021-06-01", "D")
    candidates = engine.CandidateSide(
        ids=np.arange(n),
        xyz=engine.unit_vectors(lat_c, lon_c),
        territory=np.array([""] * n),
        dates=np.full(n, today),
        max_km=rng.choice([5, 20, 40, 100], n).astype(float),
        diploma=np.zeros(n, bool),
        experience=np.zeros(n, bool),
        pix=np.zeros(n, int),
        trained=np.zeros(n, bool),
        zone_version=np.ones(n, int),
    )
    structures = engine.Side(
        ids=np.arange(m),
        xyz=engine.unit_vectors(lat_s, lon_s),
        territory=np.array([""] * m),
        dates=np.full(m, today),
    )
    pairs = engine.allowed_pairs(candidates, structures, today=today.astype(object))
    # Brute force over every pair gives the same set.
    all_km = engine.great_circle_km(
        np.repeat(candidates.xyz, m, axis=0), np.tile(structures.xyz, (n, 1))
    ).reshape(n, m)
    expected = set(zip(*np.nonzero(all_km <= candidates.max_km[:, None]), strict=True))
    assert set(zip(pairs.candidate, pairs.structure, strict=True)) == expected


def test_each_structure_keeps_its_best_ranked_proposals(open_structure, lons, settings):
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = 3
    best = factories.CandidateFactory(commune=lons, former_advisor=True, has_diploma=True)
    for _ in range(5):
        factories.CandidateFactory(commune=lons)
    engine.recompute_all()
    kept = Proposal.objects.filter(structure=open_structure)
    assert kept.count() == 3 and kept.filter(candidate=best).exists()
    # A better candidate arriving later enters the list; a weaker one does not.
    newcomer = factories.CandidateFactory(commune=lons, has_experience=True, pix_level=3)
    engine.refresh_candidate(newcomer.pk)
    weak = factories.CandidateFactory(
        commune=lons, available_from=timezone.localdate() + timedelta(days=5)
    )
    engine.refresh_candidate(weak.pk)
    assert kept.filter(candidate=newcomer).exists()
    assert not kept.filter(candidate=weak).exists()
    # The periodic full recomputation trims the list back to its size.
    engine.recompute_all()
    assert kept.count() == 3


def random_sides(seed: int, n: int, m: int, *, shared_places: bool = False):
    """National-like sides: mainland and Guadeloupe, towns where many people live at the
    same point, every distance choice, dates around today, ids not in index order."""
    rng = np.random.default_rng(seed)
    today = np.datetime64("2021-06-01", "D")
    towns = np.column_stack((rng.uniform(43, 50, 40), rng.uniform(-1, 7, 40)))

    def places(count, overseas):
        town = towns[rng.integers(0, len(towns), count)]
        spread = rng.normal(0, 0.25, (count, 2)) * (rng.random((count, 1)) < 0.6)
        lat = np.where(overseas, rng.uniform(15.9, 16.5, count), town[:, 0] + spread[:, 0])
        lon = np.where(overseas, rng.uniform(-61.8, -61.2, count), town[:, 1] + spread[:, 1])
        return engine.unit_vectors(lat, lon)

    overseas = rng.random(n) < 0.1
    candidates = engine.CandidateSide(
        ids=rng.permutation(n) + 1,
        xyz=places(n, overseas),
        territory=np.where(overseas, "971", ""),
        dates=today + rng.integers(-30, 60, n).astype("timedelta64[D]"),
        max_km=rng.choice([5.0, 10.0, 15.0, 20.0, 40.0, 100.0, 2000.0], n),
        diploma=rng.random(n) < 0.3,
        experience=rng.random(n) < 0.3,
        pix=rng.integers(0, 4, n),
        trained=rng.random(n) < 0.1,
        zone_version=np.ones(n, int),
    )
    s_overseas = rng.random(m) < 0.15
    xyz = places(m, s_overseas)
    dates = today + rng.choice([-10, 0, 0, 0, 15, 40], m).astype("timedelta64[D]")
    if shared_places:  # several structures in one town, some with the same start date
        twin = rng.integers(0, m, m // 3)
        xyz[: len(twin)], s_overseas[: len(twin)] = xyz[twin], s_overseas[twin]
        dates[: len(twin) // 2] = dates[twin[: len(twin) // 2]]
    structures = engine.Side(
        ids=np.arange(m) + 1, xyz=xyz, territory=np.where(s_overseas, "971", ""), dates=dates
    )
    return candidates, structures, today.astype(object)


def best_per_structure(pairs, limit: int, candidate_ids) -> np.ndarray:
    """The reference ranking: sort every pair (structure, best score, lowest id), keep the
    first ``limit`` of each structure."""
    order = np.lexsort((candidate_ids[pairs.candidate], -pairs.score, pairs.structure))
    grouped = pairs.structure[order]
    first = np.searchsorted(grouped, grouped, side="left")
    return order[np.arange(len(order)) - first < limit]


def as_dict(pairs) -> dict:
    return {
        (int(c), int(s)): (km, score)
        for c, s, km, score in zip(
            pairs.candidate, pairs.structure, pairs.km, pairs.score, strict=True
        )
    }


def every_allowed_pair_ranked(candidates, structures, limit, today, taken=()):
    """The reference: every allowed pair but those ``taken``, sorted, the first ``limit``
    of each structure."""
    every = engine.allowed_pairs(candidates, structures, today=today)
    left = np.array(
        [
            (c, s) not in taken
            for c, s in zip(every.candidate.tolist(), every.structure.tolist(), strict=True)
        ],
        dtype=bool,
    )
    every = every.take(left)
    return every, as_dict(every.take(best_per_structure(every, limit, candidates.ids)))


@pytest.mark.parametrize("search", ["k-d trees", "every pair"])
@pytest.mark.parametrize(
    "seed, limit, shared_places", [(1, 1, False), (2, 7, True), (3, 40, False), (4, 150, True)]
)
def test_best_pairs_equal_the_best_of_every_allowed_pair(
    seed, limit, shared_places, search, monkeypatch
):
    """Pruned searches, "partout" ranking and shared places keep exactly what ranking every
    allowed pair keeps: same pairs, same distances, same scores."""
    monkeypatch.setattr(engine, "DENSE_PAIRS", 0 if search == "k-d trees" else 10**9)
    candidates, structures, today = random_sides(seed, 4000, 90, shared_places=shared_places)
    every, expected = every_allowed_pair_ranked(candidates, structures, limit, today)
    best = engine.best_pairs(candidates, structures, limit, today=today)
    got = as_dict(best)
    assert len(got) == len(best.km)  # no pair twice
    assert got == expected
    assert len(every.km) > len(expected)  # lists are cut: the ranking matters


@pytest.mark.parametrize("search", ["k-d trees", "every pair"])
def test_best_pairs_leave_out_the_pairs_structures_acted_on(search, monkeypatch):
    """Declined or shortlisted pairs are not ranked: the next profiles fill the lists, the
    "partout" ones included."""
    monkeypatch.setattr(engine, "DENSE_PAIRS", 0 if search == "k-d trees" else 10**9)
    candidates, structures, today = random_sides(5, 4000, 90, shared_places=True)
    limit = 12
    _, first = every_allowed_pair_ranked(candidates, structures, limit, today)
    rng = np.random.default_rng(5)
    listed = sorted(first)
    taken = {listed[k] for k in rng.choice(len(listed), len(listed) // 3, replace=False)}
    assert any(candidates.max_km[c] >= engine.ANYWHERE_KM for c, _ in taken)
    _, expected = every_allowed_pair_ranked(candidates, structures, limit, today, taken)
    ci, si = (np.array(column) for column in zip(*sorted(taken), strict=True))
    best = engine.best_pairs(candidates, structures, limit, today=today, taken=(ci, si))
    got = as_dict(best)
    assert got == expected and not taken & set(got)
    assert len(got) == len(first)  # every list is as long as before


def test_best_pairs_break_ties_by_lowest_candidate_id():
    """Candidates at one point with one profile tie: the lowest ids are kept, whatever
    the order of the arrays."""
    n = 30
    today = np.datetime64("2021-06-01", "D")
    point = engine.unit_vectors(np.full(n, 46.67), np.full(n, 5.55))
    ids = np.random.default_rng(0).permutation(np.arange(100, 100 + n))
    candidates = engine.CandidateSide(
        ids=ids,
        xyz=point,
        territory=np.array([""] * n),
        dates=np.full(n, today),
        max_km=np.array([20.0, 2000.0] * (n // 2)),
        diploma=np.zeros(n, bool),
        experience=np.zeros(n, bool),
        pix=np.zeros(n, int),
        trained=np.zeros(n, bool),
        zone_version=np.ones(n, int),
    )
    structures = engine.Side(
        ids=np.array([1, 2]),
        territory=np.array(["", ""]),
        dates=np.full(2, today),
        xyz=engine.unit_vectors(np.array([46.67, 46.70]), np.array([5.55, 5.55])),
    )
    best = engine.best_pairs(candidates, structures, 4, today=today.astype(object))
    for s in (0, 1):
        kept = sorted(ids[best.candidate[best.structure == s]].tolist())
        nearest = best.km[best.structure == s]
        assert len(kept) == 4 and np.all(nearest == nearest[0])
        assert kept == sorted(ids.tolist())[:4]


def test_manual_shortlist_is_limited_to_recruiting_structures_and_nearby_candidates(
    open_structure, lons
):
    from django.core.exceptions import ValidationError

    from cnfs.accounts.enums import Role

    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": open_structure})])
    paris = factories.CandidateFactory(commune=commune("75056", (48.85, 2.35), departement="75"))
    with pytest.raises(ValidationError, match="plus de 100 km"):
        services.shortlist_manually(open_structure, paris, by=manager)
    reunion = factories.CandidateFactory(commune=commune("97411", (-20.88, 55.45), "974"))
    with pytest.raises(ValidationError, match="autre territoire"):
        services.shortlist_manually(open_structure, reunion, by=manager)
    full = factories.StructureFactory(
        validated=True, granted_posts=1, occupied_posts=1, commune=lons
    )
    full_manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": full})])
    nearby = factories.CandidateFactory(commune=lons)
    with pytest.raises(ValidationError, match="pas de poste ouvert"):
        services.shortlist_manually(full, nearby, by=full_manager)
    assert services.shortlist_manually(open_structure, nearby, by=manager).status == "shortlisted"
