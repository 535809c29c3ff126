from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.matching import engine
from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories
from tests.recruitment.conftest import commune_north, propose


def proposals_url(structure, **params):
    query = "&".join(f"{k}={v}" for k, v in {"structure": structure.pk, **params}.items())
    return f"{reverse('matching:proposals')}?{query}"


def names_in_order(content: str, names: list[str]) -> list[str]:
    return sorted(names, key=content.index)


def test_contact_details_appear_only_once_shortlisted(client, employer, manager):
    candidate = factories.CandidateFactory(
        first_name="Inès",
        last_name="Morel",
        email="ines.morel@exemple.fr",
        phone="+33611223344",
        commune=employer.commune,
    )
    proposal = propose(employer, candidate)
    client.force_login(manager)
    page = client.get(proposals_url(employer)).content.decode()
    assert "Inès M." in page
    assert "ines.morel@exemple.fr" not in page
    assert "Morel" not in page and "06 11 22 33 44" not in page

    client.post(reverse("matching:shortlist", args=[proposal.pk]))
    page = client.get(proposals_url(employer)).content.decode()
    assert "Inès Morel" in page
    assert "ines.morel@exemple.fr" in page and "06 11 22 33 44" in page


def test_the_cv_link_appears_only_once_shortlisted(client, employer, manager):
    candidate = factories.CandidateFactory(commune=employer.commune, cv="cv/1-abc.pdf")
    proposal = propose(employer, candidate)
    cv_url = reverse("candidates:cv", args=[candidate.pk])
    client.force_login(manager)
    assert cv_url not in client.get(proposals_url(employer)).content.decode()
    client.post(reverse("matching:shortlist", args=[proposal.pk]))
    assert cv_url in client.get(proposals_url(employer)).content.decode()


def test_open_posts_are_counted_at_the_top(client, employer, manager):
    employer.occupied_posts = 1
    employer.save()
    client.force_login(manager)
    assert (
        "2 postes ouverts sur 3 attribués" in client.get(proposals_url(employer)).content.decode()
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pix_min": 2}, {"Pixou"}),
        ({"diploma": "on"}, {"Diplômée"}),
        ({"has_cv": "on"}, {"Cvette"}),
        ({"trained": "on"}, {"Ancien"}),
        ({"max_distance": 10}, {"Pixou", "Diplômée", "Cvette", "Ancien"}),
        ({}, {"Pixou", "Diplômée", "Cvette", "Ancien", "Lointain"}),
    ],
)
def test_filters(client, employer, manager, params, expected):
    near = employer.commune
    profiles = {
        "Pixou": {"pix_level": 3},
        "Diplômée": {"has_diploma": True},
        "Cvette": {"cv": "cv/2-abc.pdf"},
        "Ancien": {"former_advisor": True},
        "Lointain": {"pix_level": 1},
    }
    for name, fields in profiles.items():
        candidate = factories.CandidateFactory(first_name=name, commune=near, **fields)
        propose(employer, candidate, km=30 if name == "Lointain" else 5)
    client.force_login(manager)
    page = client.get(proposals_url(employer, **params)).content.decode()
    assert {name for name in profiles if f"{name} C." in page} == expected


def test_sorting(client, employer, manager):
    today = timezone.localdate()
    for name, km, score, days in [
        ("Alpha", 12, 90, 30),
        ("Bravo", 3, 40, 10),
        ("Charlie", 8, 60, 0),
    ]:
        candidate = factories.CandidateFactory(
            first_name=name, commune=employer.commune, available_from=today + timedelta(days)
        )
        propose(employer, candidate, km=km, score=score)
    client.force_login(manager)
    names = ["Alpha C.", "Bravo C.", "Charlie C."]

    def order(sort):
        return names_in_order(
            client.get(proposals_url(employer, sort=sort)).content.decode(), names
        )

    assert order("pertinence") == ["Alpha C.", "Charlie C.", "Bravo C."]
    assert order("distance") == ["Bravo C.", "Charlie C.", "Alpha C."]
    assert order("availability") == ["Charlie C.", "Bravo C.", "Alpha C."]


def test_the_candidate_named_by_the_structure_comes_first(client, employer, manager, jura):
    named = factories.CandidateFactory(
        first_name="Nommée",
        email="nommee@exemple.fr",
        commune=commune_north(15, jura),
        max_distance_km=40,
    )
    factories.CandidateFactory(
        first_name="Voisine",
        commune=employer.commune,
        has_diploma=True,
        has_experience=True,
        pix_level=3,
    )
    employer.identified_candidate = "Nommée Candidat <nommee@exemple.fr>"
    employer.save()
    engine.refresh_structure(employer.pk)
    assert Proposal.objects.get(candidate=named).origin == Origin.NAMED
    client.force_login(manager)
    page = client.get(proposals_url(employer)).content.decode()
    assert names_in_order(page, ["Nommée C.", "Voisine C."]) == ["Nommée C.", "Voisine C."]
    assert "Nommé(e) par votre structure" in page


def test_tabs_show_declined_profiles(client, employer, manager):
    propose(employer, factories.CandidateFactory(first_name="Gardée", commune=employer.commune))
    propose(
        employer,
        factories.CandidateFactory(first_name="Refusée", commune=employer.commune),
        status=ProposalStatus.DECLINED,
        decline_reason="distance",
    )
    client.force_login(manager)
    page = client.get(proposals_url(employer)).content.decode()
    assert "Gardée C." in page and "Refusée C." not in page
    page = client.get(proposals_url(employer, tab="declined")).content.decode()
    assert "Refusée C." in page and "Gardée C." not in page
    assert "Trop éloigné du lieu de travail" in page
