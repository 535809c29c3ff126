from datetime import date, timedelta

import pytest
from django.test import Client

from cnfs.common.reference import reference_of
from cnfs.structures.enums import COMMITMENTS, RequestKind, StructureStatus
from cnfs.structures.models import Structure
from tests import factories
from tests.api.utils import field_errors

URL = "/api/v1/structures/applications"


@pytest.fixture
def dole(jura):
    return factories.CommuneFactory(insee="39198", name="Dole", departement=jura)


@pytest.fixture
def application(dole):
    return {
        "legal_type": "epci",
        "name": "CC du Grand Dole",
        "siret": "200 070 530 00015",
        "address": "Place de l’Europe",
        "commune": "39198",
        "contact_first_name": "Dominique",
        "contact_last_name": "Martin",
        "contact_role": "Directrice générale des services",
        "contact_email": "DGS@grand-dole.fr",
        "contact_phone": "+33384000000",
        "posts_requested": 2,
        "desired_start_date": (date.today() + timedelta(days=30)).isoformat(),
        "motivation": "Accompagner les habitants dans leurs démarches en ligne.",
        "label_france_services": True,
        **{name: True for name, _ in COMMITMENTS},
    }


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def test_application_is_recorded_and_confirmation_sent(
    client, application, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, application)

    assert response.status_code == 201
    structure = Structure.objects.get()
    assert response.json() == {
        "reference": reference_of("structure", structure.pk),
        "status": "submitted",
        "status_label": "Candidature déposée",
    }
    assert structure.siret == "20007053000015"
    assert structure.departement_id == "39"
    assert structure.status == StructureStatus.SUBMITTED
    assert structure.commitments_accepted_at is not None
    assert structure.requests.get().kind == RequestKind.APPLICATION
    assert structure.requests.get().posts == 2
    assert [m.to for m in mailoutbox] == [["dgs@grand-dole.fr"]]
    assert "CC du Grand Dole" in mailoutbox[0].body


def test_anonymous_application_needs_no_csrf_token(application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(enforce_csrf_checks=True), application)
    assert response.status_code == 201


def test_bad_siret_is_refused_with_a_french_message(client, application, mailoutbox):
    response = post(client, {**application, "siret": "20007053000016"})

    errors = field_errors(response)
    assert errors["siret"].startswith("Ce SIRET n’est pas valide")
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "siret"]
    assert not Structure.objects.exists()
    assert mailoutbox == []


def test_a_commitment_not_accepted_is_refused(client, application):
    response = post(client, {**application, "commitment_training": False})

    assert field_errors(response) == {
        "commitment_training": "Vous devez accepter cet engagement : permettre au conseiller "
        "de suivre sa formation initiale."
    }
    assert not Structure.objects.exists()


def test_a_missing_commitment_is_refused(client, application):
    del application["commitment_means"]
    assert field_errors(post(client, application)) == {
        "commitment_means": "Ce champ est obligatoire."
    }


def test_unknown_commune_is_refused(client, application):
    errors = field_errors(post(client, {**application, "commune": "39999"}))
    assert errors["commune"].startswith("Commune introuvable")


def test_input_errors_are_in_french(client, application):
    response = post(
        client,
        {
            **application,
            "legal_type": "club",
            "posts_requested": 0,
            "name": "  ",
            "contact_email": "x",
        },
    )

    errors = field_errors(response)
    assert errors["legal_type"].startswith("Choisissez une valeur parmi : 'commune', 'epci'")
    assert errors["posts_requested"] == "Saisissez un nombre supérieur ou égal à 1."
    assert errors["name"] == "Ce champ ne peut pas être vide."


def test_the_web_form_rules_apply(client, application):
    response = post(
        client,
        {
            **application,
            "contact_email": "pas-une-adresse",
            "contact_phone": "12",
            "desired_start_date": "2021-03-01",
        },
    )

    errors = field_errors(response)
    assert (
        errors["contact_email"]
        == "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    )
    assert errors["contact_phone"].startswith("Numéro de téléphone invalide")
    assert errors["desired_start_date"].startswith(
        "La date de démarrage ne peut être dans le passé"
    )


def test_phone_is_stored_in_international_format(
    client, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, {**application, "contact_phone": "03 84 12 34 56"})
    assert Structure.objects.get().contact_phone == "+33384123456"


def test_same_siret_is_accepted_and_flagged_as_possible_duplicate(
    client, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, application).json()["reference"]
        second = post(client, application).json()["reference"]
    older, newer = Structure.objects.order_by("pk")
    assert first != second and newer.possible_duplicate_of == older


def test_the_reference_is_opaque_not_the_sequential_id(client, application):
    first = post(client, application).json()["reference"]
    second = post(client, application).json()["reference"]
    pks = [str(pk) for pk in Structure.objects.order_by("pk").values_list("pk", flat=True)]
    assert len(first) == len(second) == 20 and first != second
    assert first not in pks and second not in pks
    assert int(first, 16) and int(second, 16)  # hexadecimal, no readable number inside
