from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cnfs.accounts.enums import Role
from cnfs.candidates.models import Candidate
from cnfs.contracts import services
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.posts.models import Post
from tests import factories
from tests.api.utils import field_errors
from tests.api_recruitment.conftest import propose

RECRUITMENTS = "/api/v1/recruitments"
TERMS = {
    "kind": "cdd",
    "start_date": "2021-05-03",
    "end_date": "2023-05-02",
    "weekly_hours": 35,
    "gross_monthly_salary": "1800.50",
}


def contract_url(proposal):
    return f"/api/v1/proposals/{proposal.pk}/contract"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def shortlisted(structure):
    return propose(structure, status=ProposalStatus.SHORTLISTED)


@pytest.fixture
def requested(structure, shortlisted, owner):
    """A recruitment requested through the service, awaiting the national team."""
    return services.request_recruitment(
        shortlisted,
        kind="cdd",
        start_date=date(2021, 5, 3),
        end_date=date(2023, 5, 2),
        weekly_hours=35,
        salary_cents=180_000,
        by=owner,
    )


class TestContractRequest:
    def test_manager_requests_the_recruitment(self, client, owner, shortlisted, structure):
        client.force_login(owner)
        response = post(client, contract_url(shortlisted), TERMS)

        assert response.status_code == 201, response.content
        contract = Contract.objects.get()
        data = response.json()
        assert data["id"] == contract.pk and data["status"] == "requested"
        assert data["gross_monthly_salary"] == "1800.50"
        assert data["weekly_hours"] == "35.00"
        assert contract.gross_monthly_salary_cents == 180_050
        shortlisted.refresh_from_db()
        structure.refresh_from_db()
        assert shortlisted.status == ProposalStatus.RECRUITMENT_REQUESTED
        assert structure.occupied_posts == 1

    def test_salary_below_the_minimum_wage_is_refused_at_its_field(
        self, client, owner, shortlisted
    ):
        client.force_login(owner)
        response = post(
            client, contract_url(shortlisted), {**TERMS, "gross_monthly_salary": "1500"}
        )

        errors = field_errors(response)
        assert list(errors) == ["gross_monthly_salary"]
        assert errors["gross_monthly_salary"].startswith(
            "Le salaire brut ne peut être inférieur au SMIC pour 35"
        )
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "gross_monthly_salary"]
        assert not Contract.objects.exists()

    def test_input_errors_are_in_french(self, client, owner, shortlisted):
        client.force_login(owner)
        response = post(
            client,
            contract_url(shortlisted),
            {**TERMS, "kind": "interim", "weekly_hours": "beaucoup", "gross_monthly_salary": 1800},
        )

        errors = field_errors(response)
        assert errors["kind"].startswith("Choisissez une valeur parmi : 'cdi', 'cdd'")
        assert errors["weekly_hours"] == "Saisissez un nombre d’heures, par exemple 35 ou 17.5."
        assert errors["gross_monthly_salary"] == "Saisissez un texte."

    def test_the_web_form_rules_apply(self, client, owner, shortlisted):
        client.force_login(owner)
        response = post(
            client,
            contract_url(shortlisted),
            {**TERMS, "weekly_hours": 50, "gross_monthly_salary": "mille"},
        )

        errors = field_errors(response)
        assert (
            errors["weekly_hours"] == "Assurez-vous que cette valeur est inférieure ou égale à 48."
        )
        assert errors["gross_monthly_salary"] == (
            "Saisissez un montant en euros, par exemple 25 000,00."
        )

    def test_a_fixed_term_contract_needs_an_end_date(self, client, owner, shortlisted):
        client.force_login(owner)
        response = post(client, contract_url(shortlisted), {**TERMS, "end_date": None})
        assert field_errors(response) == {
            "end_date": "Un contrat à durée déterminée a une date de fin."
        }

    def test_no_open_post_is_refused(self, client, owner, shortlisted, structure):
        for free in Post.objects.filter(structure=structure):
            factories.validated_contract(structure, start=date.today(), post=free)
        client.force_login(owner)
        response = post(client, contract_url(shortlisted), TERMS)
        assert response.status_code == 422
        (error,) = response.json()["detail"]
        assert error["loc"] == ["body", "payload"]
        assert error["msg"].startswith("Tous les postes attribués à ECLA sont occupés")

    def test_only_a_shortlisted_candidate_is_recruited(self, client, owner, proposal):
        client.force_login(owner)
        response = post(client, contract_url(proposal), TERMS)
        assert response.status_code == 409
        assert response.json() == {"detail": "Seul un profil présélectionné peut être recruté."}

    def test_manager_of_another_structure_gets_not_found(self, client, other_manager, shortlisted):
        client.force_login(other_manager)
        assert post(client, contract_url(shortlisted), TERMS).status_code == 404
        assert not Contract.objects.exists()

    def test_candidate_is_forbidden(self, client, candidate_user, shortlisted):
        client.force_login(candidate_user)
        assert post(client, contract_url(shortlisted), TERMS).status_code == 403

    def test_anonymous_must_log_in(self, client, shortlisted):
        assert post(client, contract_url(shortlisted), TERMS).status_code == 401


class TestValidation:
    def validate(self, client, contract):
        return post(client, f"{RECRUITMENTS}/{contract.pk}/validate")

    def test_national_team_validates_and_the_candidate_is_in_post(
        self, client, national, requested, django_capture_on_commit_callbacks
    ):
        other = Proposal.objects.create(
            candidate=requested.candidate,
            structure=factories.StructureFactory(validated=True),
            distance_km=4,
            score=1,
        )
        client.force_login(national)
        with django_capture_on_commit_callbacks(execute=True):
            response = self.validate(client, requested)

        assert response.status_code == 200, response.content
        assert response.json()["status"] == "active"
        assert response.json()["validated_at"] is not None
        candidate = Candidate.objects.get(pk=requested.candidate_id)
        assert candidate.in_post and not candidate.available
        assert Proposal.objects.get(pk=requested.proposal_id).status == ProposalStatus.RECRUITED
        other.refresh_from_db()
        assert other.status == ProposalStatus.WITHDRAWN

    def test_validating_twice_is_refused(self, client, national, requested):
        client.force_login(national)
        self.validate(client, requested)
        response = self.validate(client, requested)
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == (
            "Ce recrutement n’est plus en attente de validation."
        )

    def test_a_proposal_moved_on_meanwhile_is_a_conflict_and_nothing_changes(
        self, client, national, requested
    ):
        # The candidate withdrew from the list while the request waited (a stale request).
        Proposal.objects.filter(pk=requested.proposal_id).update(status=ProposalStatus.WITHDRAWN)
        client.force_login(national)
        response = self.validate(client, requested)
        assert response.status_code == 409, response.content
        assert response.json()["detail"] == (
            "« Valider le recrutement » est impossible depuis le statut « Retiré »."
        )
        requested.refresh_from_db()
        assert requested.status == ContractStatus.REQUESTED
        assert not Candidate.objects.get(pk=requested.candidate_id).in_post

    def test_prefecture_cannot_validate(self, client, prefect, requested):
        client.force_login(prefect)
        assert self.validate(client, requested).status_code == 403
        requested.refresh_from_db()
        assert requested.status == ContractStatus.REQUESTED

    def test_structure_manager_cannot_validate_its_own_recruitment(self, client, owner, requested):
        client.force_login(owner)
        assert self.validate(client, requested).status_code == 403

    def test_anonymous_must_log_in(self, client, requested):
        assert self.validate(client, requested).status_code == 401

    def test_unknown_recruitment_is_not_found(self, client, national, requested):
        client.force_login(national)
        response = post(client, f"{RECRUITMENTS}/{requested.pk + 100}/validate")
        assert response.status_code == 404


class TestRejection:
    def test_national_team_rejects_with_a_reason(self, client, national, requested, structure):
        client.force_login(national)
        response = post(
            client, f"{RECRUITMENTS}/{requested.pk}/reject", {"reason": "Pièces manquantes"}
        )

        assert response.status_code == 200, response.content
        assert response.json()["status"] == "rejected"
        structure.refresh_from_db()
        assert structure.occupied_posts == 0
        assert Proposal.objects.get(pk=requested.proposal_id).status == ProposalStatus.SHORTLISTED

    def test_a_reason_is_required(self, client, national, requested):
        client.force_login(national)
        response = post(client, f"{RECRUITMENTS}/{requested.pk}/reject", {"reason": "  "})
        assert field_errors(response) == {"reason": "Ce champ ne peut pas être vide."}
        requested.refresh_from_db()
        assert requested.status == ContractStatus.REQUESTED

    def test_prefecture_cannot_reject(self, client, prefect, requested):
        client.force_login(prefect)
        response = post(client, f"{RECRUITMENTS}/{requested.pk}/reject", {"reason": "Non"})
        assert response.status_code == 403


class TestList:
    def test_national_team_lists_the_recruitments_to_validate(
        self, client, national, requested, structure
    ):
        done = propose(structure, status=ProposalStatus.SHORTLISTED)
        other = services.request_recruitment(
            done,
            kind="cdi",
            start_date=requested.start_date,
            end_date=None,
            weekly_hours=35,
            salary_cents=190_000,
            by=requested.requested_by,
        )
        services.validate_recruitment(other, by=national)
        client.force_login(national)

        response = client.get(RECRUITMENTS, {"status": "requested"})

        assert response.status_code == 200
        (item,) = response.json()["items"]
        assert item["id"] == requested.pk
        assert item["structure_name"] == "ECLA" and item["departement"] == "39"
        assert item["candidate_last_name"] == "Carpentier"
        assert item["kind_label"] == "CDD" and item["end_date"] == "2023-05-02"
        assert item["gross_monthly_salary"] == "1800.00"
        assert client.get(RECRUITMENTS).json()["count"] == 2

    def test_other_roles_are_forbidden(self, client, prefect, owner, requested):
        for user in (prefect, owner):
            client.force_login(user)
            assert client.get(RECRUITMENTS).status_code == 403

    def test_anonymous_must_log_in(self, client, requested):
        assert client.get(RECRUITMENTS).status_code == 401

    def test_query_count_does_not_grow_with_recruitments(
        self, client, national, jura, django_assert_max_num_queries
    ):
        def request_some(count):
            for _ in range(count):
                employer = factories.StructureFactory(
                    validated=True, granted_posts=1, commune__departement=jura
                )
                manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])
                services.request_recruitment(
                    propose(employer, status=ProposalStatus.SHORTLISTED),
                    kind="cdi",
                    start_date=date(2021, 5, 3),
                    end_date=None,
                    weekly_hours=35,
                    salary_cents=180_000,
                    by=manager,
                )

        request_some(2)
        client.force_login(national)
        with CaptureQueriesContext(connection) as few:
            client.get(RECRUITMENTS, {"status": "requested"})
        request_some(28)
        with django_assert_max_num_queries(len(few)):
            response = client.get(RECRUITMENTS, {"status": "requested"})
        assert response.json()["count"] == 30
