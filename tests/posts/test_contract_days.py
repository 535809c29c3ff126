"""The daily command: what dates set off, once (dry run unless told)."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cnfs.contracts import services as contracts
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.structures.models import Structure
from tests import factories
from tests.posts.test_posts import granted_structure, recruit

TODAY = date(2026, 12, 4)


def run(*args, day):
    out = StringIO()
    call_command("contract_days", *args, f"--day={day.isoformat()}", stdout=out)
    return out.getvalue()


@pytest.fixture
def at_term(national, jura):
    """A one-year CDD whose last day is today, its advisor working at a place."""
    with time_machine.travel(TODAY, tick=False):
        structure = granted_structure(national, posts=1, on=TODAY - timedelta(days=400))
        user = factories.UserFactory()
        candidate = factories.CandidateFactory(commune=structure.commune, user=user)
        contract = recruit(
            structure,
            national,
            start=TODAY - timedelta(days=364),
            end=TODAY,
            candidate=candidate,
        )
        place = Place.objects.create(
            name="Médiathèque",
            address="1 rue",
            commune=structure.commune,
            latitude=46.6,
            longitude=5.5,
            access="walk_in",
        )
        PlaceAdvisor.objects.create(place=place, advisor=user, main=True)
    return contract


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(at_term):
    output = run(day=TODAY + timedelta(days=1))
    assert "contrats arrivés à terme sans renouvellement : 1" in output
    assert "simulation" in output
    assert Contract.objects.get(pk=at_term.pk).status == ContractStatus.ACTIVE


def test_the_day_after_the_term_the_post_is_free_and_the_person_leaves_the_places(at_term):
    tomorrow = TODAY + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        run("--apply", day=tomorrow)
        contract = Contract.objects.get(pk=at_term.pk)
        assert (contract.status, contract.ended_on) == (ContractStatus.ENDED, TODAY)
        assert Structure.objects.get(pk=contract.structure_id).occupied_posts == 0
        assert not PlaceAdvisor.objects.filter(advisor=contract.candidate.user).exists()
        # Idempotent: the same day again does nothing.
        assert "Rien à faire" in run("--apply", day=tomorrow)


def test_missed_days_are_caught_up_once(at_term):
    with time_machine.travel(TODAY - timedelta(days=3), tick=False):
        run("--apply", day=TODAY - timedelta(days=3))
    later = TODAY + timedelta(days=5)
    with time_machine.travel(later, tick=False):
        output = run("--apply", day=later)
    assert "contrats arrivés à terme sans renouvellement : 1" in output
    assert Contract.objects.get(pk=at_term.pk).status == ContractStatus.ENDED
    with time_machine.travel(later + timedelta(days=1), tick=False):
        assert ": 1" not in run("--apply", day=later + timedelta(days=1))


def test_a_validated_end_lets_the_person_leave_the_day_after(at_term, national):
    with time_machine.travel(TODAY - timedelta(days=10), tick=False):
        contracts.end_contract(
            at_term, ended_on=TODAY - timedelta(days=5), reason="resignation", by=national
        )
        assert PlaceAdvisor.objects.filter(advisor=at_term.candidate.user).exists()
    day = TODAY - timedelta(days=4)
    with time_machine.travel(day, tick=False):
        output = run("--apply", day=day)
    assert "départs après une fin de contrat validée : 1" in output
    assert not PlaceAdvisor.objects.filter(advisor=at_term.candidate.user).exists()
