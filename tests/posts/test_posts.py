"""Posts, contracts and money in one model (DOMAIN §3.4–3.6, §4.4)."""

import gzip
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnfs.accounts.enums import Role
from cnfs.committee import services as committee
from cnfs.committee.enums import Decision
from cnfs.common.models import AuditEntry
from cnfs.contracts import services as contracts
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.funding.enums import PostFundingStatus, UnspentOutcome
from cnfs.funding.models import PostFunding
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.posts.enums import PostStatus
from cnfs.posts.models import Post
from cnfs.structures.enums import RequestKind
from cnfs.structures.models import Structure
from cnfs.structures.services import request_amendment
from tests import factories
from tests.committee.helpers import application, on_agenda

TODAY = date(2026, 12, 4)
CDD = {"kind": "cdd", "weekly_hours": 35, "salary_cents": 1_900_00}


def manager_of(structure):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


def granted_structure(national, posts=2, on=TODAY):
    """A structure granted ``posts`` by a closed committee session."""
    session = committee.create_session(session_date=on, by=national)
    item = on_agenda(session, application(posts=posts))
    committee.decide(item, decision=Decision.GRANTED, posts=posts, by=national)
    committee.close_session(session, by=national)
    return Structure.objects.get(pk=item.request.structure_id)


def recruit(structure, national, *, start, end=None, candidate=None, **fields):
    candidate = candidate or factories.CandidateFactory(commune=structure.commune)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )
    terms = {**CDD, **fields}
    contract = contracts.request_recruitment(
        proposal,
        start_date=start,
        end_date=end or start + timedelta(days=730),
        by=manager_of(structure),
        **terms,
    )
    return contracts.validate_recruitment(contract, by=national)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def jura_structure(national, jura):
    return granted_structure(national)


def derived(structure) -> tuple[int, int, int]:
    """The structure's counters computed from scratch from posts and contracts."""
    posts = Post.objects.filter(structure=structure, status=PostStatus.GRANTED)
    held = Contract.objects.filter(
        structure=structure, status__in=["requested", "active", "end_requested"]
    )
    return posts.count(), held.count(), posts.aggregate(s=Sum("amount_cents"))["s"] or 0


def stored(structure) -> tuple[int, int, int]:
    structure.refresh_from_db()
    return (structure.granted_posts, structure.occupied_posts, structure.committed_subsidy_cents)


class TestPostsFromDecisions:
    def test_closing_a_session_creates_the_posts_granted(self, national, jura):
        structure = granted_structure(national, posts=3)
        posts = Post.objects.filter(structure=structure)
        assert posts.count() == 3
        assert {p.amount_cents for p in posts} == {50_000_00}
        assert all(p.granted_by.decision == Decision.GRANTED for p in posts)
        assert stored(structure) == derived(structure) == (3, 0, 150_000_00)

    def test_a_give_back_removes_free_posts_only(self, national, jura_structure):
        recruit(jura_structure, national, start=TODAY)
        owner = manager_of(jura_structure)
        request_amendment(
            jura_structure,
            kind=RequestKind.GIVEBACK,
            posts=1,
            reason="financial_capacity",
            by=owner,
        )
        session = committee.create_session(session_date=TODAY, by=national)
        committee.build_agenda(session, by=national)
        item = session.items.get()
        committee.decide(item, decision=Decision.GRANTED, by=national)
        committee.close_session(session, by=national)
        given_back = Post.objects.get(status=PostStatus.GIVEN_BACK)
        assert given_back.ended_by == item and not given_back.contracts.exists()
        assert stored(jura_structure) == derived(jura_structure) == (1, 1, 50_000_00)


class TestTime:
    def test_a_contract_starting_next_month_is_not_in_post_today(self, national, jura_structure):
        contract = recruit(jura_structure, national, start=TODAY + timedelta(days=30))
        assert contract.status == ContractStatus.ACTIVE
        assert not Contract.objects.in_post().filter(pk=contract.pk).exists()
        assert Contract.objects.in_post(TODAY + timedelta(days=30)).filter(pk=contract.pk).exists()
        # The post is held all the same: no second recruitment on it.
        assert stored(jura_structure)[1] == 1

    def test_a_validated_end_keeps_the_person_in_post_until_that_day(
        self, national, jura_structure
    ):
        contract = recruit(jura_structure, national, start=TODAY - timedelta(days=100))
        contracts.end_contract(
            contract, ended_on=TODAY + timedelta(days=10), reason="resignation", by=national
        )
        assert Contract.objects.in_post().filter(pk=contract.pk).exists()
        assert not Contract.objects.in_post(TODAY + timedelta(days=11)).filter(pk=contract.pk)

    def test_training_stages_follow_their_dates(self, national, jura_structure):
        contract = recruit(jura_structure, national, start=TODAY - timedelta(days=10))
        training = contracts.record_training(
            contract.training,
            start_date=TODAY + timedelta(days=7),
            end_date=TODAY + timedelta(days=60),
            by=national,
        )
        assert training.status == "planned"
        with time_machine.travel(TODAY + timedelta(days=8), tick=False):
            assert training.status == "in_progress"
        training = contracts.record_training(
            training, completed_on=TODAY + timedelta(days=50), by=national
        )
        assert not training.operational  # a completion date in the future
        with time_machine.travel(TODAY + timedelta(days=50), tick=False):
            assert training.operational

    def test_a_session_dated_next_week_cannot_be_closed_today(self, national, jura):
        session = committee.create_session(session_date=TODAY + timedelta(days=7), by=national)
        with pytest.raises(ValidationError, match="avant sa date"):
            committee.close_session(session, by=national)


class TestPeople:
    def test_two_advisors_with_the_same_name_keep_their_own_funding(self, national, jura_structure):
        twins = [
            factories.CandidateFactory(
                commune=jura_structure.commune, first_name="Camille", last_name="Martin"
            )
            for _ in range(2)
        ]
        first = recruit(
            jura_structure, national, start=TODAY - timedelta(days=365), candidate=twins[0]
        )
        second = recruit(
            jura_structure, national, start=TODAY - timedelta(days=30), candidate=twins[1]
        )
        assert first.post != second.post
        contracts.end_contract(second, ended_on=TODAY, reason="resignation", by=national)
        second_funding = PostFunding.objects.get(contract=second)
        assert second_funding.status == PostFundingStatus.ENDED_EARLY
        assert PostFunding.objects.get(contract=first).status == PostFundingStatus.RUNNING

    def test_the_next_contract_on_the_same_post_receives_the_remainder(self, national, jura):
        structure = granted_structure(national, posts=1)
        gone = recruit(structure, national, start=TODAY - timedelta(days=365))
        contracts.end_contract(
            gone, ended_on=TODAY - timedelta(days=1), reason="resignation", by=national
        )
        funding = PostFunding.objects.get(contract=gone)
        assert funding.unspent_outcome == UnspentOutcome.CARRIED
        nxt = recruit(structure, national, start=TODAY + timedelta(days=1))
        assert nxt.post == gone.post
        assert PostFunding.objects.get(contract=nxt).carried_from == funding
        assert PostFunding.objects.get(contract=nxt).amount_cents == funding.unspent_cents

    def test_a_contract_end_is_validated_by_the_national_team_then_the_post_is_refilled(
        self, national, jura
    ):
        structure = granted_structure(national, posts=1)
        contract = recruit(structure, national, start=TODAY - timedelta(days=200))
        owner = manager_of(structure)
        contracts.end_contract(contract, ended_on=TODAY, reason="resignation", by=owner)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.END_REQUESTED
        with pytest.raises(ValidationError, match="Tous les postes"):
            recruit(structure, national, start=TODAY + timedelta(days=1))
        with pytest.raises(Exception, match="équipe nationale"):
            contracts.validate_contract_end(contract, by=owner)
        contracts.validate_contract_end(contract, by=national)
        assert stored(structure) == derived(structure) == (1, 0, 50_000_00)
        with pytest.raises(ValidationError, match="occupé jusqu’au"):
            recruit(structure, national, start=TODAY)
        nxt = recruit(structure, national, start=TODAY + timedelta(days=1))
        assert nxt.post == contract.post

    def test_part_time_needs_a_derogation_from_the_national_team(self, national, jura_structure):
        candidate = factories.CandidateFactory(commune=jura_structure.commune)
        proposal = Proposal.objects.create(
            candidate=candidate,
            structure=jura_structure,
            status=ProposalStatus.SHORTLISTED,
            distance_km=1,
            score=1,
        )
        contract = contracts.request_recruitment(
            proposal,
            kind="cdi",
            start_date=TODAY,
            end_date=None,
            weekly_hours=24,
            salary_cents=1_500_00,
            by=manager_of(jura_structure),
        )
        with pytest.raises(ValidationError) as error:
            contracts.validate_recruitment(contract, by=national)
        assert "temps plein" in error.value.message_dict["derogation"][0]
        contract = contracts.validate_recruitment(
            contract, by=national, derogation="Mutualisé avec un poste France Services."
        )
        assert contract.part_time_derogation.startswith("Mutualisé")

    def test_the_database_refuses_two_holding_contracts_on_one_post(self, national, jura):
        structure = granted_structure(national, posts=1)
        contract = recruit(structure, national, start=TODAY)
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.validated_contract(structure, start=TODAY, post=contract.post)


class TestDuplicates:
    def test_granting_to_a_possible_duplicate_needs_a_reason(self, national, jura):
        first = factories.StructureFactory(commune__departement=jura)
        request = application(posts=1, siret=first.siret, possible_duplicate_of=first)
        session = committee.create_session(session_date=TODAY, by=national)
        item = on_agenda(session, request)
        with pytest.raises(ValidationError) as error:
            committee.decide(item, decision=Decision.GRANTED, posts=1, by=national)
        assert "doublon" in error.value.message_dict["duplicate_reason"][0]
        committee.decide(
            item,
            decision=Decision.GRANTED,
            posts=1,
            by=national,
            duplicate_reason="Deux établissements distincts d’une même association.",
        )
        entry = AuditEntry.objects.get(action="session.decide_duplicate")
        assert "Deux établissements" in entry.summary


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    events=st.lists(
        st.sampled_from(["recruit", "reject", "end", "grant", "give_back"]), min_size=1, max_size=12
    )
)
def test_counters_equal_their_derivation_after_any_sequence(national, jura, events):
    """The structure's counters (kept by the post service) equal their computation from
    posts and contracts after random sequences of decisions and recruitments."""
    structure = granted_structure(national, posts=2)
    pending = []
    for day, event in enumerate(events):
        on = TODAY + timedelta(days=2 * day)
        try:
            if event == "recruit":
                candidate = factories.CandidateFactory(commune=structure.commune)
                proposal = Proposal.objects.create(
                    candidate=candidate,
                    structure=structure,
                    status=ProposalStatus.SHORTLISTED,
                    distance_km=1,
                    score=1,
                )
                pending.append(
                    contracts.request_recruitment(
                        proposal,
                        start_date=on + timedelta(days=1),
                        end_date=on + timedelta(days=700),
                        by=manager_of(structure),
                        **CDD,
                    )
                )
            elif event == "reject" and pending:
                contracts.reject_recruitment(pending.pop(), reason="Non", by=national)
            elif event == "end":
                held = Contract.objects.filter(structure=structure, status="requested").first()
                if held:
                    contract = contracts.validate_recruitment(held, by=national)
                    pending = [c for c in pending if c.pk != held.pk]
                    contracts.end_contract(
                        contract, ended_on=contract.start_date, reason="resignation", by=national
                    )
            elif event in ("grant", "give_back"):
                kind = RequestKind.ADDITION if event == "grant" else RequestKind.GIVEBACK
                Structure.objects.filter(pk=structure.pk).update(status="validated")
                request_amendment(
                    structure,
                    kind=kind,
                    posts=1,
                    reason=("strong_demand" if event == "grant" else "financial_capacity"),
                    by=manager_of(structure),
                )
                with time_machine.travel(on, tick=False):
                    session = committee.create_session(session_date=on, by=national)
                    committee.build_agenda(session, by=national)
                    for item in session.items.all():
                        committee.decide(item, decision=Decision.GRANTED, posts=1, by=national)
                    committee.close_session(session, by=national)
        except ValidationError:
            pass  # a refused step changes nothing
        assert stored(structure) == derived(structure)
    assert not Post.objects.annotate(
        n=Count("contracts", filter=Q(contracts__status__in=["requested", "active"]))
    ).filter(n__gt=1)


DUMP = Path(__file__).parent / "data" / "demo-before-posts.sql.gz"


@pytest.fixture(scope="session")
def migrated_demo(tmp_path_factory):
    """The demo as it stood before the post register (the committed dump of its database,
    without the activity reports and the communes it does not use), migrated to today's
    schema by ``manage.py migrate``: built once per test session."""
    path = tmp_path_factory.mktemp("migration") / "demo.sqlite3"
    connection = sqlite3.connect(path)
    with gzip.open(DUMP, "rt") as dump:
        connection.executescript(dump.read())
    connection.close()
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=root,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}"},
    )
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


def test_the_migration_carries_the_demo_into_the_post_model(migrated_demo):
    db = migrated_demo
    granted = db.execute("SELECT SUM(granted_posts) FROM structures_structure").fetchone()[0]
    posts = db.execute("SELECT COUNT(*) FROM posts_post WHERE status = 'granted'").fetchone()[0]
    assert posts == granted == 31  # Jura 13 + Hautes-Alpes 18
    committed = db.execute(
        "SELECT SUM(committed_subsidy_cents) FROM structures_structure"
    ).fetchone()[0]
    amounts = db.execute("SELECT SUM(amount_cents) FROM posts_post WHERE status = 'granted'")
    assert amounts.fetchone()[0] == committed
    assert db.execute(
        "SELECT COUNT(*) FROM contracts_contract WHERE post_id IS NULL"
    ).fetchone() == (0,)  # noqa: E501
    assert db.execute(
        "SELECT COUNT(*) FROM contracts_contract c JOIN posts_post p ON p.id = c.post_id "
        "WHERE p.structure_id != c.structure_id"
    ).fetchone() == (0,)
    # Each funding belongs to the contract that opened it and to that contract's post.
    rows = db.execute(
        "SELECT f.start_date = c.start_date, f.post_id = c.post_id FROM funding_postfunding f "
        "JOIN contracts_contract c ON c.id = f.contract_id"
    ).fetchall()
    assert len(rows) == 13 and all(a and b for a, b in rows)
