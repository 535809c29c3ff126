"""Each structure's list length is stored (``ListLength``) so that a candidate's update reads
one number per list instead of counting every list of its territory: the stored lengths
must equal a count from scratch after any sequence of events."""

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from cnfs.accounts.enums import Role
from cnfs.candidates import services as candidates
from cnfs.matching import engine, services
from cnfs.matching.enums import DeclineReason, Origin, ProposalStatus
from cnfs.matching.models import ListLength, Proposal
from tests import factories
from tests.matching import test_exactness
from tests.matching.test_exactness import LIMIT, PROFILE, brute_force, stored_lists

LONS = (46.6744, 5.5547)


def counted_from_scratch() -> dict:
    counts = {}
    for structure_id in Proposal.objects.filter(
        status=ProposalStatus.PROPOSED, origin=Origin.ENGINE
    ).values_list("structure_id", flat=True):
        counts[structure_id] = counts.get(structure_id, 0) + 1
    return counts


def stored_lengths() -> dict:
    return dict(ListLength.objects.exclude(length=0).values_list("structure_id", "length"))


@pytest.fixture
def lons(db):
    return factories.CommuneFactory(
        insee="39300",
        latitude=LONS[0],
        longitude=LONS[1],
        departement=factories.DepartementFactory(code="39"),
    )


@pytest.fixture
def structure(lons, settings):
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = 3
    return factories.StructureFactory(validated=True, granted_posts=1, commune=lons)


@pytest.fixture
def manager(structure):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


@pytest.fixture
def five(structure, lons):
    """Five candidates at the structure's commune: its list of three is full."""
    profiles = [
        {"former_advisor": True, "has_diploma": True},
        {"former_advisor": True},
        {"has_diploma": True},
        {"has_experience": True},
        {"pix_level": 1},
    ]
    return [factories.CandidateFactory(commune=lons, **profile) for profile in profiles]


def test_a_full_recomputation_stores_each_list_length(structure, five):
    ListLength.objects.create(structure=structure, length=42)  # drifted
    engine.recompute_all()
    assert stored_lengths() == {structure.pk: 3} == counted_from_scratch()


def test_a_shortlisted_profile_leaves_the_stored_length_at_once(structure, five, manager):
    engine.recompute_all()
    proposal = Proposal.objects.filter(structure=structure).order_by("-score").first()
    services.shortlist(proposal, by=manager)  # the refill waits for the commit
    assert stored_lengths() == {structure.pk: 2} == counted_from_scratch()


def test_the_refill_after_a_decline_counts_the_list_again(
    structure, five, manager, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    proposal = Proposal.objects.filter(structure=structure).order_by("-score").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(proposal, reason=DeclineReason.values[0], by=manager)
    assert stored_lengths() == {structure.pk: 3} == counted_from_scratch()


def test_a_candidate_entering_a_full_list_keeps_its_stored_length(
    structure, five, lons, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    best = factories.CandidateFactory(
        commune=lons, former_advisor=True, has_diploma=True, has_experience=True, available=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(best, by=None, available=True)
    assert Proposal.objects.filter(candidate=best, status=ProposalStatus.PROPOSED).exists()
    assert stored_lengths() == {structure.pk: 3} == counted_from_scratch()


def test_a_candidate_leaving_a_list_it_was_in_keeps_the_count(
    structure, five, django_capture_on_commit_callbacks
):
    engine.recompute_all()
    listed = Proposal.objects.filter(structure=structure).order_by("-score").first().candidate
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(listed, by=None, available=False)
    assert stored_lengths() == {structure.pk: 3} == counted_from_scratch()


def test_a_stored_length_cannot_be_negative(structure):
    with pytest.raises(IntegrityError), transaction.atomic():
        ListLength.objects.create(structure=structure, length=-1)


class CountedLists(test_exactness.Matching):
    """The exactness machine's events, with no full recomputation between them (it would
    count the lists again): after each, the stored lengths equal a count from scratch and
    the lists, kept with them, equal the reference."""

    def stored_proposals_are_exact(self):  # not an invariant here: it counts again
        raise AssertionError("replaced by lengths_and_lists_are_exact")

    @invariant()
    def lengths_and_lists_are_exact(self):
        assert stored_lengths() == counted_from_scratch(), "a stored length drifted"
        assert stored_lists() == brute_force(self.today()), "the brute-force reference differs"


@pytest.mark.skipif(
    PROFILE == "ci" and connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://…): the CI profile runs there",
)
def test_stored_lengths_equal_a_count_from_scratch_after_any_events(db, settings):
    settings.MATCHING_PROPOSALS_PER_STRUCTURE = LIMIT
    run_state_machine_as_test(CountedLists, settings=hypothesis_settings.get_profile(PROFILE))
