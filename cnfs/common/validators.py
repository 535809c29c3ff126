"""Validators several forms share."""

import re

from django.core.exceptions import ValidationError

# Line feed, carriage return, vertical tab, form feed, NEL, line and paragraph separators.
LINE_BREAK = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")


def single_line(value: str):
    """Names and addresses fit on one line (they are printed on lists, letters, exports)."""
    if value and LINE_BREAK.search(value):
        raise ValidationError(
            "Ce champ tient sur une seule ligne : retirez les retours à la ligne.",
            code="line_break",
        )
