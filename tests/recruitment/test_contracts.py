"""Recruitment form, contract end and renewal, through the contracts services."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cnfs.contracts import services
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching.enums import ProposalStatus
from cnfs.posts.models import Post
from tests import factories
from tests.recruitment.conftest import propose

# fmt: skip below: a data table laid out by hand for reading.
VALID = {
    "kind": "cdd", "start_date": "2021-05-03", "end_date": "2023-05-02", "weekly_hours": "35",
    "gross_monthly_salary": "1 900,50",
}  # fmt: skip


@pytest.fixture
def shortlisted(employer):
    return propose(employer, status=ProposalStatus.SHORTLISTED)


def post_contract(client, proposal, **changes):
    return client.post(reverse("matching:contract", args=[proposal.pk]), {**VALID, **changes})


def test_a_salary_below_the_minimum_wage_is_refused_at_its_field(client, manager, shortlisted):
    client.force_login(manager)
    response = post_contract(client, shortlisted, gross_monthly_salary="1200")
    assert response.status_code == 200
    errors = response.context["form"].errors["gross_monthly_salary"]
    assert "ne peut être inférieur au SMIC" in errors[0] and "€" in errors[0]
    assert not Contract.objects.exists()


def test_a_fixed_term_contract_without_end_date_is_refused(client, manager, shortlisted):
    client.force_login(manager)
    response = post_contract(client, shortlisted, end_date="")
    assert "date de fin" in response.context["form"].errors["end_date"][0]
    assert not Contract.objects.exists()


def test_a_permanent_contract_needs_no_end_date(client, manager, shortlisted, employer):
    client.force_login(manager)
    response = post_contract(client, shortlisted, kind="cdi", end_date="")
    assert response.status_code == 302
    assert Contract.objects.get().end_date is None


def test_a_valid_request_takes_the_post(client, manager, shortlisted, employer):
    client.force_login(manager)
    response = post_contract(client, shortlisted)
    assert response.status_code == 302
    assert response.url.startswith(reverse("matching:contracts"))
    contract = Contract.objects.get()
    assert contract.gross_monthly_salary_cents == 190_050
    assert contract.status == ContractStatus.REQUESTED
    employer.refresh_from_db()
    assert employer.occupied_posts == 1
    shortlisted.refresh_from_db()
    assert shortlisted.status == ProposalStatus.RECRUITMENT_REQUESTED


def test_no_open_post_is_said_above_the_form(client, manager, shortlisted, employer):
    for post in Post.objects.filter(structure=employer):
        factories.validated_contract(employer, start=date.today(), post=post)
    client.force_login(manager)
    response = post_contract(client, shortlisted)
    assert "Tous les postes" in response.context["form"].non_field_errors()[0]
    assert "Le formulaire comporte 1 erreur" in response.content.decode()


def test_only_a_shortlisted_profile_is_recruited(client, manager, employer):
    proposal = propose(employer)
    client.force_login(manager)
    response = client.get(reverse("matching:contract", args=[proposal.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("matching:proposals"))


@pytest.fixture
def active_contract(employer, manager, national, shortlisted):
    contract = services.request_recruitment(
        shortlisted,
        kind="cdd",
        start_date=date.today() - timedelta(days=100),
        end_date=date.today() + timedelta(days=600),
        weekly_hours=35,
        salary_cents=190_000,
        by=manager,
    )
    return services.validate_recruitment(contract, by=national)


def test_contracts_are_listed(client, manager, employer, active_contract):
    client.force_login(manager)
    page = client.get(reverse("matching:contracts")).content.decode()
    assert active_contract.candidate.full_name in page
    assert "1\u202f900,00 €" in page and "En poste" in page


def test_ending_a_contract_reopens_the_post(client, manager, national, employer, active_contract):
    client.force_login(manager)
    url = reverse("matching:end_contract", args=[active_contract.pk])
    assert client.get(url).status_code == 200
    ended_on = date.today() - timedelta(days=1)
    response = client.post(url, {"ended_on": ended_on.isoformat(), "reason": "resignation"})
    assert response.status_code == 302
    active_contract.refresh_from_db()
    # The structure asks; the post stays held until the national team validates.
    assert active_contract.status == ContractStatus.END_REQUESTED
    assert active_contract.end_reason == "resignation"
    employer.refresh_from_db()
    assert employer.occupied_posts == 1
    services.validate_contract_end(active_contract, by=national)
    employer.refresh_from_db()
    assert employer.occupied_posts == 0
    page = client.get(reverse("matching:contracts")).content.decode()
    assert "démission" in page


def test_an_end_before_the_start_is_refused_at_its_field(client, manager, active_contract):
    client.force_login(manager)
    response = client.post(
        reverse("matching:end_contract", args=[active_contract.pk]),
        {"ended_on": "2021-01-01", "reason": "resignation"},
    )
    assert "précéder" in response.context["form"].errors["ended_on"][0]


def test_renewal_is_a_new_contract_linked_to_the_previous(client, manager, active_contract):
    client.force_login(manager)
    url = reverse("matching:renew_contract", args=[active_contract.pk])
    page = client.get(url).content.decode()
    renewal_start = active_contract.end_date + timedelta(days=1)
    assert f"{renewal_start:%d/%m/%Y}" in page and 'value="1900,00"' in page
    response = client.post(
        url,
        {
            "kind": "cdd",
            "end_date": (renewal_start + timedelta(days=365)).isoformat(),
            "weekly_hours": "35",
            "gross_monthly_salary": "1950",
        },
    )
    assert response.status_code == 302
    renewed = Contract.objects.get(previous=active_contract)
    assert renewed.start_date == renewal_start and renewed.status == ContractStatus.ACTIVE
    page = client.get(reverse("matching:contracts")).content.decode()
    assert f"Renouvelle le contrat du {active_contract.start_date:%d/%m/%Y}" in page


def test_renewal_salary_is_checked_against_the_minimum_wage(client, manager, active_contract):
    client.force_login(manager)
    response = client.post(
        reverse("matching:renew_contract", args=[active_contract.pk]),
        {"kind": "cdi", "end_date": "", "weekly_hours": "35", "gross_monthly_salary": "1000"},
    )
    assert "SMIC" in response.context["form"].errors["gross_monthly_salary"][0]
