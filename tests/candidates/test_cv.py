import pytest
from django.core.files.base import ContentFile

from cnfs.accounts.enums import Role
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.matching.perms import can_see_cv
from tests import factories
from tests.candidates.conftest import PDF


@pytest.fixture
def with_cv(candidate):
    candidate.cv.save("cv.pdf", ContentFile(PDF), save=True)
    return candidate


def cv_url(candidate):
    return f"/candidats/{candidate.pk}/cv/"


def manager_with(candidate, status):
    structure = factories.StructureFactory(validated=True)
    Proposal.objects.create(
        candidate=candidate, structure=structure, status=status, distance_km=5, score=1
    )
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


def assert_serves_the_pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="CV-')
    assert "sandbox" in response["Content-Security-Policy"].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "status",
    [
        ProposalStatus.SHORTLISTED,
        ProposalStatus.RECRUITMENT_REQUESTED,
        ProposalStatus.RECRUITED,
    ],
)
def test_a_structure_that_shortlisted_the_candidate_sees_the_cv(client, with_cv, status):
    client.force_login(manager_with(with_cv, status))
    assert_serves_the_pdf(client.get(cv_url(with_cv)))


@pytest.mark.parametrize("status", [ProposalStatus.PROPOSED, ProposalStatus.DECLINED])
def test_a_structure_that_did_not_shortlist_gets_a_404(client, with_cv, status):
    client.force_login(manager_with(with_cv, status))
    assert client.get(cv_url(with_cv)).status_code == 404


def test_the_candidate_sees_his_or_her_own_cv(client, with_cv):
    client.force_login(with_cv.user)
    assert_serves_the_pdf(client.get(cv_url(with_cv)))


def test_another_candidate_gets_a_404(client, with_cv, dole):
    user = factories.UserFactory(roles=[(Role.CANDIDATE, {})])
    factories.CandidateFactory(user=user, email=user.email, commune=dole)
    client.force_login(user)
    assert client.get(cv_url(with_cv)).status_code == 404


def test_the_national_team_sees_the_cv(client, with_cv, national):
    client.force_login(national)
    assert_serves_the_pdf(client.get(cv_url(with_cv)))


def test_a_prefecture_and_anonymous_visitors_get_a_404(client, with_cv, jura):
    assert client.get(cv_url(with_cv)).status_code == 404
    client.force_login(factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})]))
    assert client.get(cv_url(with_cv)).status_code == 404


def test_a_candidate_without_cv_is_a_404_even_for_the_national_team(client, candidate, national):
    client.force_login(national)
    assert client.get(cv_url(candidate)).status_code == 404


def test_the_manager_of_another_structure_is_not_helped_by_a_colleague(with_cv, colleague):
    manager_with(with_cv, ProposalStatus.SHORTLISTED)
    assert not can_see_cv(colleague, with_cv)


def test_cvs_are_never_under_the_public_media_folder(client, with_cv, private_storage, settings):
    path = with_cv.cv.path
    assert path.startswith(str(private_storage))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    for url in (with_cv.cv.url, f"/media/{with_cv.cv.name}"):
        response = client.get(url)
        assert response.status_code == 404
