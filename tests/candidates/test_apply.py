import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.candidates.enums import CandidateStatus
from cnfs.candidates.models import CV_MAX_BYTES, Candidate
from tests import factories
from tests.candidates.conftest import PDF

APPLY_URL = "/candidats/inscription/"


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def link_path(body: str) -> str:
    return "/" + re.search(r"https?://\S+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def pdf(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_application_form_is_public_and_explains_the_use_of_data(client, db):
    response = client.get(APPLY_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Devenir conseiller numérique</h1>" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="application/pdf"' in page
    assert 'href="/donnees-personnelles/"' in page
    assert "jamais publiquement" in page
    assert 'data-counter-max="2500"' in page
    for value in ("5", "10", "15", "20", "40", "100", "2000"):
        assert f'name="max_distance_km" value="{value}"' in page


def test_valid_application_creates_the_candidate_stores_the_cv_privately_and_sends_the_link(
    client, application_data, private_storage, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, {**application_data, "cv": pdf()})
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:apply_sent")
    candidate = Candidate.objects.get()
    assert candidate.email == "lea.girard@exemple.fr"
    assert candidate.phone == "+33612345678"
    assert candidate.commune_id == "39198"
    assert candidate.max_distance_km == 40
    assert candidate.has_diploma and not candidate.has_experience
    assert (candidate.pix_level, candidate.pix_use, candidate.pix_creation) == (2, 64, None)
    assert candidate.consent_at is not None and candidate.email_confirmed_at is None
    assert candidate.status == CandidateStatus.ACTIVE
    stored = private_storage / candidate.cv.name
    assert stored.read_bytes() == PDF
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea.girard@exemple.fr"]
    assert "/candidats/confirmer/" in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "lea.girard@exemple.fr" in page


def test_the_cv_is_optional(client, application_data):
    response = client.post(APPLY_URL, application_data)
    assert response.status_code == 302
    assert not Candidate.objects.get().cv


def test_a_text_file_named_pdf_is_refused(client, application_data):
    fake = pdf("cv.pdf", b"Je suis un simple fichier texte.\n" * 10)
    response = client.post(APPLY_URL, {**application_data, "cv": fake})
    assert response.status_code == 200
    assert errors_of(response, "cv") == ["Le CV doit être un document PDF."]
    assert not Candidate.objects.exists()


def test_a_cv_over_5_mb_is_refused(client, application_data):
    big = pdf("cv.pdf", PDF + b"0" * (CV_MAX_BYTES + 1 - len(PDF)))
    response = client.post(APPLY_URL, {**application_data, "cv": big})
    assert "dépasse 5 Mo" in errors_of(response, "cv")[0]
    assert not Candidate.objects.exists()


def test_a_cv_of_exactly_5_mb_is_accepted(client, application_data):
    exact = pdf("cv.pdf", PDF + b"0" * (CV_MAX_BYTES - len(PDF)))
    response = client.post(APPLY_URL, {**application_data, "cv": exact})
    assert response.status_code == 302


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_line_break_in_a_name_is_refused(client, application_data, field):
    response = client.post(APPLY_URL, {**application_data, field: "Sam\u2028Autre"})
    assert "une seule ligne" in errors_of(response, field)[0]
    assert not Candidate.objects.exists()


def test_consent_is_required(client, application_data):
    data = {k: v for k, v in application_data.items() if k != "consent"}
    response = client.post(APPLY_URL, data)
    assert "accepter le traitement de vos données" in errors_of(response, "consent")[0]
    assert not Candidate.objects.exists()


def test_unknown_commune_is_refused(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "commune": "Nulle-Part-sur-Loue"})
    assert "Commune introuvable" in errors_of(response, "commune")[0]
    assert not Candidate.objects.exists()


def answer(client, data):
    """What the applicant sees: the redirect, then the page it leads to."""
    response = client.post(APPLY_URL, data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    return response["Location"], re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_known_address_sees_the_same_answer_as_a_new_one(
    client, application_data, dole, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = answer(client, application_data)
    with django_capture_on_commit_callbacks(execute=True):
        known = answer(client, {**application_data, "first_name": "Autre"})
    assert new == known
    assert Candidate.objects.get().first_name == "Léa"


def test_a_known_unconfirmed_address_gets_the_confirmation_link_again(
    client, application_data, dole, django_capture_on_commit_callbacks
):
    existing = factories.CandidateFactory(
        email="lea.girard@exemple.fr", commune=dole, email_confirmed_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, application_data)
    (warning,) = mail.outbox
    assert warning.to == ["lea.girard@exemple.fr"]
    assert "aucune nouvelle candidature n’a été enregistrée" in warning.body
    assert link_path(warning.body).startswith("/candidats/confirmer/")
    assert "/compte/connexion/" not in warning.body
    assert Candidate.objects.get() == existing


def test_a_known_confirmed_address_is_told_how_to_log_in_or_reset_the_password(
    client, application_data, candidate, django_capture_on_commit_callbacks
):
    application_data["email"] = candidate.email.upper()
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, application_data)
    (warning,) = mail.outbox
    assert warning.to == [candidate.email]
    assert "/compte/connexion/" in warning.body and "/compte/mot-de-passe/" in warning.body
    assert "/candidats/confirmer/" not in warning.body
    assert Candidate.objects.count() == 1


def test_an_email_whose_application_was_withdrawn_may_apply_again(client, application_data, dole):
    factories.CandidateFactory(
        email="lea.girard@exemple.fr", commune=dole, status=CandidateStatus.WITHDRAWN
    )
    response = client.post(APPLY_URL, application_data)
    assert response.status_code == 302
    assert Candidate.objects.count() == 2


def test_diploma_name_is_required_with_a_diploma(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "diploma_name": ""})
    assert errors_of(response, "diploma_name") == ["Indiquez l’intitulé de votre diplôme."]


def test_availability_date_in_the_past_is_refused(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "available_from": "2021-03-24"})
    assert "dans le passé" in errors_of(response, "available_from")[0]


def test_motivation_over_2500_characters_is_refused(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "motivation": "x" * 2501})
    assert "2501 caractères" in errors_of(response, "motivation")[0]


@pytest.mark.parametrize(("field", "value"), [("pix_level", "4"), ("pix_use", "101")])
def test_pix_results_out_of_range_are_refused(client, application_data, field, value):
    response = client.post(APPLY_URL, {**application_data, field: value})
    assert errors_of(response, field)
    assert not Candidate.objects.exists()


def test_confirmation_creates_the_account_with_the_candidate_role(
    client, application_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPLY_URL, application_data)
    confirm_path = link_path(mail.outbox[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(confirm_path)
    assert response.status_code == 200
    assert "Adresse e-mail confirmée" in response.content.decode()
    candidate = Candidate.objects.get()
    assert candidate.email_confirmed_at is not None
    user = User.objects.get(email="lea.girard@exemple.fr")
    assert candidate.user == user
    assert user.role_kinds() == [Role.CANDIDATE]
    assert not user.is_active
    assert "/compte/activer/" in mail.outbox[-1].body
    again = client.get(confirm_path)
    assert "déjà confirmée" in again.content.decode()


def test_a_bad_confirmation_token_is_a_400(client, db):
    response = client.get("/candidats/confirmer/pas-un-jeton/")
    assert response.status_code == 400
    assert "Lien de confirmation invalide" in response.content.decode()


def test_reapplying_after_withdrawal_moves_the_account_to_the_new_application(
    client, candidate, application_data, django_capture_on_commit_callbacks
):
    from cnfs.candidates import services

    services.withdraw(candidate, by=candidate.user)
    data = {**application_data, "email": candidate.email}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPLY_URL, data)
    new = Candidate.objects.get(status=CandidateStatus.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link_path(mail.outbox[0].body))
    assert response.status_code == 200
    new.refresh_from_db()
    candidate.refresh_from_db()
    assert new.user_id is not None and candidate.user_id is None


def test_after_an_error_the_chosen_cv_is_asked_again_at_its_field(client, application_data):
    data = {k: v for k, v in application_data.items() if k != "consent"}
    response = client.post(APPLY_URL, {**data, "cv": pdf("mon-cv.pdf")})
    (message,) = errors_of(response, "cv")
    assert "choisissez de nouveau votre CV « mon-cv.pdf »" in message
    assert f'href="#{response.context["form"]["cv"].id_for_label}"' in response.content.decode()
    assert not Candidate.objects.exists()


def test_without_a_cv_chosen_an_error_asks_nothing_about_it(client, application_data):
    data = {k: v for k, v in application_data.items() if k != "consent"}
    response = client.post(APPLY_URL, data)
    assert errors_of(response, "cv") == []
