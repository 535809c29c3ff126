"""Where posts lack candidates: the computation, and the page."""

import itertools

import numpy as np
import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.matching import engine, shortage
from cnfs.matching.shortage import Shortage, compute_national_shortage, shortage_by_departement
from tests import factories

LONS = (46.6744, 5.5547)
POLIGNY = (46.8372, 5.7058)  # ~22 km from Lons
BESANCON = (47.2378, 6.0241)  # ~70 km from Lons


def compute(departements, posts, pairs, n_candidates):
    structures, candidates = zip(*pairs, strict=True) if pairs else ((), ())
    return shortage_by_departement(
        structure_departements=departements,
        open_posts=posts,
        pair_structure=np.array(structures, dtype=int),
        pair_candidate=np.array(candidates, dtype=int),
        n_candidates=n_candidates,
    )


class TestComputation:
    def test_one_candidate_reachable_by_two_posts_fills_one(self):
        report = compute(["39", "39"], [1, 1], [(0, 0), (1, 0)], 1)
        assert report.rows == [Shortage("39", open_posts=2, within_reach=1, fillable=1)]
        assert report.rows[0].gap == 1

    def test_a_candidate_within_reach_of_two_departements_fills_one_post(self):
        report = compute(["39", "25"], [1, 1], [(0, 0), (1, 0)], 1)
        assert [r.within_reach for r in report.rows] == [1, 1]
        assert sum(r.fillable for r in report.rows) == report.fillable == 1
        assert (report.open_posts, report.within_reach, report.gap) == (2, 1, 1)

    def test_sorted_by_gap_and_structures_count_each_open_post(self):
        # 39: 3 posts in one structure, 2 candidates; 25: 1 post, 1 candidate; 70: no one.
        report = compute(["39", "25", "70"], [3, 1, 2], [(0, 0), (0, 1), (1, 2)], 3)
        assert [(r.departement, r.open_posts, r.within_reach, r.fillable) for r in report.rows] == [
            ("70", 2, 0, 0),
            ("39", 3, 2, 2),
            ("25", 1, 1, 1),
        ]

    def test_nothing_open(self):
        assert compute([], [], [], 5).rows == []
        assert compute(["39"], [0], [(0, 0)], 1).rows == []

    @pytest.mark.parametrize("seed", range(40))
    def test_matching_size_is_a_maximum_flow(self, seed):
        rng = np.random.default_rng(seed)
        n_structures, n_candidates = rng.integers(1, 4), rng.integers(1, 6)
        posts = rng.integers(0, 3, n_structures)
        pairs = [
            (s, c) for s in range(n_structures) for c in range(n_candidates) if rng.random() < 0.45
        ]
        report = compute(["39"] * n_structures, posts, pairs, n_candidates)
        assert report.fillable == brute_force_maximum(posts, pairs, n_candidates)

    def test_national_scale_fills_every_post_when_candidates_abound(self):
        """50,000 candidates, 3,000 structures, about 100 reachable structures each (its
        speed is measured by `make bench`)."""
        rng = np.random.default_rng(0)
        n_candidates, n_structures, reach = 50_000, 3_000, 100
        pair_candidate = np.repeat(np.arange(n_candidates), reach)
        # Distinct structures per candidate: a random start, then steps of 29.
        first = np.repeat(rng.integers(0, n_structures, n_candidates), reach)
        pair_structure = (first + 29 * np.tile(np.arange(reach), n_candidates)) % n_structures
        departements = np.array([f"{i % 95 + 1:02d}" for i in range(n_structures)])
        report = shortage_by_departement(
            structure_departements=departements,
            open_posts=rng.integers(1, 4, n_structures),
            pair_structure=pair_structure,
            pair_candidate=pair_candidate,
            n_candidates=n_candidates,
        )
        assert report.fillable == report.open_posts  # plenty of candidates everywhere


def brute_force_maximum(posts, pairs, n_candidates) -> int:
    """Try every assignment of each candidate to nothing or one reachable structure."""
    options = [
        [None] + [s for s, c in pairs if c == candidate] for candidate in range(n_candidates)
    ]
    best = 0
    for choice in itertools.product(*options):
        taken = [s for s in choice if s is not None]
        if all(taken.count(s) <= posts[s] for s in set(taken)):
            best = max(best, len(taken))
    return best


def commune(insee, point, departement, name, **kwargs):
    departement = factories.DepartementFactory(code=departement, name=name)
    return factories.CommuneFactory(
        insee=insee, latitude=point[0], longitude=point[1], departement=departement, **kwargs
    )


@pytest.fixture
def territory(db):
    """Jura: 2 structures × 1 post, one candidate within reach of both; Doubs: 1 post, no
    one within reach, but a Guadeloupe candidate who would go anywhere (not counted)."""
    lons = commune("39300", LONS, "39", "Jura")
    poligny = commune("39434", POLIGNY, "39", "Jura")
    besancon = commune("25056", BESANCON, "25", "Doubs")
    pointe = commune("97120", (16.24, -61.53), "971", "Guadeloupe")
    for place in (lons, poligny, besancon):
        factories.StructureFactory(validated=True, granted_posts=1, commune=place)
    factories.StructureFactory(granted_posts=0, commune=lons)  # not validated: no post
    factories.CandidateFactory(commune=lons, max_distance_km=40)
    factories.CandidateFactory(commune=pointe, max_distance_km=2000)
    shortage.refresh(force=True)  # the periodic computation the pages read
    return {"jura": lons.departement, "doubs": besancon.departement}


def test_national_shortage_from_the_database(territory):
    report = compute_national_shortage()
    # Equal gaps: the larger number of open posts first.
    assert report.rows == [
        Shortage("39", open_posts=2, within_reach=1, fillable=1),
        Shortage("25", open_posts=1, within_reach=0, fillable=0),
    ]
    assert (report.open_posts, report.within_reach, report.fillable) == (3, 1, 1)


def test_the_page_for_the_national_team(client, national, territory):
    client.force_login(national)
    response = client.get(reverse("contracts:shortage"))
    assert response.status_code == 200
    rows = [(item["row"].departement, item["name"]) for item in response.context["rows"]]
    assert rows == [("39", "Jura"), ("25", "Doubs")]
    assert "3 postes ouverts, 1 candidat à portée" in response.content.decode()


def test_the_page_for_a_prefecture_shows_its_territory(client, territory):
    prefecture = factories.UserFactory(
        roles=[(Role.PREFECTURE, {"departement": territory["jura"]})]
    )
    client.force_login(prefecture)
    response = client.get(reverse("contracts:shortage"))
    assert [item["row"].departement for item in response.context["rows"]] == ["39"]
    assert "France entière" not in response.content.decode()


def test_structure_managers_are_forbidden(client, owner):
    client.force_login(owner)
    assert client.get(reverse("contracts:shortage")).status_code == 403


def test_csv_export(client, national, territory):
    client.force_login(national)
    response = client.get(reverse("contracts:shortage"), {"format": "csv"})
    lines = response.getvalue().decode().lstrip("\ufeff").strip().split("\r\n")
    assert lines == [
        "Département;Nom;Postes ouverts;Candidats à portée;Postes pourvoyables à la fois;"
        "Postes sans candidat",
        "39;Jura;2;1;1;1",
        "25;Doubs;1;0;0;1",
    ]


def test_queries_stay_constant(client, national, territory, django_assert_max_num_queries):
    client.force_login(national)
    client.get(reverse("contracts:shortage"))
    for n in range(30):
        place = commune(f"70{n:03d}", (47.6 + n / 100, 6.1), "70", "Haute-Saône")
        factories.StructureFactory(validated=True, granted_posts=2, commune=place)
        factories.CandidateFactory(commune=place, max_distance_km=5)
    shortage.refresh(force=True)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("contracts:shortage"))
    assert len(response.context["rows"]) == 3


def test_allowed_pairs_feed_the_computation(territory):
    """The engine's own arrays, passed as they are."""
    candidates, structures = engine.candidate_side(), engine.structure_side()
    pairs = engine.allowed_pairs(candidates, structures)
    assert len(pairs.candidate) == 2  # the Lons candidate, to Lons and to Poligny
