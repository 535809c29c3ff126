from datetime import date, timedelta

import pytest
from django.test import Client

from cnfs.candidates.models import Candidate
from cnfs.common.reference import reference_of
from tests import factories
from tests.api.utils import field_errors

URL = "/api/v1/candidates/applications"


@pytest.fixture
def dole(jura):
    return factories.CommuneFactory(insee="39198", name="Dole", departement=jura)


@pytest.fixture
def application(dole):
    return {
        "first_name": "Sam",
        "last_name": "Carpentier",
        "email": "Sam.Carpentier@exemple.fr",
        "phone": "06 12 34 56 78",
        "commune": "39198",
        "max_distance_km": 40,
        "available_from": (date.today() + timedelta(days=15)).isoformat(),
        "situation": "job_seeker",
        "has_diploma": True,
        "diploma_name": "Titre professionnel responsable d’espace de médiation numérique",
        "has_experience": False,
        "motivation": "Aider les habitants de mon territoire à maîtriser le numérique.",
        "pix_level": 2,
        "consent": True,
    }


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def test_application_is_recorded_and_confirmation_sent(
    application, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(enforce_csrf_checks=True), application)

    assert response.status_code == 201, response.content
    candidate = Candidate.objects.get()
    assert response.json() == {"reference": reference_of("candidate", candidate.pk)}
    assert candidate.email == "sam.carpentier@exemple.fr"
    assert candidate.phone == "+33612345678"
    assert candidate.commune_id == "39198"
    assert candidate.max_distance_km == 40
    assert candidate.has_diploma and candidate.pix_level == 2
    assert candidate.consent_at is not None
    assert candidate.email_confirmed_at is None
    assert [m.to for m in mailoutbox] == [["sam.carpentier@exemple.fr"]]


def test_consent_is_required(client, application):
    response = post(client, {**application, "consent": False})

    assert field_errors(response) == {
        "consent": "Vous devez accepter le traitement de vos données personnelles pour candidater."
    }
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "consent"]
    assert not Candidate.objects.exists()


def test_missing_consent_is_refused(client, application):
    del application["consent"]
    assert field_errors(post(client, application)) == {"consent": "Ce champ est obligatoire."}


def test_unknown_commune_is_refused(client, application):
    errors = field_errors(post(client, {**application, "commune": "39999"}))
    assert list(errors) == ["commune"]
    assert errors["commune"].startswith("Commune introuvable")
    assert not Candidate.objects.exists()


def test_input_errors_are_in_french_and_reported_together(client, application):
    response = post(
        client,
        {
            **application,
            "max_distance_km": 30,
            "situation": "retired",
            "motivation": "x" * 2501,
            "pix_level": 4,
            "pix_use": 101,
        },
    )

    errors = field_errors(response)
    assert errors["max_distance_km"].startswith("Choisissez une valeur parmi : 5, 10")
    assert errors["situation"].startswith("Choisissez une valeur parmi : 'job_seeker'")
    assert errors["motivation"] == "Saisissez au plus 2500 caractère(s)."
    assert errors["pix_level"] == "Saisissez un nombre inférieur ou égal à 3."
    assert errors["pix_use"] == "Saisissez un nombre inférieur ou égal à 100."


def test_the_web_form_rules_apply(client, application):
    response = post(
        client,
        {**application, "email": "pas-une-adresse", "phone": "12", "available_from": "2021-03-01"},
    )

    errors = field_errors(response)
    assert errors["email"] == "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    assert errors["phone"].startswith("Numéro de téléphone invalide")
    assert errors["available_from"].startswith(
        "La date de disponibilité ne peut être dans le passé"
    )
    assert not Candidate.objects.exists()


def test_a_diploma_needs_its_name(client, application):
    response = post(client, {**application, "diploma_name": ""})
    assert field_errors(response) == {"diploma_name": "Indiquez l’intitulé de votre diplôme."}


def test_a_known_address_gets_the_same_answer_and_an_e_mail_instead(
    client, application, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, application)
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, {**application, "email": "sam.carpentier@EXEMPLE.fr"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert list(first.json()) == list(again.json()) == ["reference"]
    assert len(again.json()["reference"]) == len(first.json()["reference"])
    assert again.json()["reference"] != first.json()["reference"]
    assert Candidate.objects.count() == 1
    warning = mailoutbox[-1]
    assert warning.to == ["sam.carpentier@exemple.fr"]
    assert "aucune nouvelle candidature n’a été enregistrée" in warning.body
