"""Money is kept in integer cents; shown in euros."""

from decimal import ROUND_HALF_UP, Decimal

NARROW_NO_BREAK_SPACE = "\u202f"


def to_cents(euros) -> int:
    return int((Decimal(str(euros)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def euros(cents: int) -> str:
    """French display: 900 000,00 €."""
    value = from_cents(cents)
    whole, _, decimals = f"{value:,.2f}".partition(".")
    whole = whole.replace(",", NARROW_NO_BREAK_SPACE)
    return f"{whole},{decimals} €"
