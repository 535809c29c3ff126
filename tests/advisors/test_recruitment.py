"""The national team's recruitment requests: list, validation, refusal."""

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from tests import factories
from tests.advisors.conftest import END, START, requested


def test_requests_oldest_first_with_structure_candidate_terms(client, national, employer):
    first = requested(
        employer, factories.CandidateFactory(first_name="Alix", commune=employer.commune)
    )
    second = requested(
        employer, factories.CandidateFactory(first_name="Noa", commune=employer.commune)
    )
    client.force_login(national)
    response = client.get(reverse("contracts:to_validate"))
    assert response.status_code == 200
    assert list(response.context["contracts"]) == [first, second]
    html = response.content.decode()
    assert "CC du Grand Dole" in html and "39 — Jura" in html
    assert "Alix" in html and f"CDD du {START:%d/%m/%Y} au {END:%d/%m/%Y}, 35 h par semaine" in html
    assert "1\u202f900,00 € brut par mois" in html
    assert reverse("contracts:validate", args=[first.pk]) in html


def test_cv_link_when_the_candidate_gave_one(client, national, employer):
    contract = requested(employer)
    type(contract.candidate).objects.filter(pk=contract.candidate_id).update(cv="cv/1-x.pdf")
    client.force_login(national)
    html = client.get(reverse("contracts:to_validate")).content.decode()
    assert reverse("candidates:cv", args=[contract.candidate_id]) in html


@pytest.mark.parametrize("who", ["jura_prefecture", "employer_manager"])
def test_only_the_national_team_sees_and_decides(client, request, employer, who):
    contract = requested(employer)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("contracts:to_validate")).status_code == 403
    assert client.post(reverse("contracts:validate", args=[contract.pk])).status_code == 403
    assert (
        client.post(reverse("contracts:reject", args=[contract.pk]), {"reason": "Non"}).status_code
        == 403
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REQUESTED


def test_validation_asks_for_confirmation_then_makes_an_advisor(
    client, national, employer, django_capture_on_commit_callbacks
):
    contract = requested(employer)
    client.force_login(national)
    url = reverse("contracts:validate", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer la validation" in page.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("contracts:to_validate")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert contract.candidate.in_post
    assert hasattr(contract, "training")
    assert any(contract.candidate.email in m.to for m in mail.outbox)
    # Done: the request leaves the list and its page.
    assert client.get(url).status_code == 404


def test_refusal_needs_a_reason(client, national, employer):
    contract = requested(employer)
    client.force_login(national)
    url = reverse("contracts:reject", args=[contract.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Indiquez le motif du refus."]
    assert response.context["page_title"].startswith("Erreur")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REQUESTED

    response = client.post(url, {"reason": "Contrat non signé"})
    assert response.status_code == 302
    contract.refresh_from_db()
    employer.refresh_from_db()
    assert contract.status == ContractStatus.REJECTED and employer.occupied_posts == 0


def test_list_queries_stay_constant(client, national, employer, django_assert_max_num_queries):
    requested(employer)
    client.force_login(national)
    client.get(reverse("contracts:to_validate"))
    for _ in range(30):
        requested(employer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("contracts:to_validate"))
    assert response.context["page_obj"].paginator.count == Contract.objects.count() == 31
