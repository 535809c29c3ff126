from django.core.exceptions import ValidationError


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_siret(value: str):
    """14 digits, Luhn-valid; the message says what is wrong."""
    siret = (value or "").replace(" ", "")
    if not siret.isdigit():
        raise ValidationError(
            "Le SIRET ne doit contenir que des chiffres (14 chiffres, espaces permis).",
            code="siret_digits",
        )
    if len(siret) != 14:
        raise ValidationError(
            "Le SIRET compte 14 chiffres ; vous en avez saisi %(count)s.",
            code="siret_length",
            params={"count": len(siret)},
        )
    # La Poste's establishments are numbered outside the Luhn rule (SIREN 356000000).
    if not luhn_ok(siret) and not (siret.startswith("356000000") and sum(map(int, siret)) % 5 == 0):
        raise ValidationError(
            "Ce SIRET n’est pas valide (sa clé de contrôle ne correspond pas) : "
            "vérifiez chaque chiffre.",
            code="siret_checksum",
        )
