"""Searching all available candidates around the structure and shortlisting one by hand."""

from django.db import connection
from django.urls import reverse

from cnfs.matching.enums import Origin, ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories
from tests.recruitment.conftest import commune_north


def search_url(structure, **params):
    query = "&".join(f"{k}={v}" for k, v in {"structure": structure.pk, **params}.items())
    return f"{reverse('matching:search')}?{query}"


def test_a_candidate_30_km_away_is_found_and_shortlisted(client, employer, manager, jura):
    # Accepts only 10 km: the engine never proposes her; the structure finds her.
    candidate = factories.CandidateFactory(
        first_name="Zoé",
        last_name="Lambert",
        email="zoe@exemple.fr",
        commune=commune_north(30, jura),
        max_distance_km=10,
    )
    client.force_login(manager)
    page = client.get(search_url(employer)).content.decode()
    assert "Zoé L." in page and "30 km" in page
    assert "zoe@exemple.fr" not in page and "Lambert" not in page

    response = client.post(
        reverse("matching:shortlist_candidate", args=[candidate.pk]) + f"?structure={employer.pk}"
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(candidate=candidate, structure=employer)
    assert proposal.origin == Origin.MANUAL and proposal.status == ProposalStatus.SHORTLISTED
    assert round(proposal.distance_km) == 30
    page = client.get(search_url(employer)).content.decode()
    assert "zoe@exemple.fr" in page and "Déjà en relation : présélectionné" in page


def test_the_distance_bounds_the_search(client, employer, manager, jura):
    factories.CandidateFactory(first_name="Proche", commune=commune_north(30, jura))
    factories.CandidateFactory(first_name="Loin", commune=commune_north(60, jura))
    client.force_login(manager)
    page = client.get(search_url(employer)).content.decode()
    assert "Proche C." in page and "Loin C." not in page
    page = client.get(search_url(employer, distance=100)).content.decode()
    assert "Proche C." in page and "Loin C." in page
    page = client.get(search_url(employer, distance=10)).content.decode()
    assert "Proche C." not in page


def test_search_filters_and_sorts(client, employer, manager, jura):
    factories.CandidateFactory(first_name="Lointaine", commune=commune_north(20, jura), pix_level=3)
    factories.CandidateFactory(first_name="Voisine", commune=commune_north(2, jura), pix_level=3)
    factories.CandidateFactory(first_name="Novice", commune=commune_north(1, jura), pix_level=1)
    factories.CandidateFactory(first_name="Absente", commune=employer.commune, available=False)
    client.force_login(manager)
    page = client.get(search_url(employer, pix_min=2)).content.decode()
    assert "Novice C." not in page and "Absente C." not in page
    assert page.index("Voisine C.") < page.index("Lointaine C.")


def test_only_a_structure_with_an_open_post_shortlists(client, employer, manager):
    employer.occupied_posts = employer.granted_posts
    employer.save()
    candidate = factories.CandidateFactory(commune=employer.commune)
    client.force_login(manager)
    client.post(reverse("matching:shortlist_candidate", args=[candidate.pk]))
    assert not Proposal.objects.exists()


def test_a_candidate_beyond_the_search_radius_cannot_be_shortlisted(
    client, employer, manager, jura
):
    candidate = factories.CandidateFactory(commune=commune_north(300, jura))
    client.force_login(manager)
    client.post(reverse("matching:shortlist_candidate", args=[candidate.pk]))
    assert not Proposal.objects.exists()


def test_the_search_reads_only_the_candidates_around_the_structure(client, employer, manager, jura):
    """A box on the communes' latitude and longitude, then the exact distance: a candidate
    exactly at the radius is found, those far away are never read."""
    factories.CandidateFactory(first_name="Bord", commune=commune_north(40, jura))
    factories.CandidateFactory(
        first_name="Paris", commune=factories.CommuneFactory(latitude=48.85, longitude=2.35)
    )
    client.force_login(manager)
    read = []

    def positions(execute, sql, params, many, context):
        rows = execute(sql, params, many, context)
        if '"latitude"' in sql and '"candidates_candidate"' in sql:
            read.append(params)
        return rows

    with connection.execute_wrapper(positions):
        page = client.get(search_url(employer, distance=40)).content.decode()
    assert "Bord C." in page and "Paris C." not in page
    assert len(read) == 1 and any(46 < p < 47.1 for p in read[0] if isinstance(p, float))
