"""The national cap holds whatever the concurrency and whatever the budget rows' dates."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from cnfs.committee import services
from cnfs.committee.enums import Decision
from cnfs.committee.models import AgendaItem
from cnfs.funding.models import ProgrammeBudget
from cnfs.structures.models import Structure
from tests import factories
from tests.committee.helpers import application, on_agenda
from tests.conftest import postgres_only

DECISIONS = 21


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_in_sessions_either_side_of_a_budget_row_keep_the_cap(national):
    """Two budget rows in force (one dated between the two sessions): every decision is
    serialised by the same lock and checked against the limits in force today."""
    factories.DepartementFactory(code="39")
    today = timezone.localdate()
    first = ProgrammeBudget.objects.get()
    ProgrammeBudget.objects.create(
        effective_from=today - timedelta(days=10),
        posts_cap=first.posts_cap,
        envelope_cents=first.envelope_cents,
        label="Budget révisé",
    )
    ProgrammeBudget.objects.update(posts_cap=3)
    early = services.create_session(session_date=today - timedelta(days=20), by=national)
    late = services.create_session(session_date=today, by=national)
    items = [
        on_agenda(early if index % 2 else late, application(posts=1)) for index in range(DECISIONS)
    ]
    barrier = threading.Barrier(DECISIONS)
    outcomes = []

    def run(item):
        try:
            barrier.wait()
            services.decide(item, decision=Decision.GRANTED, posts=1, by=national)
            outcomes.append("granted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("granted") == 3
    assert AgendaItem.objects.filter(decision=Decision.GRANTED).count() == 3
    for session in (early, late):
        services.close_session(session, by=national)
    assert Structure.objects.aggregate(n=Sum("granted_posts"))["n"] == 3


@pytest.mark.django_db
def test_a_decision_is_checked_against_the_limits_in_force_on_the_day_it_is_taken(national):
    """A session dated before a lower cap came into force is held to today's cap."""
    factories.DepartementFactory(code="39")
    today = timezone.localdate()
    first = ProgrammeBudget.objects.get()
    ProgrammeBudget.objects.create(
        effective_from=today - timedelta(days=5), posts_cap=1, envelope_cents=first.envelope_cents
    )
    session = services.create_session(session_date=today - timedelta(days=30), by=national)
    item = on_agenda(session, application(posts=2))
    with pytest.raises(ValidationError, match="plafond de 1"):
        services.decide(item, decision=Decision.GRANTED, posts=2, by=national)


@pytest.mark.django_db
def test_closing_checks_the_limits_again(national):
    """A cap lowered after the decisions were taken: the session does not close over it."""
    factories.DepartementFactory(code="39")
    session = services.create_session(session_date=timezone.localdate(), by=national)
    item = on_agenda(session, application(posts=2))
    services.decide(item, decision=Decision.GRANTED, posts=2, by=national)
    ProgrammeBudget.objects.update(posts_cap=1)
    with pytest.raises(ValidationError, match="plafond"):
        services.close_session(session, by=national)
    session.refresh_from_db()
    assert session.is_open
    assert Structure.objects.aggregate(n=Sum("granted_posts"))["n"] == 0


@pytest.mark.django_db
def test_a_session_closes_on_or_after_its_date(national):
    factories.DepartementFactory(code="39")
    session = services.create_session(
        session_date=timezone.localdate() + timedelta(days=7), by=national
    )
    with pytest.raises(ValidationError, match="avant sa date"):
        services.close_session(session, by=national)
