import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from tests.api_recruitment.conftest import propose


def proposals_url(structure):
    return f"/api/v1/structures/{structure.pk}/proposals"


def action_url(proposal, action):
    return f"/api/v1/proposals/{proposal.pk}/{action}"


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


class TestListSides:
    def test_manager_reads_the_proposals_of_its_structure(self, client, owner, proposal):
        client.force_login(owner)
        (item,) = items(client.get(proposals_url(proposal.structure)))
        assert item["id"] == proposal.pk
        assert item["status"] == "proposed" and item["status_label"] == "Proposé"
        assert item["reasons"] == ["À 3 km", "Disponible dès maintenant"]
        assert item["distance_km"] == 3.0

    def test_national_team_reads_them(self, client, national, proposal):
        client.force_login(national)
        assert len(items(client.get(proposals_url(proposal.structure)))) == 1

    def test_manager_of_another_structure_gets_not_found(self, client, other_manager, proposal):
        client.force_login(other_manager)
        response = client.get(proposals_url(proposal.structure))
        assert response.status_code == 404
        assert response.json()["detail"].startswith("Introuvable")

    def test_candidate_is_forbidden(self, client, candidate_user, proposal):
        client.force_login(candidate_user)
        response = client.get(proposals_url(proposal.structure))
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Votre rôle actif ne donne pas accès à cette ressource."
        }

    def test_prefecture_is_forbidden(self, client, prefect, proposal):
        client.force_login(prefect)
        assert client.get(proposals_url(proposal.structure)).status_code == 403

    def test_anonymous_must_log_in(self, client, proposal):
        response = client.get(proposals_url(proposal.structure))
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Authentification requise")


class TestAnonymisation:
    def test_a_proposed_candidate_is_a_first_name_and_an_initial(self, client, owner, proposal):
        client.force_login(owner)
        (item,) = items(client.get(proposals_url(proposal.structure)))
        candidate = item["candidate"]
        assert candidate["name"] == "Sam C."
        assert candidate["revealed"] is False
        assert candidate["contact"] is None
        assert "Carpentier" not in str(item) and proposal.candidate.email not in str(item)

    def test_shortlisting_reveals_name_and_contact(self, client, owner, proposal):
        client.force_login(owner)
        response = post(client, action_url(proposal, "shortlist"))

        assert response.status_code == 200, response.content
        assert response.json()["status"] == "shortlisted"
        candidate = response.json()["candidate"]
        assert candidate["name"] == "Sam Carpentier"
        assert candidate["contact"] == {
            "email": proposal.candidate.email,
            "phone": proposal.candidate.phone,
        }
        (item,) = items(client.get(proposals_url(proposal.structure)))
        assert item["candidate"]["contact"]["email"] == proposal.candidate.email

    def test_a_declined_candidate_stays_anonymous(self, client, owner, structure):
        declined = propose(structure, status=ProposalStatus.DECLINED)
        client.force_login(owner)
        (item,) = items(client.get(proposals_url(declined.structure)))
        assert item["candidate"]["name"] == "Sam C." and item["candidate"]["contact"] is None


class TestFiltersAndRanking:
    @pytest.fixture
    def pool(self, structure):
        return {
            "near": propose(structure, score=60, km=2, pix_level=3, has_diploma=True),
            "far": propose(structure, score=30, km=35, pix_level=1),
            "trained": propose(structure, score=45, km=10, former_advisor=True),
            "declined": propose(structure, score=90, km=1, status=ProposalStatus.DECLINED),
        }

    def ids(self, client, structure, **params):
        return [item["id"] for item in items(client.get(proposals_url(structure), params))]

    def test_best_ranked_first_and_named_candidates_on_top(self, client, owner, structure, pool):
        named = propose(structure, score=5, km=50)
        Proposal.objects.filter(pk=named.pk).update(origin=Origin.NAMED)
        client.force_login(owner)
        assert self.ids(client, structure) == [
            named.pk,
            pool["declined"].pk,
            pool["near"].pk,
            pool["trained"].pk,
            pool["far"].pk,
        ]

    def test_filters(self, client, owner, structure, pool):
        client.force_login(owner)
        assert self.ids(client, structure, status="declined") == [pool["declined"].pk]
        assert self.ids(client, structure, min_pix=2) == [pool["near"].pk]
        assert self.ids(client, structure, diploma="true") == [pool["near"].pk]
        assert self.ids(client, structure, trained="true") == [pool["trained"].pk]
        assert self.ids(client, structure, max_km=10, status="proposed") == [
            pool["near"].pk,
            pool["trained"].pk,
        ]

    def test_bad_filter_is_refused_in_french(self, client, owner, structure):
        client.force_login(owner)
        response = client.get(proposals_url(structure), {"min_pix": 5})
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == "Saisissez un nombre inférieur ou égal à 3."

    def test_fifty_per_page(self, client, owner, structure):
        for _ in range(52):
            propose(structure)
        client.force_login(owner)
        first = client.get(proposals_url(structure)).json()
        second = client.get(proposals_url(structure), {"page": 2}).json()
        assert first["count"] == 52
        assert len(first["items"]) == 50 and len(second["items"]) == 2

    def test_query_count_does_not_grow_with_proposals(
        self, client, owner, structure, django_assert_max_num_queries
    ):
        propose(structure)
        propose(structure, status=ProposalStatus.SHORTLISTED)
        client.force_login(owner)
        with CaptureQueriesContext(connection) as few:
            client.get(proposals_url(structure))
        for index in range(28):
            propose(
                structure, status=[ProposalStatus.PROPOSED, ProposalStatus.SHORTLISTED][index % 2]
            )
        with django_assert_max_num_queries(len(few)):
            response = client.get(proposals_url(structure))
        assert response.json()["count"] == 30


class TestActions:
    def test_decline_then_list(self, client, owner, proposal):
        client.force_login(owner)
        response = post(
            client, action_url(proposal, "decline"), {"reason": "distance", "comment": "Trop loin"}
        )

        assert response.status_code == 200, response.content
        assert response.json()["status"] == "declined"
        assert response.json()["decline_reason"] == "distance"
        assert response.json()["decline_reason_label"] == "Trop éloigné du lieu de travail"
        assert items(client.get(proposals_url(proposal.structure), {"status": "proposed"})) == []
        (item,) = items(client.get(proposals_url(proposal.structure), {"status": "declined"}))
        assert item["id"] == proposal.pk and item["decline_reason"] == "distance"
        proposal.refresh_from_db()
        assert proposal.declined_zone_version == proposal.candidate.zone_version

    def test_decline_needs_a_known_reason(self, client, owner, proposal):
        client.force_login(owner)
        response = post(client, action_url(proposal, "decline"), {"reason": "because"})
        assert response.status_code == 422
        (error,) = response.json()["detail"]
        assert error["loc"] == ["body", "payload", "reason"]
        assert error["msg"].startswith("Choisissez une valeur parmi : 'profile'")
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PROPOSED

    def test_shortlisting_twice_is_a_conflict(self, client, owner, proposal):
        client.force_login(owner)
        post(client, action_url(proposal, "shortlist"))
        response = post(client, action_url(proposal, "shortlist"))
        assert response.status_code == 409
        assert "impossible depuis le statut « Présélectionné »" in response.json()["detail"]

    def test_manager_of_another_structure_gets_not_found(self, client, other_manager, proposal):
        client.force_login(other_manager)
        assert post(client, action_url(proposal, "shortlist")).status_code == 404
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PROPOSED

    def test_national_team_reads_but_does_not_act(self, client, national, proposal):
        client.force_login(national)
        assert post(client, action_url(proposal, "shortlist")).status_code == 403

    def test_candidate_is_forbidden(self, client, candidate_user, proposal):
        client.force_login(candidate_user)
        assert post(client, action_url(proposal, "decline"), {"reason": "other"}).status_code == 403

    def test_anonymous_must_log_in(self, client, proposal):
        assert post(client, action_url(proposal, "shortlist")).status_code == 401

    def test_a_session_post_needs_the_csrf_token(self, owner, proposal):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(owner)
        browser.cookies["csrftoken"] = get_random_string(32)
        assert post(browser, action_url(proposal, "shortlist")).status_code == 403
        response = browser.post(
            action_url(proposal, "shortlist"),
            content_type="application/json",
            headers={"X-CSRFToken": browser.cookies["csrftoken"].value},
        )
        assert response.status_code == 200, response.content
