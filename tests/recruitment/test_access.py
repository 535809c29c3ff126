"""Who sees the workspace: the structure's managers (200), the managers of another structure
(404), the other roles (403); the national team looks, read-only."""

from datetime import date

import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.contracts import services
from cnfs.matching.enums import ProposalStatus
from tests import factories
from tests.recruitment.conftest import propose

PAGES = ["matching:proposals", "matching:search", "matching:contracts"]


@pytest.mark.parametrize("name", PAGES)
def test_the_manager_sees_the_pages(client, employer, manager, name):
    client.force_login(manager)
    assert client.get(reverse(name), {"structure": employer.pk}).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_the_manager_of_another_structure_gets_404(client, employer, colleague, name):
    client.force_login(colleague)
    assert client.get(reverse(name), {"structure": employer.pk}).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_a_candidate_gets_403(client, employer, candidate_user, name):
    client.force_login(candidate_user)
    assert client.get(reverse(name), {"structure": employer.pk}).status_code == 403


def test_anonymous_visitors_log_in_first(client, employer):
    response = client.get(reverse("matching:proposals"))
    assert response.status_code == 302 and "/compte/" in response.url


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("matching:shortlist", {}),
        ("matching:decline", {"reason": "profile"}),
        ("matching:contract", {}),
    ],
)
def test_proposal_actions_of_another_structure_get_404(client, employer, colleague, name, data):
    proposal = propose(employer, status=ProposalStatus.SHORTLISTED)
    client.force_login(colleague)
    assert client.post(reverse(name, args=[proposal.pk]), data).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SHORTLISTED


def test_the_national_team_reads_without_acting(client, employer, national):
    proposal = propose(employer)
    client.force_login(national)
    page = client.get(reverse("matching:proposals"), {"structure": employer.pk}).content.decode()
    assert f'id="proposal-{proposal.pk}"' in page
    assert "consultation seule" in page and "Présélectionner" not in page
    assert client.post(reverse("matching:shortlist", args=[proposal.pk])).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_the_national_team_chooses_a_structure_first(client, national):
    client.force_login(national)
    response = client.get(reverse("matching:proposals"))
    assert response.status_code == 302 and response.url == reverse("structures:list")


def test_a_manager_of_two_structures_chooses(client, employer, jura):
    other = factories.StructureFactory(
        validated=True, name="Zèbre numérique", commune__departement=jura
    )
    user = factories.UserFactory(
        roles=[(Role.STRUCTURE, {"structure": employer}), (Role.STRUCTURE, {"structure": other})]
    )
    mine = propose(other)
    client.force_login(user)
    page = client.get(reverse("matching:proposals")).content.decode()
    assert 'id="structure-switch"' in page and f'id="proposal-{mine.pk}"' not in page
    page = client.get(reverse("matching:proposals"), {"structure": other.pk}).content.decode()
    assert f'id="proposal-{mine.pk}"' in page


def test_ending_a_contract_of_another_structure_gets_404(
    client, employer, manager, national, colleague
):
    proposal = propose(employer, status=ProposalStatus.SHORTLISTED)
    contract = services.request_recruitment(
        proposal,
        kind="cdi",
        start_date=date(2021, 5, 3),
        end_date=None,
        weekly_hours=35,
        salary_cents=190_000,
        by=manager,
    )
    services.validate_recruitment(contract, by=national)
    client.force_login(colleague)
    for name in ("matching:end_contract", "matching:renew_contract"):
        assert client.get(reverse(name, args=[contract.pk])).status_code == 404
