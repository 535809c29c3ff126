"""When a place frees in a full list, the next-best candidate by the ranking takes it at
once (ties: the lowest candidate number), and the list keeps its length."""

import pytest

from cnfs.accounts.enums import Role
from cnfs.candidates import services as candidates
from cnfs.matching import engine, services
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories

LONS = (46.6744, 5.5547)
PARIS = (48.85, 2.35)


@pytest.fixture
def lons(db):
    return factories.CommuneFactory(
        insee="39300",
        latitude=LONS[0],
        longitude=LONS[1],
        departement=factories.DepartementFactory(code="39"),
    )


@pytest.fixture
def paris(db):
    return factories.CommuneFactory(
        insee="75056",
        latitude=PARIS[0],
        longitude=PARIS[1],
        departement=factories.DepartementFactory(code="75"),
    )


@pytest.fixture
def structure(lons, settings):
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = 3
    return factories.StructureFactory(validated=True, granted_posts=1, commune=lons)


@pytest.fixture
def ranked(structure, lons):
    """Five candidates at the structure's commune, best first."""
    profiles = [
        {"former_advisor": True, "has_diploma": True},
        {"former_advisor": True},
        {"has_diploma": True},
        {"has_experience": True},
        {"pix_level": 1},
    ]
    return [factories.CandidateFactory(commune=lons, **profile) for profile in profiles]


def listed(structure) -> list[int]:
    return list(
        Proposal.objects.filter(structure=structure, status=ProposalStatus.PROPOSED)
        .order_by("-score", "candidate_id")
        .values_list("candidate_id", flat=True)
    )


def stored():
    return set(Proposal.objects.values_list("candidate_id", "structure_id", "status", "score"))


def assert_equal_to_full_recomputation():
    before = stored()
    engine.recompute_all()
    assert stored() == before


def test_a_candidate_leaving_gives_the_place_to_the_next_best(
    structure, ranked, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    assert listed(structure) == [c.pk for c in ranked[:3]]
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(ranked[1], by=None, available=False)
    assert listed(structure) == [ranked[0].pk, ranked[2].pk, ranked[3].pk]
    assert_equal_to_full_recomputation()


def test_a_candidate_moving_away_gives_the_place_to_the_next_best(
    structure, ranked, paris, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(ranked[0], by=None, commune=paris)
    assert listed(structure) == [c.pk for c in ranked[1:4]]
    assert_equal_to_full_recomputation()


def test_a_withdrawal_gives_the_place_to_the_next_best(
    structure, ranked, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        candidates.withdraw(ranked[2], by=None)
    assert listed(structure) == [ranked[0].pk, ranked[1].pk, ranked[3].pk]
    assert_equal_to_full_recomputation()


def test_a_shortlist_gives_the_place_to_the_next_best(
    structure, ranked, django_capture_on_commit_callbacks
):
    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])
    engine.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        services.shortlist(Proposal.objects.get(candidate=ranked[0]), by=manager)
    assert listed(structure) == [c.pk for c in ranked[1:4]]
    assert_equal_to_full_recomputation()


def test_a_tie_with_a_lower_number_enters_a_full_list(
    structure, lons, paris, django_capture_on_commit_callbacks
):
    """The lowest-numbered of equal candidates arrives last: it takes its place from the
    highest-numbered, and the list keeps its length."""
    first = factories.CandidateFactory(commune=paris, max_distance_km=20)
    others = [factories.CandidateFactory(commune=lons) for _ in range(3)]
    engine.recompute_all()
    assert listed(structure) == [c.pk for c in others]
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(first, by=None, commune=lons)
    assert listed(structure) == [first.pk, others[0].pk, others[1].pk]
    assert_equal_to_full_recomputation()


def test_a_weaker_candidate_does_not_enter_a_full_list(
    structure, ranked, paris, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    weak = factories.CandidateFactory(commune=paris)
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(weak, by=None, commune=structure.commune)
    assert listed(structure) == [c.pk for c in ranked[:3]]
    assert_equal_to_full_recomputation()


def test_a_lower_score_in_the_list_lets_the_next_best_overtake(
    structure, ranked, paris, django_capture_on_commit_callbacks
):
    """The candidate stays within reach but scores less: the list is computed again."""
    engine.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(ranked[2], by=None, has_diploma=False)
    assert listed(structure) == [ranked[0].pk, ranked[1].pk, ranked[3].pk]
    assert_equal_to_full_recomputation()
