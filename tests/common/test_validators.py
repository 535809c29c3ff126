"""The shared validators: phone numbers (phonenumbers), SIRET and SIREN (python-stdnum),
accent folding."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from cnfs.common.validators import (
    fold,
    normalize_french_phone,
    phone_national,
    validate_siren,
    validate_siret,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0269 61 00 00", "+262269610000"),  # Mayotte's fixed lines, not a mainland 02
        ("0262 12 34 56", "+262262123456"),
        ("0594 12 34 56", "+594594123456"),
        ("+33 3 84 12 34 56", "+33384123456"),
    ],
)
def test_phone_numbers_of_every_territory_are_stored_in_e164(typed, stored):
    assert normalize_french_phone(typed) == stored


def test_a_foreign_number_is_refused_with_a_french_message():
    with pytest.raises(ValidationError, match="Numéro de téléphone invalide"):
        normalize_french_phone("+1 202 555 0143")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33384000000", "03 84 00 00 00"),
        ("+590590123456", "0590 12 34 56"),
        ("03 84 86 80 00", "03 84 86 80 00"),
        ("à rappeler", "à rappeler"),  # unreadable: shown as it is
    ],
)
def test_phone_numbers_are_shown_in_the_national_format(stored, shown):
    assert phone_national(stored) == shown


def test_the_template_filters_show_the_number_and_link_to_it():
    html = Template('{% load phones %}<a href="{{ n|tel }}">{{ n|phone }}</a>').render(
        Context({"n": "+33384000000"})
    )
    assert html == '<a href="tel:+33-3-84-00-00-00">03 84 00 00 00</a>'


def test_la_poste_sirets_follow_their_own_rule():
    validate_siret("356 000 000 00048")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("35600000000049")


@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("20007080A", "que des chiffres"),
        ("2000708", "9 chiffres ; vous en avez saisi 7"),
        ("200070804", "clé de contrôle"),
    ],
)
def test_siren_errors_say_what_is_wrong(siren, message):
    with pytest.raises(ValidationError, match=message):
        validate_siren(siren)


def test_a_valid_siren_passes():
    validate_siren("200 070 803")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Saint-Étienne", "saint-etienne"),
        ("Cœur d’Ÿvelines", "coeur d’yvelines"),
        ("L'Haÿ-les-Roses", "l'hay-les-roses"),
    ],
)
def test_fold_removes_accents_and_ligatures_and_lowers(text, folded):
    assert fold(text) == folded


def test_fold_may_keep_the_case():
    assert fold("Île-de-France", lower=False) == "Ile-de-France"
