"""Validators and text helpers several apps share: one line, phone numbers (phonenumbers),
SIRET and SIREN (python-stdnum), accent folding."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# Line feed, carriage return, vertical tab, form feed, NEL, line and paragraph separators.
LINE_BREAK = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")


def single_line(value: str):
    """Names and addresses fit on one line (they are printed on lists, letters, exports)."""
    if value and LINE_BREAK.search(value):
        raise ValidationError(
            "Ce champ tient sur une seule ligne : retirez les retours à la ligne.",
            code="line_break",
        )


# Accent folding ----------------------------------------------------------------------------

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str, *, lower: bool = True) -> str:
    """``text`` without accents nor ligatures (and lower-cased unless ``lower=False``):
    « Cœur d’Étoile » → « coeur d’etoile ». The one accent folding of the project."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return folded.lower() if lower else folded


# Phone numbers -----------------------------------------------------------------------------

# French numbers: mainland (+33) and the overseas départements of the programme, which have
# their own country codes (0590 12 34 56 is +590 590 12 34 56). A national number (0…) is
# read in the overseas regions first: 0269 is Mayotte's, not a mainland 02.
PHONE_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "FR")
FRENCH_COUNTRY_CODES = {33, 262, 590, 594, 596}
PHONE_ERROR = (
    "Numéro de téléphone invalide : saisissez un numéro français à 10 chiffres "
    "(par exemple 03 84 12 34 56) ou au format international (+33 3 84 12 34 56)."
)


def _parse_phone(value: str):
    """The valid French number ``value`` is, or None."""
    text = (value or "").strip()
    if not text or re.search(r"[^\d\s.()+/-]", text):
        return None
    international = text.startswith(("+", "00"))
    for region in ("FR",) if international else PHONE_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        if number.country_code in FRENCH_COUNTRY_CODES and phonenumbers.is_valid_number(number):
            return number
    return None


def normalize_french_phone(value: str) -> str:
    """A French number (mainland or overseas) in E.164: ``+33384123456``.

    Accepts spaces, dots, dashes, ``0033…``, ``+33 (0)3…``; raises ValidationError otherwise.
    """
    number = _parse_phone(value)
    if number is None:
        raise ValidationError(PHONE_ERROR, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_national(value: str) -> str:
    """How a stored number is shown: ``03 84 12 34 56`` (``value`` as is if unreadable)."""
    number = _parse_phone(value)
    if number is None:
        return value or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_uri(value: str) -> str:
    """The ``tel:`` link of a stored number (``tel:+33384123456``)."""
    number = _parse_phone(value)
    if number is None:
        return "tel:" + re.sub(r"[^\d+]", "", value or "")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)


# SIRET and SIREN ---------------------------------------------------------------------------


def _identifier(value: str, *, name: str, length: int) -> str:
    digits = (value or "").replace(" ", "")
    if not digits.isdigit():
        raise ValidationError(
            f"Le {name} ne doit contenir que des chiffres ({length} chiffres, espaces permis).",
            code=f"{name.lower()}_digits",
        )
    if len(digits) != length:
        raise ValidationError(
            f"Le {name} compte {length} chiffres ; vous en avez saisi %(count)s.",
            code=f"{name.lower()}_length",
            params={"count": len(digits)},
        )
    return digits


def validate_siret(value: str):
    """14 digits with a valid check digit (python-stdnum, La Poste's numbering included);
    the message says what is wrong."""
    siret = _identifier(value, name="SIRET", length=14)
    if not stdnum_siret.is_valid(siret):
        raise ValidationError(
            "Ce SIRET n’est pas valide (sa clé de contrôle ne correspond pas) : "
            "vérifiez chaque chiffre.",
            code="siret_checksum",
        )


def validate_siren(value: str):
    """9 digits with a valid check digit (python-stdnum); the message says what is wrong."""
    siren = _identifier(value, name="SIREN", length=9)
    if not stdnum_siren.is_valid(siren):
        raise ValidationError(
            "Ce SIREN n’est pas valide (sa clé de contrôle ne correspond pas) : "
            "vérifiez chaque chiffre.",
            code="siren_checksum",
        )
