import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from cnfs.committee.enums import Decision
from cnfs.committee.models import AgendaItem
from cnfs.funding.models import ProgrammeBudget
from tests import factories
from tests.api.utils import field_errors

SESSIONS = "/api/v1/committee/sessions"


@pytest.fixture
def item(structure):
    """ECLA's application for 3 posts on the agenda of COSELEC 7 (open)."""
    request = factories.PostRequestFactory(structure=structure, posts=3)
    return factories.AgendaItemFactory(session__number=7, request=request, position=1)


def decide_url(item):
    return f"/api/v1/committee/items/{item.pk}/decision"


def decide(client, item, **body):
    return client.post(decide_url(item), body, content_type="application/json")


class TestSessions:
    def test_national_team_lists_sessions_with_counts(self, client, national, item):
        factories.AgendaItemFactory(session=item.session, decision=Decision.REFUSED)
        factories.SessionFactory(number=8)
        client.force_login(national)
        response = client.get(SESSIONS)
        assert response.status_code == 200
        eight, seven = response.json()["items"]
        assert (eight["number"], eight["items"], eight["decided"]) == (8, 0, 0)
        assert (seven["number"], seven["items"], seven["decided"]) == (7, 2, 1)
        assert seven["status"] == "open"

    def test_prefecture_is_forbidden(self, client, prefect, item):
        client.force_login(prefect)
        assert client.get(SESSIONS).status_code == 403

    def test_structure_manager_is_forbidden(self, client, owner, item):
        client.force_login(owner)
        assert client.get(SESSIONS).status_code == 403

    def test_anonymous_must_log_in(self, client, item):
        assert client.get(SESSIONS).status_code == 401


class TestSessionItems:
    def test_national_team_reads_the_agenda(self, client, national, item):
        client.force_login(national)
        response = client.get(f"{SESSIONS}/7/items")
        assert response.status_code == 200
        (row,) = response.json()["items"]
        assert row["id"] == item.pk
        assert row["structure_name"] == "ECLA" and row["departement"] == "39"
        assert row["posts_requested"] == 3 and row["decision"] is None

    def test_prefecture_is_forbidden(self, client, prefect, item):
        client.force_login(prefect)
        assert client.get(f"{SESSIONS}/7/items").status_code == 403

    def test_unknown_session_is_not_found(self, client, national, item):
        client.force_login(national)
        assert client.get(f"{SESSIONS}/99/items").status_code == 404

    def test_query_count_does_not_grow_with_items(
        self, client, national, item, django_assert_max_num_queries
    ):
        client.force_login(national)
        with django_assert_max_num_queries(8):
            client.get(f"{SESSIONS}/7/items")
        factories.AgendaItemFactory.create_batch(30, session=item.session)
        with django_assert_max_num_queries(8):
            response = client.get(f"{SESSIONS}/7/items")
        assert response.json()["count"] == 31


class TestDecide:
    def test_national_team_grants_posts(self, client, national, item):
        client.force_login(national)
        response = decide(
            client, item, decision="granted", posts=2, priority=True, observation="Rural"
        )

        assert response.status_code == 200, response.content
        assert response.json()["decision"] == "granted" and response.json()["posts"] == 2
        item.refresh_from_db()
        assert (item.decision, item.posts, item.priority) == (Decision.GRANTED, 2, True)
        assert item.decided_by == national
        assert item.subsidy_delta_cents == 2 * 5_000_000

    def test_prefecture_is_forbidden(self, client, prefect, item):
        client.force_login(prefect)
        response = decide(client, item, decision="granted", posts=2)
        assert response.status_code == 403
        item.refresh_from_db()
        assert item.decision == ""

    def test_structure_manager_is_forbidden(self, client, owner, item):
        client.force_login(owner)
        assert decide(client, item, decision="granted", posts=2).status_code == 403

    def test_anonymous_must_log_in(self, client, item):
        assert decide(client, item, decision="granted", posts=2).status_code == 401

    def test_unknown_item_is_not_found(self, client, national, item):
        client.force_login(national)
        url = f"/api/v1/committee/items/{item.pk + 100}/decision"
        response = client.post(url, {"decision": "refused"}, content_type="application/json")
        assert response.status_code == 404

    def test_cap_refusal_is_a_french_field_error(self, client, national, item):
        ProgrammeBudget.objects.update(posts_cap=2)
        client.force_login(national)
        response = decide(client, item, decision="granted", posts=3)

        assert field_errors(response) == {
            "posts": "Refusé : cette décision porterait le total national à 3 postes, "
            "au-delà du plafond de 2 (il reste 2 poste(s) à attribuer)."
        }
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "posts"]
        item.refresh_from_db()
        assert item.decision == ""

    def test_grant_without_posts_is_refused(self, client, national, item):
        client.force_login(national)
        errors = field_errors(decide(client, item, decision="granted"))
        assert errors == {"posts": "Indiquez au moins 1 poste accordé."}

    def test_unknown_decision_is_refused(self, client, national, item):
        client.force_login(national)
        errors = field_errors(decide(client, item, decision="maybe"))
        assert errors["decision"].startswith("Choisissez une valeur parmi")

    def test_closed_session_refuses_in_french(self, client, national, item):
        item.session.status = "closed"
        item.session.save()
        client.force_login(national)
        response = decide(client, item, decision="refused")
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "loc": ["body", "payload"],
                "msg": "La session est clôturée : ses décisions ne changent plus.",
                "type": "invalid",
            }
        ]


class TestCsrf:
    """A session is a cookie: a logged-in POST carries the CSRF token in X-CSRFToken."""

    @pytest.fixture
    def browser(self, national):
        client = Client(enforce_csrf_checks=True)
        client.force_login(national)
        client.cookies["csrftoken"] = get_random_string(32)
        return client

    def test_post_without_the_token_is_refused(self, browser, item):
        response = decide(browser, item, decision="refused")
        assert response.status_code == 403
        assert "X-CSRFToken" in response.json()["detail"]
        assert AgendaItem.objects.get(pk=item.pk).decision == ""

    def test_post_with_the_token_is_accepted(self, browser, item):
        response = browser.post(
            decide_url(item),
            {"decision": "refused"},
            content_type="application/json",
            headers={"X-CSRFToken": browser.cookies["csrftoken"].value},
        )
        assert response.status_code == 200, response.content
        assert AgendaItem.objects.get(pk=item.pk).decision == Decision.REFUSED

    def test_reads_need_no_token(self, browser, item):
        assert browser.get(SESSIONS).status_code == 200


def test_missing_subsidy_rate_is_a_french_error(client, national, item):
    from cnfs.funding.models import SubsidyRate

    SubsidyRate.objects.all().delete()
    client.force_login(national)
    response = decide(client, item, decision="granted", posts=1)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("Aucun taux de subvention en vigueur")
