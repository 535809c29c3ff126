import csv
import io
from datetime import date

import pytest

from cnfs.common.csvexport import Verbatim, cell, csv_response
from cnfs.common.web import csv_amount


def read(response) -> list[list[str]]:
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:], newline=""), delimiter=";"))


@pytest.mark.parametrize(
    "text", ["=1+1", "+33 6", "-2+3", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"]
)
def test_free_text_that_a_spreadsheet_would_compute_gets_a_quote(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Médiathèque", "a=b", "", "'déjà cité"])
def test_other_free_text_is_written_as_it_is(text):
    assert cell(text) == text


@pytest.mark.parametrize(
    "value", [-12, 3.5, date(2024, 1, 31), Verbatim("+33384123456"), csv_amount(-150_00)]
)
def test_typed_values_are_written_as_they_are(value):
    assert cell(value) == value


def test_a_negative_amount_stays_a_number_and_a_formula_name_does_not(db):
    response = csv_response(
        "f.csv", ["nom", "montant"], [['=HYPERLINK("http://x")', csv_amount(-150_00)]]
    )
    assert read(response) == [["nom", "montant"], ['\'=HYPERLINK("http://x")', "-150,00"]]


def test_the_response_is_streamed_in_chunks(db):
    rows = ([f"ligne {n}", n] for n in range(20_000))
    response = csv_response("f.csv", ["texte", "n"], rows)
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert b"".join(chunks).decode().count("\r\n") == 20_001
