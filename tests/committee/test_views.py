import csv
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.committee import services
from cnfs.committee.enums import Decision, SessionStatus
from cnfs.committee.models import AgendaItem, Session
from cnfs.posts.enums import PostKind
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import PostRequest
from tests import factories
from tests.committee.helpers import application, on_agenda, set_cap


@pytest.fixture
def session(national):
    return services.create_session(session_date=date(2021, 3, 24), by=national)


@pytest.fixture
def prefecture(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def team(client, national):
    client.force_login(national)
    return client


def decide_url(item):
    return reverse("committee:decide", args=[item.pk])


def session_url(session):
    return reverse("committee:session", args=[session.number])


def page_names(session, item):
    n = session.number
    return [
        ("get", reverse("committee:sessions")),
        ("get", reverse("committee:session", args=[n])),
        ("post", reverse("committee:build_agenda", args=[n])),
        ("get", reverse("committee:close", args=[n])),
        ("get", reverse("committee:minutes_csv", args=[n])),
        ("get", reverse("committee:minutes", args=[n])),
        ("get", reverse("committee:import", args=[n])),
        ("post", decide_url(item)),
    ]


class TestAccess:
    def test_the_national_team_sees_the_sessions(self, team, session):
        page = team.get(reverse("committee:sessions"))
        assert page.status_code == 200
        assert "COSELEC 1" in page.content.decode()

    def test_a_prefecture_is_forbidden_every_page(self, client, prefecture, session):
        item = on_agenda(session)
        client.force_login(prefecture)
        for method, url in page_names(session, item):
            response = getattr(client, method)(url, {"decision": Decision.REFUSED})
            assert response.status_code == 403, url
        assert AgendaItem.objects.get(pk=item.pk).decision == ""

    def test_a_structure_manager_is_forbidden(self, client, owner, session):
        client.force_login(owner)
        assert client.get(session_url(session)).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, session):
        item = on_agenda(session)
        for method, url in page_names(session, item):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url


class TestSessions:
    def test_create_a_session_with_the_next_number(self, team, session):
        page = team.get(reverse("committee:sessions")).content.decode()
        assert 'value="2"' in page  # the next number, prefilled
        response = team.post(reverse("committee:sessions"), {"session_date": "2021-04-21"})
        created = Session.objects.get(number=2)
        assert response.status_code == 302
        assert response["Location"] == session_url(created)
        assert created.date == date(2021, 4, 21)
        assert created.status == SessionStatus.OPEN

    def test_a_number_already_taken_is_a_french_error(self, team, session):
        response = team.post(
            reverse("committee:sessions"), {"session_date": "2021-04-21", "number": 1}
        )
        assert response.status_code == 200
        assert "La session COSELEC 1 existe déjà." in response.content.decode()
        assert Session.objects.count() == 1

    def test_the_list_counts_items_decisions_and_posts(self, team, session, national):
        item = on_agenda(session, posts=3)
        on_agenda(session)
        services.decide(item, decision=Decision.GRANTED, posts=3, by=national)
        page = team.get(reverse("committee:sessions")).content.decode()
        row = page.split("COSELEC 1</a>")[1].split("</tr>")[0]
        cells = [c.split("</td>")[0].strip() for c in row.split("<td>")[1:]]
        assert cells[-3:] == ["2", "1", "3"]


class TestAgenda:
    def test_build_agenda_takes_the_ready_requests(self, team, session, settings):
        with_opinion = application()
        young_without = application(opinion="")
        old_without = application(opinion="")
        PostRequest.objects.filter(pk=old_without.pk).update(
            created_at=timezone.now() - timedelta(days=settings.COMMITTEE_OPINION_DELAY_DAYS + 1)
        )
        response = team.post(reverse("committee:build_agenda", args=[session.number]))
        assert response.status_code == 302
        on = set(session.items.values_list("request", flat=True))
        assert on == {with_opinion.pk, old_without.pk}
        assert young_without.pk not in on
        page = team.get(session_url(session)).content.decode()
        assert "2 demande(s) ajoutée(s)" in page
        assert with_opinion.structure.name in page
        assert young_without.structure.name not in page

    def test_the_session_page_shows_each_item_with_its_opinion(self, team, session):
        request = application(posts=3, suggested=2)
        PostRequest.objects.filter(pk=request.pk).update(opinion_comment="Territoire prioritaire")
        item = on_agenda(session, request)
        page = team.get(session_url(session)).content.decode()
        assert f'id="item-{item.pk}"' in page
        assert reverse("structures:detail", args=[request.structure.pk]) in page
        assert "Favorable" in page and "2 poste(s) suggéré(s)" in page
        assert "Territoire prioritaire" in page
        # The posts field is prefilled with the suggested number.
        assert f'id="posts-{item.pk}" name="posts" value="2"' in page
        assert f'hx-post="{decide_url(item)}"' in page

    def test_filters_by_departement_and_undecided(self, team, session, national):
        doubs = factories.DepartementFactory(code="25", name="Doubs")
        in_jura = on_agenda(session)
        in_doubs = on_agenda(session, commune__departement=doubs)
        decided = on_agenda(session)
        services.decide(decided, decision=Decision.REFUSED, by=national)
        page = team.get(session_url(session), {"departement": "25"}).content.decode()
        assert f'id="item-{in_doubs.pk}"' in page
        assert f'id="item-{in_jura.pk}"' not in page
        page = team.get(session_url(session), {"undecided": "on"}).content.decode()
        assert f'id="item-{in_jura.pk}"' in page and f'id="item-{in_doubs.pk}"' in page
        assert f'id="item-{decided.pk}"' not in page

    def test_session_page_queries_do_not_grow_with_the_items(self, team, session):
        on_agenda(session)
        with CaptureQueriesContext(connection) as few:
            assert team.get(session_url(session)).status_code == 200
        doubs = factories.DepartementFactory(code="25", name="Doubs")
        for i in range(29):
            on_agenda(session, suggested=2, **({"commune__departement": doubs} if i % 2 else {}))
        with CaptureQueriesContext(connection) as many:
            page = team.get(session_url(session))
        assert page.content.decode().count('<tr id="item-') == 30
        assert len(many) == len(few)


class TestDecide:
    def test_htmx_decision_saves_and_re_renders_the_row(self, team, session):
        item = on_agenda(session, posts=3)
        response = team.post(
            decide_url(item),
            {"decision": Decision.GRANTED, "posts": "2", "priority": "on", "observation": "Rural"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.strip().startswith(f'<tr id="item-{item.pk}">')
        assert "Enregistré." in html
        assert 'hx-swap-oob="true"' in html  # the summary follows
        item.refresh_from_db()
        assert (item.decision, item.posts, item.priority, item.observation) == (
            Decision.GRANTED,
            2,
            True,
            "Rural",
        )
        assert item.request.structure.granted_posts == 0  # applied only at closing

    def test_deciding_the_same_again_changes_nothing(self, team, session, national):
        item = on_agenda(session)
        services.decide(item, decision=Decision.REFUSED, by=national)
        decided_at = AgendaItem.objects.get(pk=item.pk).decided_at
        response = team.post(
            decide_url(item), {"decision": Decision.REFUSED}, headers={"HX-Request": "true"}
        )
        assert "Aucun changement." in response.content.decode()
        assert AgendaItem.objects.get(pk=item.pk).decided_at == decided_at

    def test_without_javascript_the_post_redirects_back(self, team, session):
        item = on_agenda(session)
        response = team.post(decide_url(item), {"decision": Decision.COMPLEMENTARY_REVIEW})
        assert response.status_code == 302
        assert response["Location"] == session_url(session) + f"#item-{item.pk}"
        assert AgendaItem.objects.get(pk=item.pk).decision == Decision.COMPLEMENTARY_REVIEW
        page = team.get(response["Location"]).content.decode()
        assert "décision enregistrée" in page

    def test_a_decision_beyond_the_cap_is_refused_in_french(self, team, session):
        set_cap(2)
        item = on_agenda(session, posts=3)
        response = team.post(
            decide_url(item),
            {"decision": Decision.GRANTED, "posts": "3"},
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        assert "au-delà du plafond de 2" in html
        assert "Erreur :" in html
        assert 'value="3"' in html  # what was typed stays in the row
        item.refresh_from_db()
        assert item.decision == "" and item.posts is None

    def test_a_grant_without_posts_is_refused(self, team, session):
        item = on_agenda(session)
        response = team.post(
            decide_url(item), {"decision": Decision.GRANTED, "posts": ""}, follow=True
        )
        assert "Indiquez au moins 1 poste accordé." in response.content.decode()
        assert AgendaItem.objects.get(pk=item.pk).decision == ""

    def test_an_unknown_decision_is_refused(self, team, session):
        item = on_agenda(session)
        response = team.post(
            decide_url(item), {"decision": "peut-etre"}, headers={"HX-Request": "true"}
        )
        assert "Erreur :" in response.content.decode()
        assert AgendaItem.objects.get(pk=item.pk).decision == ""


class TestClose:
    def test_closing_asks_for_confirmation(self, team, session, national):
        item = on_agenda(session)
        services.decide(item, decision=Decision.REFUSED, by=national)
        page = team.get(reverse("committee:close", args=[session.number])).content.decode()
        assert "Je confirme la clôture" in page
        response = team.post(reverse("committee:close", args=[session.number]), {})
        assert "Cochez la case pour confirmer la clôture." in response.content.decode()
        session.refresh_from_db()
        assert session.is_open

    def test_closing_applies_the_decisions_and_notifies(
        self, team, session, national, jura, django_capture_on_commit_callbacks
    ):
        prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])
        granted = on_agenda(session, posts=3)
        refused = on_agenda(session)
        services.decide(granted, decision=Decision.GRANTED, posts=2, by=national)
        services.decide(refused, decision=Decision.REFUSED, by=national)
        with django_capture_on_commit_callbacks(execute=True):
            response = team.post(
                reverse("committee:close", args=[session.number]), {"confirm": "on"}
            )
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.status == SessionStatus.CLOSED
        structure = granted.request.structure
        structure.refresh_from_db()
        assert structure.status == StructureStatus.VALIDATED
        assert structure.granted_posts == 2
        refused.request.structure.refresh_from_db()
        assert refused.request.structure.status == StructureStatus.REFUSED
        recipients = {to for message in mail.outbox for to in message.to}
        assert structure.contact_email in recipients
        assert refused.request.structure.contact_email in recipients
        assert prefect.email in recipients
        page = team.get(session_url(session)).content.decode()
        assert "2 décision(s) appliquée(s)" in page
        assert "Clôturer la session" not in page
        assert f'action="{decide_url(granted)}"' not in page


class TestMinutes:
    @pytest.fixture
    def decided(self, session, national):
        item = on_agenda(session, posts=2, name="CC du Grand Dole")
        services.decide(
            item,
            decision=Decision.GRANTED,
            posts=2,
            priority=True,
            observation="Zone rurale; priorité",
            by=national,
        )
        undecided = on_agenda(session, name="Pas encore décidée")
        return item, undecided

    def test_minutes_csv(self, team, session, decided):
        item, _ = decided
        response = team.get(reverse("committee:minutes_csv", args=[session.number]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "coselec-1-proces-verbal.csv" in response["Content-Disposition"]
        body = response.getvalue().decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
        assert rows[0] == [
            "numéro de session",
            "date",
            "SIRET",
            "structure",
            "département",
            "nature",
            "décision",
            "postes",
            "type de poste",
            "prioritaire",
            "observation",
        ]
        structure = item.request.structure
        assert rows[1:] == [
            [
                "1",
                "2021-03-24",
                structure.siret,
                "CC du Grand Dole",
                "39",
                "Candidature",
                "Postes accordés",
                "2",
                "Conseiller numérique",
                "oui",
                "Zone rurale; priorité",
            ]
        ]

    def test_a_formula_in_a_structure_name_is_neutralised(self, team, session, national):
        item = on_agenda(session, posts=1, name='=HYPERLINK("http://x","clic")')
        services.decide(item, decision=Decision.REFUSED, by=national)
        response = team.get(reverse("committee:minutes_csv", args=[session.number]))
        rows = list(csv.reader(io.StringIO(response.getvalue().decode()[1:]), delimiter=";"))
        assert rows[1][3] == '\'=HYPERLINK("http://x","clic")'

    def test_the_minutes_say_which_posts_are_coordination_posts(self, team, session, national):
        item = on_agenda(session, posts=1, name="CC Porte du Jura")
        services.decide(
            item, decision=Decision.GRANTED, posts=1, post_kind=PostKind.COORDINATION, by=national
        )
        response = team.get(reverse("committee:minutes_csv", args=[session.number]))
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode()[1:]), delimiter=";"))
        assert [row["type de poste"] for row in rows] == [PostKind.COORDINATION.label]
        page = team.get(reverse("committee:minutes", args=[session.number])).content.decode()
        assert f"<td>{PostKind.COORDINATION.label}</td>" in page

    def test_printable_minutes(self, team, session, decided):
        page = team.get(reverse("committee:minutes", args=[session.number])).content.decode()
        assert "@media print" in page
        assert "CC du Grand Dole" in page
        assert "Pas encore décidée" not in page
        assert "2 poste(s) accordé(s)" in page
        assert "(projet)" in page  # the session is not closed yet


def test_sessions_list_queries_do_not_grow(team, session, django_assert_max_num_queries):
    for number in range(2, 32):
        on_agenda(factories.SessionFactory(number=number))
    with django_assert_max_num_queries(8):
        page = team.get(reverse("committee:sessions"))
    assert page.content.decode().count("COSELEC ") >= 31


def test_the_admin_shows_sessions_read_only(team, session, national):
    item = on_agenda(session)
    for url in (
        reverse("admin:committee_session_changelist"),
        reverse("admin:committee_session_change", args=[session.pk]),
        reverse("admin:committee_agendaitem_changelist"),
        reverse("admin:committee_agendaitem_change", args=[item.pk]),
    ):
        response = team.get(url)
        assert response.status_code == 200, url
        assert 'name="_save"' not in response.content.decode()
    assert team.get(reverse("admin:committee_session_add")).status_code == 403


def test_a_closed_session_takes_no_more_decisions(team, session, national):
    item = on_agenda(session)
    services.close_session(session, by=national)
    response = team.post(
        decide_url(item), {"decision": Decision.REFUSED}, headers={"HX-Request": "true"}
    )
    assert "La session est clôturée" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).decision == ""
