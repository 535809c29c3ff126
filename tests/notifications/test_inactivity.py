"""Reminders of advisors without activity report: 30 days (the advisor), 45 (the
structure), once per stretch of silence."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from cnfs.accounts.enums import Role
from cnfs.activity.inactivity import silent_contracts
from cnfs.activity.models import Report
from cnfs.common.models import AuditEntry
from tests import factories

START = date(2024, 1, 1)


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(validated=True, granted_posts=1, commune__departement=jura)


@pytest.fixture
def manager(employer):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])


@pytest.fixture
def advisor(employer):
    user = factories.UserFactory(email="conseiller@exemple.fr")
    candidate = factories.CandidateFactory(commune=employer.commune, user=user, in_post=True)
    factories.validated_contract(employer, start=START, candidate=candidate)
    return user


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command on ``day``; return who was e-mailed (after commit)."""

    def run(day: date, *, apply=True):
        return _run(day, apply, django_capture_on_commit_callbacks)

    return run


def _run(day, apply, capture):
    mail.outbox.clear()
    with time_machine.travel(day, tick=False), capture(execute=True):
        args = ["send_inactivity_reminders", f"--day={day:%Y-%m-%d}"]
        call_command(*args, *(["--apply"] if apply else []), stdout=StringIO())
    return sorted(m.to[0] for m in mail.outbox)


def test_nothing_before_30_days(advisor, manager, run):
    assert run(START + timedelta(days=29)) == []


def test_the_advisor_at_30_days_then_the_structure_at_45_once_each(advisor, manager, run):
    assert run(START + timedelta(days=30)) == [advisor.email]
    assert run(START + timedelta(days=31)) == []  # the same stretch: not twice
    assert run(START + timedelta(days=45)) == [manager.email]
    assert run(START + timedelta(days=46)) == []
    entry = AuditEntry.objects.filter(action="notifications.inactivity_reminders").order_by("pk")[0]
    assert "Conseillers relancés : 1" in entry.summary
    assert advisor.email not in entry.summary


def test_a_new_report_starts_a_new_stretch(advisor, employer, manager, run):
    assert run(START + timedelta(days=30)) == [advisor.email]
    Report.objects.create(
        advisor=advisor,
        structure=employer,
        departement_id=employer.departement_id,
        date=START + timedelta(days=35),
        kind="individual",
        channel="remote",
        duration="30",
    )
    assert run(START + timedelta(days=45)) == []  # reported 10 days ago
    assert run(START + timedelta(days=66)) == [advisor.email]  # 31 days later


def test_dry_run_sends_nothing(advisor, run):
    assert run(START + timedelta(days=30), apply=False) == []
    assert run(START + timedelta(days=30)) == [advisor.email]


def test_the_statistics_list_uses_the_same_definition(advisor):
    day = START + timedelta(days=30)
    assert list(silent_contracts(30, day).values_list("candidate__user", flat=True)) == [advisor.pk]
    assert not silent_contracts(30, day - timedelta(days=1)).exists()
