from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.candidates import services
from cnfs.candidates.enums import CandidateStatus
from cnfs.candidates.models import Candidate, CandidateCount
from cnfs.matching import engine
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from tests import factories
from tests.candidates.conftest import PDF

SPACE_URL = "/candidats/mon-espace/"


def profile_post(candidate, **changes):
    data = {
        "available": "on" if candidate.available else "",
        "available_from": candidate.available_from.isoformat(),
        "commune": candidate.commune.label,
        "max_distance_km": str(candidate.max_distance_km),
        "phone": candidate.phone,
        "situation": candidate.situation,
        "has_diploma": str(candidate.has_diploma),
        "diploma_name": candidate.diploma_name,
        "has_experience": str(candidate.has_experience),
        "motivation": candidate.motivation,
        "pix_level": candidate.pix_level or "",
        "pix_use": "",
        "pix_communication": "",
        "pix_creation": "",
        **changes,
    }
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def open_structure(dole):
    return factories.StructureFactory(validated=True, granted_posts=2, commune=dole)


def test_the_space_is_for_candidates_only(client, owner, national):
    client.force_login(owner)
    assert client.get(SPACE_URL).status_code == 403
    client.force_login(national)
    assert client.get(SPACE_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(SPACE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_the_space_shows_the_summary_and_counts_proposals_without_naming_structures(
    client, candidate, open_structure
):
    shortlisting = factories.StructureFactory(name="Mairie de Dole", validated=True)
    factories_proposal(candidate, open_structure, ProposalStatus.PROPOSED)
    factories_proposal(candidate, shortlisting, ProposalStatus.SHORTLISTED)
    client.force_login(candidate.user)
    response = client.get(SPACE_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Mon espace candidat</h1>" in page
    assert "20 km autour de Dole" in page
    assert "Profil proposé à une structure" in page
    assert "Présélection par une structure" in page
    assert "Mairie de Dole" not in page and open_structure.name not in page


def factories_proposal(candidate, structure, status):
    return Proposal.objects.create(
        candidate=candidate, structure=structure, status=status, distance_km=3, score=1
    )


def test_enabling_availability_bumps_the_zone_and_refreshes_the_proposals(
    client, candidate, open_structure, django_capture_on_commit_callbacks
):
    Candidate.objects.filter(pk=candidate.pk).update(available=False)
    candidate.refresh_from_db()
    engine.recompute_all()
    assert not Proposal.objects.exists()
    client.force_login(candidate.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SPACE_URL, profile_post(candidate, available="on"))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.available
    assert candidate.zone_version == 2
    proposal = Proposal.objects.get()
    assert (proposal.candidate, proposal.structure) == (candidate, open_structure)


def test_a_change_that_is_not_the_zone_keeps_the_zone_version(client, candidate):
    client.force_login(candidate.user)
    response = client.post(SPACE_URL, profile_post(candidate, phone="03 84 00 00 01"))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.phone, candidate.zone_version) == ("+33384000001", 1)


def test_an_old_availability_date_may_be_kept_but_not_set(client, candidate):
    past = timezone.localdate() - timedelta(days=30)
    Candidate.objects.filter(pk=candidate.pk).update(available_from=past)
    candidate.refresh_from_db()
    client.force_login(candidate.user)
    assert client.post(SPACE_URL, profile_post(candidate)).status_code == 302
    earlier = (past - timedelta(days=1)).isoformat()
    response = client.post(SPACE_URL, profile_post(candidate, available_from=earlier))
    assert "dans le passé" in response.context["form"].errors["available_from"][0]


def test_the_cv_can_be_replaced_and_removed(client, candidate, private_storage):
    client.force_login(candidate.user)
    upload = SimpleUploadedFile("mon-cv.pdf", PDF, content_type="application/pdf")
    assert client.post(SPACE_URL, profile_post(candidate, cv=upload)).status_code == 302
    candidate.refresh_from_db()
    path = private_storage / candidate.cv.name
    assert path.read_bytes() == PDF
    response = client.post(SPACE_URL, profile_post(candidate, remove_cv="on"))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert not candidate.cv and not path.exists()


def test_a_text_file_cannot_replace_the_cv(client, candidate):
    client.force_login(candidate.user)
    fake = SimpleUploadedFile("cv.pdf", b"hello", content_type="application/pdf")
    response = client.post(SPACE_URL, profile_post(candidate, cv=fake))
    assert response.context["form"].errors["cv"] == ["Le CV doit être un document PDF."]


def test_withdraw_asks_for_confirmation_then_closes_the_proposals(
    client, candidate, open_structure
):
    proposal = factories_proposal(candidate, open_structure, ProposalStatus.PROPOSED)
    client.force_login(candidate.user)
    response = client.post("/candidats/mon-espace/retirer/", {})
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ACTIVE
    response = client.post("/candidats/mon-espace/retirer/", {"confirm": "on"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.WITHDRAWN and not candidate.available
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    page = client.get(SPACE_URL).content.decode()
    assert "Candidature retirée" in page
    assert "Mettre à jour mon profil" not in page


def test_erase_removes_the_candidate_the_cv_and_the_account_and_keeps_a_count(
    client, candidate, private_storage
):
    client.force_login(candidate.user)
    upload = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    client.post(SPACE_URL, profile_post(candidate, cv=upload))
    candidate.refresh_from_db()
    cv_file = private_storage / candidate.cv.name
    assert cv_file.exists()
    assert client.post("/candidats/mon-espace/supprimer/", {}).status_code == 200
    assert Candidate.objects.exists()
    response = client.post("/candidats/mon-espace/supprimer/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/candidats/candidature-supprimee/"
    assert not Candidate.objects.exists()
    assert not cv_file.exists()
    assert not User.objects.filter(email=candidate.email).exists()
    closed = User.objects.get(pk=candidate.user_id)  # the journal still refers to it
    assert not closed.is_active and not closed.has_usable_password()
    assert (closed.first_name, closed.last_name) == ("", "")
    assert not closed.roles.exists()
    assert CandidateCount.objects.get().deleted == 1
    page = client.get(response["Location"])
    assert "Vos données sont effacées" in page.content.decode()
    assert client.get(SPACE_URL).status_code == 302  # logged out


def test_a_recruited_advisor_sees_it_and_cannot_delete(client, candidate):
    Candidate.objects.filter(pk=candidate.pk).update(in_post=True, available=False)
    client.force_login(candidate.user)
    page = client.get(SPACE_URL).content.decode()
    assert "Vous êtes en poste comme conseiller numérique" in page
    assert "/candidats/mon-espace/supprimer/" not in page
    response = client.post("/candidats/mon-espace/supprimer/", {"confirm": "on"})
    assert response.status_code == 302
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_only_the_candidate_or_the_national_team_may_change_a_profile(candidate, owner, national):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_profile(candidate, by=owner, max_distance_km=100)
    other = factories.UserFactory(roles=[(Role.CANDIDATE, {})])
    with pytest.raises(PermissionDenied):
        services.erase(candidate, by=other)
    services.update_profile(candidate, by=national, max_distance_km=100)
    services.update_profile(candidate, by=candidate.user, max_distance_km=40)
    candidate.refresh_from_db()
    assert candidate.max_distance_km == 40


def test_the_journal_names_no_candidate(db):
    from cnfs.common import audit
    from cnfs.common.models import AuditEntry
    from tests.factories import CandidateFactory

    candidate = CandidateFactory(first_name="Zélie", last_name="Personne")
    audit.record("candidate.test", obj=candidate, summary="Essai")
    entry = AuditEntry.objects.get(action="candidate.test")
    assert "Zélie" not in entry.object_repr and str(candidate.pk) in entry.object_repr
