import re

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.common.validators import normalize_french_phone
from cnfs.structures.enums import COMMITMENTS, RequestKind, StructureStatus
from cnfs.structures.models import Structure
from tests import factories

APPLY_URL = reverse("structures:apply")


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def confirmation_path(body: str) -> str:
    return "/" + re.search(r"https?://\S+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_application_form_is_public(client, db):
    response = client.get(APPLY_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Candidater pour accueillir un conseiller numérique</h1>" in page
    for name, _ in COMMITMENTS:
        assert f'name="{name}"' in page


def test_valid_application_creates_the_structure_its_request_and_sends_the_link(
    client, application_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, application_data)
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:apply_sent")
    structure = Structure.objects.get()
    assert structure.siret == "20007056300016"
    assert structure.departement_id == "39"
    assert structure.contact_email == "claire.vuillemin@grand-dole.fr"
    assert structure.contact_phone == "+33384797840"
    assert structure.label_france_services and not structure.label_aidants_connect
    assert structure.commitments_accepted_at is not None
    assert structure.email_confirmed_at is None
    assert structure.status == StructureStatus.SUBMITTED
    request = structure.requests.get()
    assert (request.kind, request.posts) == (RequestKind.APPLICATION, 2)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire.vuillemin@grand-dole.fr"]
    assert "/structures/confirmer/" in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "claire.vuillemin@grand-dole.fr" in page


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("2000705630001A", "ne doit contenir que des chiffres"),
        ("2000705630001", "vous en avez saisi 13"),
        ("200 070 563 00019", "clé de contrôle"),
    ],
)
def test_invalid_siret_is_refused_with_what_is_wrong(client, application_data, siret, message):
    response = client.post(APPLY_URL, {**application_data, "siret": siret})
    assert response.status_code == 200
    assert any(message in e for e in errors_of(response, "siret"))
    assert not Structure.objects.exists()


@pytest.mark.parametrize("commitment", [name for name, _ in COMMITMENTS])
def test_each_commitment_is_required(client, application_data, commitment):
    data = {k: v for k, v in application_data.items() if k != commitment}
    response = client.post(APPLY_URL, data)
    assert errors_of(response, commitment) == [
        "Cet engagement est obligatoire : cochez la case pour que la candidature soit recevable."
    ]
    assert not Structure.objects.exists()


@pytest.mark.parametrize(
    ("posts", "message"),
    [("0", "Demandez au moins 1 conseiller."), ("51", "Demandez au plus 50 conseillers.")],
)
def test_number_of_advisors_is_between_1_and_50(client, application_data, posts, message):
    response = client.post(APPLY_URL, {**application_data, "posts_requested": posts})
    assert errors_of(response, "posts_requested") == [message]
    assert not Structure.objects.exists()


def test_unknown_commune_is_refused(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "commune": "Nulle-Part-sur-Loue"})
    assert "Commune introuvable" in errors_of(response, "commune")[0]
    assert not Structure.objects.exists()


def test_start_date_in_the_past_is_refused(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "desired_start_date": "2021-03-24"})
    assert "dans le passé" in errors_of(response, "desired_start_date")[0]


def test_motivation_longer_than_5000_characters_is_refused(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "motivation": "x" * 5001})
    assert "5001 caractères" in errors_of(response, "motivation")[0]


@pytest.mark.parametrize("field", ["name", "address", "contact_first_name", "contact_last_name"])
def test_a_line_break_in_a_single_line_field_is_refused(client, application_data, field):
    response = client.post(APPLY_URL, {**application_data, field: "Ligne 1\r\nLigne 2"})
    assert errors_of(response, field) == [
        "Ce champ tient sur une seule ligne : retirez les retours à la ligne."
    ]
    assert not Structure.objects.exists()


def test_invalid_phone_is_refused_in_french(client, application_data):
    response = client.post(APPLY_URL, {**application_data, "contact_phone": "12 34"})
    assert "Numéro de téléphone invalide" in errors_of(response, "contact_phone")[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("03 84 79 78 40", "+33384797840"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("0590 12 34 56", "+590590123456"),
        ("0692 12 34 56", "+262692123456"),
        ("+596 696 12 34 56", "+596696123456"),
    ],
)
def test_french_phone_numbers_are_stored_in_international_format(typed, stored):
    assert normalize_french_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["0012345678", "06 12 34 56", "+44 20 7946 0958", "+590 612345678", "06 12 AB 56 78"]
)
def test_invalid_phone_numbers_are_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalize_french_phone(typed)


def test_same_siret_is_accepted_but_flagged_as_possible_duplicate(
    client, application_data, structure
):
    Structure.objects.filter(pk=structure.pk).update(siret="20007056300016")
    response = client.post(APPLY_URL, application_data)
    assert response.status_code == 302
    new = Structure.objects.exclude(pk=structure.pk).get()
    assert new.possible_duplicate_of == structure


def test_confirmation_link_confirms_and_invites_the_contact_once(
    client, application_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPLY_URL, application_data)
    link = confirmation_path(mail.outbox[0].body)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link)
    assert response.status_code == 200
    assert "Adresse e-mail confirmée" in response.content.decode()
    structure = Structure.objects.get()
    assert structure.email_confirmed_at is not None
    contact = User.objects.get(email="claire.vuillemin@grand-dole.fr")
    assert not contact.is_active
    assert contact.roles.get().role == Role.STRUCTURE
    assert contact.roles.get().structure == structure
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2 and any("Activez votre compte" in s for s in subjects)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(link)
    assert again.status_code == 200
    assert "déjà confirmée" in again.content.decode()
    assert contact.roles.count() == 1
    assert mail.outbox == []


def test_confirmation_gives_an_existing_account_the_new_structure(
    client, application_data, django_capture_on_commit_callbacks
):
    existing = factories.UserFactory(email="claire.vuillemin@grand-dole.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPLY_URL, application_data)
    client.get(confirmation_path(mail.outbox[0].body))
    assert existing.roles.get().structure == Structure.objects.get()


@pytest.mark.parametrize("token", ["nimportequoi", "MTIz:1tXyZa:abcdefghijklmnop"])
def test_bad_confirmation_token_is_a_french_400(client, db, token):
    response = client.get(reverse("structures:confirm", args=[token]))
    assert response.status_code == 400
    assert "Lien de confirmation invalide" in response.content.decode()


def test_a_library_says_so_in_its_application(client, application_data, structure_page_reader):
    client.post(APPLY_URL, application_data | {"is_library": "on"})
    structure = Structure.objects.get()
    assert structure.is_library

    client.force_login(structure_page_reader)
    page = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Bibliothèque ou médiathèque" in page


def test_an_application_is_not_a_library_by_default(client, application_data):
    client.post(APPLY_URL, application_data)
    assert Structure.objects.get().is_library is False


@pytest.fixture
def structure_page_reader(db):
    return factories.UserFactory(roles=[(Role.NATIONAL, {})])
