from django.core.files.base import ContentFile

from cnfs.candidates.models import CandidateCount
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories
from tests.candidates.conftest import PDF

LIST_URL = "/gestion/candidates/candidate/"


def test_the_national_team_searches_candidates_by_name_or_email(client, national, dole):
    factories.CandidateFactory(last_name="Girard", email="lea@exemple.fr", commune=dole)
    factories.CandidateFactory(last_name="Martin", email="paul@exemple.fr", commune=dole)
    client.force_login(national)
    page = client.get(LIST_URL, {"q": "girard"}).content.decode()
    assert "lea@exemple.fr" in page and "paul@exemple.fr" not in page
    page = client.get(LIST_URL, {"q": "paul@"}).content.decode()
    assert "paul@exemple.fr" in page and "lea@exemple.fr" not in page


def test_the_list_has_a_constant_number_of_queries(
    client, national, dole, django_assert_max_num_queries
):
    factories.CandidateFactory.create_batch(30, commune=dole)
    client.force_login(national)
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL, {"status__exact": "active"})
    assert response.status_code == 200


def test_the_cv_is_linked_through_the_protected_view_and_the_file_is_not_editable(
    client, national, candidate
):
    candidate.cv.save("cv.pdf", ContentFile(PDF), save=True)
    client.force_login(national)
    page = client.get(f"{LIST_URL}{candidate.pk}/change/").content.decode()
    assert f'href="/candidats/{candidate.pk}/cv/"' in page
    assert 'type="file"' not in page
    assert client.post(f"{LIST_URL}{candidate.pk}/delete/").status_code == 403


def test_anonymous_counts_are_read_only(client, national):
    count = CandidateCount.objects.create(month="2021-03-01", deleted=4)
    client.force_login(national)
    url = "/gestion/candidates/candidatecount/"
    assert client.get(url).status_code == 200
    assert client.get(f"{url}add/").status_code == 403
    response = client.post(f"{url}{count.pk}/change/", {"month": "2021-03-01", "deleted": 0})
    assert response.status_code == 403
    count.refresh_from_db()
    assert count.deleted == 4


def test_structure_managers_cannot_enter_the_admin(client, owner):
    client.force_login(owner)
    assert client.get(LIST_URL).status_code == 302


def test_the_space_has_a_constant_number_of_queries(
    client, candidate, django_assert_max_num_queries
):
    for structure in factories.StructureFactory.create_batch(30, validated=True):
        Proposal.objects.create(
            candidate=candidate,
            structure=structure,
            distance_km=5,
            score=1,
            status=ProposalStatus.PROPOSED,
        )
    client.force_login(candidate.user)
    with django_assert_max_num_queries(8):
        response = client.get("/candidats/mon-espace/")
    assert "30" in response.content.decode()
