"""French phone numbers (mainland and overseas) in international format."""

import re

from django.core.exceptions import ValidationError

# Overseas numbers have their own country code: 0590 12 34 56 is +590 590 12 34 56.
OVERSEAS_PHONE_PREFIXES = {
    "590": "590", "690": "590", "691": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "594": "594", "694": "594",  # Guyane
    "596": "596", "696": "596", "697": "596",  # Martinique
    "262": "262", "263": "262", "692": "262", "693": "262",  # La Réunion
    "269": "262", "639": "262",  # Mayotte
}  # fmt: skip
OVERSEAS_COUNTRY_CODES = set(OVERSEAS_PHONE_PREFIXES.values())
PHONE_ERROR = (
    "Numéro de téléphone invalide : saisissez un numéro français à 10 chiffres "
    "(par exemple 03 84 12 34 56) ou au format international (+33 3 84 12 34 56)."
)


def normalize_french_phone(value: str) -> str:
    """A French number (mainland or overseas) in international format: ``+33384123456``.

    Accepts spaces, dots, dashes, ``0033…``, ``+33 (0)3…``; raises ValidationError otherwise.
    """
    compact = re.sub(r"[\s.\-/]", "", value or "").replace("(0)", "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        country, national = None, None
        for code in ["33", *OVERSEAS_COUNTRY_CODES]:
            if compact[1:].startswith(code):
                country, national = code, compact[1 + len(code) :]
                break
        if country is None or not national.isdigit():
            raise ValidationError(PHONE_ERROR, code="phone")
        if country != "33":
            # +590 590 12 34 56: the national number keeps its area code.
            if len(national) != 9 or OVERSEAS_PHONE_PREFIXES.get(national[:3]) != country:
                raise ValidationError(PHONE_ERROR, code="phone")
            return f"+{country}{national}"
        compact = "0" + national
    if not re.fullmatch(r"0[1-9]\d{8}", compact):
        raise ValidationError(PHONE_ERROR, code="phone")
    country = OVERSEAS_PHONE_PREFIXES.get(compact[1:4], "33")
    return f"+{country}{compact[1:]}"
