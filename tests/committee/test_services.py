import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.committee import services
from cnfs.committee.enums import Decision
from cnfs.committee.models import AgendaItem
from cnfs.funding.models import ProgrammeBudget
from cnfs.posts.services import grant
from cnfs.structures.enums import Opinion, RequestKind, RequestStatus, StructureStatus
from cnfs.structures.models import STRUCTURE_WORKFLOW, PostRequest
from tests import factories
from tests.conftest import postgres_only


@pytest.fixture
def session(national):
    return services.create_session(session_date=timezone.localdate(), by=national)


def application(posts=1, opinion=Opinion.FAVOURABLE, **structure):
    s = factories.StructureFactory(posts_requested=posts, **structure)
    return factories.PostRequestFactory(structure=s, opinion=opinion)


def on_agenda(session, request):
    return factories.AgendaItemFactory(session=session, request=request)


def set_cap(posts=None, euros=None):
    budget = ProgrammeBudget.objects.get()
    if posts is not None:
        budget.posts_cap = posts
    if euros is not None:
        budget.envelope_cents = euros * 100
    budget.save()


class TestAgenda:
    def test_ready_requests(self, session, national, settings):
        with_opinion = application()
        young_without = application(opinion="")
        old_without = application(opinion="")
        PostRequest.objects.filter(pk=old_without.pk).update(
            created_at=timezone.now() - timedelta(days=settings.COMMITTEE_OPINION_DELAY_DAYS + 1)
        )
        unconfirmed = application(email_confirmed_at=None)
        assert services.build_agenda(session, by=national) == 2
        on = set(session.items.values_list("request", flat=True))
        assert on == {with_opinion.pk, old_without.pk}
        assert young_without.pk not in on and unconfirmed.pk not in on
        # Already on an open session's agenda: not added twice.
        assert services.build_agenda(session, by=national) == 0

    def test_only_the_national_team_runs_sessions(self, owner, session):
        with pytest.raises(PermissionDenied):
            services.build_agenda(session, by=owner)


class TestDecisions:
    def test_grant_is_applied_when_the_session_closes(
        self, session, national, django_capture_on_commit_callbacks
    ):
        prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"departement_id": "39"})])
        item = on_agenda(session, application(posts=3))
        services.decide(item, decision=Decision.GRANTED, posts=2, by=national)
        structure = item.request.structure
        structure.refresh_from_db()
        assert structure.granted_posts == 0  # recorded, not yet applied
        with django_capture_on_commit_callbacks(execute=True):
            assert services.close_session(session, by=national) == 1
        structure.refresh_from_db()
        assert structure.status == StructureStatus.VALIDATED
        assert structure.granted_posts == 2
        assert structure.committed_subsidy_cents == 2 * 50_000_00
        log = list(STRUCTURE_WORKFLOW.log_of(structure))
        assert [(entry.from_state, entry.to_state) for entry in log] == [("submitted", "validated")]
        assert str(session) in log[0].reason
        recipients = {m.to[0] for m in mail.outbox}
        assert structure.contact_email in recipients and prefect.email in recipients

    def test_refusal_and_complementary_review(self, session, national):
        refused = on_agenda(session, application())
        review = on_agenda(session, application())
        services.decide(refused, decision=Decision.REFUSED, by=national)
        services.decide(review, decision=Decision.COMPLEMENTARY_REVIEW, by=national)
        services.close_session(session, by=national)
        refused.request.structure.refresh_from_db()
        review.request.structure.refresh_from_db()
        review.request.refresh_from_db()
        assert refused.request.structure.status == StructureStatus.REFUSED
        assert review.request.structure.status == StructureStatus.COMPLEMENTARY_REVIEW
        assert review.request.status == RequestStatus.OPEN
        nxt = services.create_session(session_date=timezone.localdate(), by=national)
        assert services.build_agenda(nxt, by=national) == 1

    def test_a_grant_needs_posts(self, session, national):
        item = on_agenda(session, application())
        with pytest.raises(ValidationError) as error:
            services.decide(item, decision=Decision.GRANTED, posts=0, by=national)
        assert "au moins 1 poste" in str(error.value)

    def test_a_closed_session_is_final(self, session, national):
        item = on_agenda(session, application())
        services.close_session(session, by=national)
        with pytest.raises(ValidationError, match="clôturée"):
            services.decide(item, decision=Decision.REFUSED, by=national)
        with pytest.raises(ValidationError, match="déjà clôturée"):
            services.close_session(session, by=national)

    def test_deciding_the_same_again_changes_nothing(self, session, national):
        item = on_agenda(session, application())
        first = services.decide(item, decision=Decision.GRANTED, posts=1, by=national)
        again = services.decide(item, decision=Decision.GRANTED, posts=1, by=national)
        assert again.decided_at == first.decided_at


class TestNationalLimits:
    def test_the_cap_refuses_with_a_clear_message(self, session, national):
        set_cap(posts=3)
        factories.StructureFactory(validated=True, granted_posts=2)
        item = on_agenda(session, application(posts=2))
        with pytest.raises(ValidationError) as error:
            services.decide(item, decision=Decision.GRANTED, posts=2, by=national)
        assert "au-delà du plafond de 3" in str(error.value)
        assert "il reste 1 poste(s)" in str(error.value)
        item.refresh_from_db()
        assert item.decision == ""

    def test_decisions_of_open_sessions_are_reserved(self, session, national):
        set_cap(posts=3)
        services.decide(
            on_agenda(session, application(posts=2)),
            decision=Decision.GRANTED,
            posts=2,
            by=national,
        )
        other = services.create_session(session_date=timezone.localdate(), by=national)
        with pytest.raises(ValidationError, match="plafond"):
            services.decide(
                on_agenda(other, application(posts=2)),
                decision=Decision.GRANTED,
                posts=2,
                by=national,
            )

    def test_the_envelope_refuses_with_a_clear_message(self, session, national):
        set_cap(euros=120_000)
        item = on_agenda(session, application(posts=3))
        with pytest.raises(ValidationError) as error:
            services.decide(item, decision=Decision.GRANTED, posts=3, by=national)
        assert "au-delà de l’enveloppe" in str(error.value)
        services.decide(item, decision=Decision.GRANTED, posts=2, by=national)

    def test_rates_depend_on_employer_and_territory(self, session, national):
        reunion = factories.CommuneFactory(
            insee="97411",
            departement=factories.DepartementFactory(
                code="974",
                name="La Réunion",
                region=factories.RegionFactory(code="04", name="La Réunion"),
            ),
        )
        public = on_agenda(session, application(commune=reunion))
        private = on_agenda(session, application(legal_type="association"))
        for item in (public, private):
            services.decide(item, decision=Decision.GRANTED, posts=1, by=national)
        services.close_session(session, by=national)
        public.request.structure.refresh_from_db()
        private.request.structure.refresh_from_db()
        assert public.request.structure.committed_subsidy_cents == 67_500_00
        assert private.request.structure.committed_subsidy_cents == 32_000_00


class TestAmendments:
    def test_addition_then_giveback_to_zero_abandons(self, session, national, structure, owner):
        from cnfs.structures.services import request_amendment

        STRUCTURE_WORKFLOW.apply(structure, "validate", by=national)
        grant(structure, count=1, amount_cents=50_000_00, on=timezone.localdate())
        owner.active_role = None
        addition = request_amendment(
            structure, kind=RequestKind.ADDITION, posts=2, reason="strong_demand", by=owner
        )
        services.decide(
            on_agenda(session, addition), decision=Decision.GRANTED, posts=2, by=national
        )
        services.close_session(session, by=national)
        structure.refresh_from_db()
        assert (structure.granted_posts, structure.committed_subsidy_cents) == (3, 150_000_00)
        giveback = request_amendment(
            structure, kind=RequestKind.GIVEBACK, posts=3, reason="end_of_funding", by=owner
        )
        nxt = services.create_session(session_date=timezone.localdate(), by=national)
        services.decide(on_agenda(nxt, giveback), decision=Decision.GRANTED, by=national)
        services.close_session(nxt, by=national)
        structure.refresh_from_db()
        assert (structure.granted_posts, structure.committed_subsidy_cents) == (0, 0)
        assert structure.status == StructureStatus.ABANDONED

    def test_cannot_give_back_below_occupied_posts(self, national, structure, owner):
        from cnfs.structures.services import request_amendment

        STRUCTURE_WORKFLOW.apply(structure, "validate", by=national)
        structure.granted_posts, structure.occupied_posts = 2, 1
        structure.save()
        owner.active_role = None
        with pytest.raises(ValidationError, match="au plus que 1 poste"):
            request_amendment(
                structure, kind=RequestKind.GIVEBACK, posts=2, reason="end_of_funding", by=owner
            )

    def test_one_open_request_at_a_time(self, national, structure, owner):
        from cnfs.structures.services import request_amendment

        STRUCTURE_WORKFLOW.apply(structure, "validate", by=national)
        owner.active_role = None
        request_amendment(
            structure, kind=RequestKind.ADDITION, posts=1, reason="strong_demand", by=owner
        )
        with pytest.raises(ValidationError, match="déjà en cours"):
            request_amendment(
                structure, kind=RequestKind.ADDITION, posts=1, reason="strong_demand", by=owner
            )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sessions_deciding_at_the_same_moment_never_pass_the_cap(national):
    """Each decision fits alone; together they would pass the cap: one must be refused."""
    factories.DepartementFactory(code="39")
    set_cap(posts=3)
    first = services.create_session(session_date=timezone.localdate(), by=national)
    second = services.create_session(session_date=timezone.localdate(), by=national)
    items = [on_agenda(first, application(posts=2)), on_agenda(second, application(posts=2))]
    started = threading.Barrier(2)
    outcomes = {}

    def run(index):
        try:
            with transaction.atomic():
                if index == 1:
                    started.wait()
                services.decide(items[index], decision=Decision.GRANTED, posts=2, by=national)
                if index == 0:
                    started.wait()
                    time.sleep(0.5)  # hold the transaction while the other decides
            outcomes[index] = "granted"
        except ValidationError as error:
            outcomes[index] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes[0] == "granted"
    assert "plafond" in outcomes[1]
    assert AgendaItem.objects.filter(decision=Decision.GRANTED).count() == 1
