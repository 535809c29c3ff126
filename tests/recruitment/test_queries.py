"""Each list costs the same number of queries whatever its length."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching.enums import ProposalStatus
from tests import factories
from tests.recruitment.conftest import propose


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_proposals(employer, n, status=ProposalStatus.SHORTLISTED):
    for _ in range(n):
        propose(
            employer,
            factories.CandidateFactory(commune=employer.commune, cv="cv/x.pdf"),
            status=status,
        )


def test_proposals_list(client, employer, manager, django_assert_max_num_queries):
    client.force_login(manager)
    add_proposals(employer, 2)
    url = reverse("matching:proposals") + f"?structure={employer.pk}&sort=distance&diploma="
    baseline = count_queries(client, url)
    add_proposals(employer, 30)
    add_proposals(employer, 5, ProposalStatus.PROPOSED)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_search(client, employer, manager, django_assert_max_num_queries):
    client.force_login(manager)
    factories.CandidateFactory.create_batch(2, commune=employer.commune)
    url = reverse("matching:search") + f"?structure={employer.pk}"
    baseline = count_queries(client, url)
    factories.CandidateFactory.create_batch(60, commune=employer.commune)
    add_proposals(employer, 5)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 67


def test_contracts_list(client, employer, manager, django_assert_max_num_queries):
    client.force_login(manager)

    def add_contracts(n):
        for _ in range(n):
            proposal = propose(employer, status=ProposalStatus.RECRUITED)
            Contract.objects.create(
                proposal=proposal,
                candidate=proposal.candidate,
                structure=employer,
                post=factories.post_for(employer),
                kind="cdd",
                start_date=date(2021, 5, 3),
                end_date=date(2022, 5, 2),
                weekly_hours=35,
                gross_monthly_salary_cents=190_000,
                status=ContractStatus.ENDED,
                ended_on=date(2022, 5, 2),
                end_reason="end_of_term",
            )

    add_contracts(2)
    url = reverse("matching:contracts") + f"?structure={employer.pk}"
    baseline = count_queries(client, url)
    add_contracts(30)
    with django_assert_max_num_queries(baseline):
        client.get(url)
