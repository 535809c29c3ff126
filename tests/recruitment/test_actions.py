"""Shortlist and decline, with htmx (the list comes back) and without (redirect)."""

from django.urls import reverse

from cnfs.matching import engine
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories
from tests.recruitment.conftest import propose

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_shortlist_with_htmx_returns_the_list_with_the_contact(client, employer, manager):
    candidate = factories.CandidateFactory(email="lea@exemple.fr", commune=employer.commune)
    proposal = propose(employer, candidate)
    client.force_login(manager)
    url = reverse("matching:shortlist", args=[proposal.pk]) + f"?structure={employer.pk}"
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="proposals-list"' in content and "<html" not in content
    assert "lea@exemple.fr" in content
    assert reverse("matching:contract", args=[proposal.pk]) in content
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SHORTLISTED


def test_shortlist_without_javascript_redirects_to_the_list(client, employer, manager):
    proposal = propose(employer)
    client.force_login(manager)
    response = client.post(
        reverse("matching:shortlist", args=[proposal.pk]) + "?tab=open&sort=distance"
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("matching:proposals"))
    assert "sort=distance" in response.url and f"structure={employer.pk}" in response.url
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SHORTLISTED


def test_shortlisting_twice_says_why(client, employer, manager):
    proposal = propose(employer, status=ProposalStatus.SHORTLISTED)
    client.force_login(manager)
    response = client.post(reverse("matching:shortlist", args=[proposal.pk]), **HTMX)
    assert "est impossible depuis le statut" in response.content.decode()


def engine_proposals(employer, count):
    for n in range(count):
        factories.CandidateFactory(first_name=f"Profil{n:02d}", commune=employer.commune)
    engine.refresh_structure(employer.pk)
    return list(Proposal.objects.filter(structure=employer).order_by("-score", "pk"))


def test_decline_with_htmx_removes_the_row_and_brings_the_next_profile(client, employer, manager):
    proposals = engine_proposals(employer, 51)
    first, last = proposals[0], proposals[-1]
    client.force_login(manager)
    page = client.get(reverse("matching:proposals")).content.decode()
    assert f'id="proposal-{first.pk}"' in page and f'id="proposal-{last.pk}"' not in page

    response = client.post(
        reverse("matching:decline", args=[first.pk]) + f"?structure={employer.pk}",
        {"reason": "profile", "comment": "Cherche un profil plus technique"},
        **HTMX,
    )
    content = response.content.decode()
    assert f'id="proposal-{first.pk}"' not in content
    assert f'id="proposal-{last.pk}"' in content
    assert "refusé" in content
    first.refresh_from_db()
    assert first.status == ProposalStatus.DECLINED and first.decline_reason == "profile"

    engine.recompute_all()
    first.refresh_from_db()
    assert first.status == ProposalStatus.DECLINED
    page = client.get(reverse("matching:proposals")).content.decode()
    assert f'id="proposal-{first.pk}"' not in page


def test_decline_without_javascript(client, employer, manager):
    proposal = propose(employer)
    client.force_login(manager)
    response = client.post(reverse("matching:decline", args=[proposal.pk]), {"reason": "no_answer"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED


def test_decline_needs_a_reason(client, employer, manager):
    proposal = propose(employer)
    client.force_login(manager)
    response = client.post(reverse("matching:decline", args=[proposal.pk]), {"reason": ""}, **HTMX)
    assert "Choisissez un motif de refus." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
