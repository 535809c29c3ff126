"""Small pieces every web view shares: service errors in forms, spreadsheet-friendly CSV."""

from django.core.exceptions import ValidationError

from cnfs.common.csvexport import Verbatim, csv_response
from cnfs.common.money import from_cents

__all__ = ["add_service_errors", "csv_amount", "csv_response"]


def add_service_errors(form, error: ValidationError, field_names: dict | None = None):
    """Show a service's ValidationError at the field it names (else above the form).

    ``field_names`` maps a service's field name to the form's when they differ.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = (field_names or {}).get(key, key)
        form.add_error(field if field in form.fields else None, errors)


def csv_amount(cents: int) -> Verbatim:
    """Amounts in CSV: a decimal comma, no thousands separator (read as numbers), 25000,00."""
    return Verbatim(f"{from_cents(cents):.2f}".replace(".", ","))
