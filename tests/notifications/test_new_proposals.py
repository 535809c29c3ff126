"""« De nouveaux profils vous sont proposés »: once a day at most, whatever wrote the list."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from cnfs.accounts.enums import Role
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.notifications import services
from cnfs.notifications.kinds import Kind
from tests import factories

DAY = date(2026, 12, 3)


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(validated=True, granted_posts=2, commune__departement=jura)


@pytest.fixture
def manager(employer):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])


def propose(structure, day, status=ProposalStatus.PROPOSED):
    candidate = factories.CandidateFactory(commune=structure.commune)
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=UTC)):
        return Proposal.objects.create(
            candidate=candidate, structure=structure, status=status, distance_km=3, score=50
        )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(day: date):
        mail.outbox.clear()
        with time_machine.travel(day, tick=False), django_capture_on_commit_callbacks(execute=True):
            call_command(
                "send_new_proposals", f"--day={day:%Y-%m-%d}", "--apply", stdout=StringIO()
            )
        return mail.outbox

    return run


def test_the_managers_are_told_once_a_day_with_the_count(employer, manager, run):
    propose(employer, DAY)
    propose(employer, DAY)
    (message,) = run(DAY)
    assert message.to == [manager.email]
    assert "2 nouveaux profils" in message.body
    assert "/recrutement/" in message.body
    assert run(DAY) == []  # the same day: not twice


def test_no_message_without_new_proposals(employer, manager, run):
    propose(employer, DAY - timedelta(days=3))
    run(DAY - timedelta(days=3))
    assert run(DAY) == []
    propose(employer, DAY + timedelta(days=1), status=ProposalStatus.DECLINED)
    assert run(DAY + timedelta(days=1)) == []


def test_the_next_day_brings_a_new_message(employer, manager, run):
    propose(employer, DAY)
    run(DAY)
    propose(employer, DAY + timedelta(days=1))
    (message,) = run(DAY + timedelta(days=1))
    assert "1 nouveau profil " in message.body


def test_it_can_be_switched_off(employer, manager, run):
    services.set_preferences(manager, disabled={Kind.NEW_PROPOSALS})
    propose(employer, DAY)
    assert run(DAY) == []
    assert manager.notifications.filter(kind=Kind.NEW_PROPOSALS).count() == 1  # still listed
