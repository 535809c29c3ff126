"""The one CSV writer of every export: streamed, and safe to open in a spreadsheet.

A free-text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
be read as a formula by a spreadsheet: it gets a leading single quote (OWASP's rule, "CSV
injection"). Typed values — numbers, dates, and strings the code formatted itself from a
typed value (amounts, validated phone numbers, coordinates), marked ``Verbatim`` — are
written as they are, so that a negative amount stays a number and the published files keep
matching their schema.
"""

import csv
from collections.abc import Iterable, Iterator
from itertools import chain

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 64 * 1024  # characters sent at once


class Verbatim(str):
    """A string the code built from a typed value: never taken for free text."""


def cell(value):
    """The value as the writer puts it in a cell."""
    if value is None:
        return ""
    is_text = isinstance(value, str) and not isinstance(value, Verbatim)
    if is_text and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file whose ``write`` hands back the line (the csv module formats, we stream)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable], *, delimiter: str = ";", bom: bool = True) -> Iterator[str]:
    """The file as chunks of text: RFC 4180 quoting, CRLF line ends."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    chunk = ["\ufeff"] if bom else []
    size = 0
    for row in rows:
        line = writer.writerow([cell(value) for value in row])
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_SIZE:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def csv_bytes(header: list[str], rows: Iterable[Iterable], **options) -> bytes:
    """The whole file at once (files kept in a cache)."""
    return "".join(csv_lines(chain([header], rows), **options)).encode()


def csv_response(
    filename: str, header: list[str] | None, rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """A CSV a French spreadsheet opens as is: ``;`` separated, UTF-8 with a BOM, streamed."""
    lines = csv_lines(chain([header] if header else [], rows))
    response = StreamingHttpResponse(
        (text.encode() for text in lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
