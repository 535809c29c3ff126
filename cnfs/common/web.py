"""Small pieces every web view shares: service errors in forms, spreadsheet-friendly CSV."""

import csv

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from cnfs.funding.money import from_cents


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


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """A CSV a French spreadsheet opens as is: ``;`` separated, UTF-8 with a BOM."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def csv_amount(cents: int) -> str:
    """Amounts in CSV: a decimal comma, no thousands separator (read as numbers), 25000,00."""
    return f"{from_cents(cents):.2f}".replace(".", ",")
