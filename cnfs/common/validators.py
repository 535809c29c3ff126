"""Validators and text helpers several apps share."""

import re
import unicodedata

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


# Accent folding ----------------------------------------------------------------------------

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str, *, lower: bool = True) -> str:
    """``text`` without accents nor ligatures (and lower-cased unless ``lower=False``):
    « Cœur d’Étoile » → « coeur d’etoile ». The one accent folding of the project."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return folded.lower() if lower else folded
