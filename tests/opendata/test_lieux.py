import csv
import io

import pytest

from cnfs.opendata import datasets, exports
from tests.opendata.lieux_schema import (
    EXAMPLE_NAME,
    check_csv,
    field_names,
    load_schema,
    standard_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def lieux_csv() -> str:
    return datasets.get(datasets.BY_SLUG["lieux"]).content.decode()


def rows_by_id(text: str) -> dict:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


def test_the_checker_accepts_the_official_example(schema):
    text = standard_file(EXAMPLE_NAME).read_text(encoding="utf-8")
    assert check_csv(schema, text) == []


def test_the_checker_catches_each_kind_of_mistake(schema):
    text = standard_file(EXAMPLE_NAME).read_text(encoding="utf-8")
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    broken = dict(zip(header, row, strict=True)) | {
        "pivot": "",
        "code_postal": "5110",
        "telephone": "03 84 12 34 56",
        "services": "Aide aux démarches|Autre",
        "date_maj": "02/04/2024",
        "latitude": "nord",
    }
    errors = check_csv(schema, _csv(header, [list(broken.values())]))
    assert [error.split(" :")[0] for error in errors] == [
        "ligne 2, pivot",
        "ligne 2, code_postal",
        "ligne 2, latitude",
        "ligne 2, telephone",
        "ligne 2, date_maj",
        "ligne 2, services",
    ]
    assert check_csv(schema, _csv(list(reversed(header)), [row]))  # column order


def _csv(header, rows) -> str:
    return b"".join(datasets.csv_chunks(header, rows)).decode()


def test_header_is_the_standard_s_32_columns_in_order(schema, places):
    header = lieux_csv().splitlines()[0].split(",")
    assert header == field_names(schema) == exports.LIEUX_FIELDS
    assert len(header) == 32


def test_every_row_follows_the_standard(schema, places):
    text = lieux_csv()
    assert check_csv(schema, text) == []
    assert len(rows_by_id(text)) == 3


def test_only_public_active_places_with_an_advisor_in_post(places):
    published = rows_by_id(lieux_csv())
    assert set(published) == {
        f"lieu-{places[name].pk}" for name in ("full", "itinerant", "overseas")
    }
    names = {row["nom"] for row in published.values()}
    assert not names & {place.name for place in places["unpublished"]}


def test_a_full_place_in_the_standard_s_words(places):
    row = rows_by_id(lieux_csv())[f"lieu-{places['full'].pk}"]
    assert row["pivot"] == "21390198600017"
    assert (row["commune"], row["code_postal"], row["code_insee"]) == ("Dole", "39100", "39198")
    assert row["telephone"] == "+33384123456"
    assert row["horaires"] == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"
    assert row["itinerance"] == "Fixe"
    assert row["typologie"] == "EPCI"
    assert row["structure_parente"] == "CC du Grand Dole"
    assert row["services"].split("|") == [
        "Maîtrise des outils numériques du quotidien",
        "Aide aux démarches administratives",
        "Utilisation sécurisée du numérique",
        "Insertion professionnelle via le numérique",
        "Parentalité et éducation avec le numérique",
        "Loisirs et créations numériques",
        "Compréhension du monde numérique",
    ]
    assert row["publics_specifiquement_adresses"] == "Jeunes|Seniors|Familles et/ou enfants"
    assert row["frais_a_charge"] == "Gratuit sous condition"
    assert row["dispositif_programmes_nationaux"] == (
        "France Services|Aidants Connect|Grande école du numérique|"
        "Point d'accès numérique CAF|Conseillers numériques"
    )
    assert row["formations_labels"] == "Fabriques de Territoire"
    assert row["autres_formations_labels"] == "APTIC|Campus connecté"
    assert row["modalites_acces"] == "Se présenter|Téléphoner|Contacter par mail"
    assert "2 conseillers numériques" in row["presentation_resume"]


def test_an_itinerant_place_without_siret(places):
    row = rows_by_id(lieux_csv())[f"lieu-{places['itinerant'].pk}"]
    assert row["pivot"] == "00000000000000"
    assert row["itinerance"] == "Itinérant"
    assert row["modalites_acces"] == "Téléphoner"
    assert row["publics_specifiquement_adresses"] == ""  # "tout public" is the default
    assert row["frais_a_charge"] == "Gratuit"


def test_an_overseas_place(places):
    row = rows_by_id(lieux_csv())[f"lieu-{places['overseas'].pk}"]
    assert (row["code_postal"], row["code_insee"]) == ("97110", "97120")
    assert row["telephone"] == "+590590123456"
    assert row["modalites_acces"] == "Ce lieu n'accueille pas de public"
    assert row["typologie"] == "ASSO"
    assert (row["latitude"], row["longitude"]) == ("16.2411", "-61.5331")


def test_a_phone_outside_the_standard_is_left_out(places):
    places["itinerant"].phone = "+4122123456"
    places["itinerant"].save()
    row = rows_by_id(lieux_csv())[f"lieu-{places['itinerant'].pk}"]
    assert row["telephone"] == ""


def test_a_place_whose_commune_has_no_postal_code_is_left_out(places):
    commune = places["itinerant"].commune
    commune.postal_codes = ""
    commune.save()
    assert f"lieu-{places['itinerant'].pk}" not in rows_by_id(lieux_csv())


def test_frictionless_finds_the_export_valid(schema, places, tmp_path, monkeypatch):
    frictionless = pytest.importorskip("frictionless")
    monkeypatch.chdir(tmp_path)  # frictionless reads relative paths only
    (tmp_path / "lieux.csv").write_bytes(datasets.get(datasets.BY_SLUG["lieux"]).content)
    report = frictionless.validate("lieux.csv", schema=frictionless.Schema.from_descriptor(schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_formula_in_a_name_is_neutralised_and_a_line_break_removed(schema, places):
    places["full"].name = "=cmd|' /C calc'!A0\nsuite"
    places["full"].address = "1 rue\r\ndu Port"
    places["full"].save()
    text = lieux_csv()
    row = rows_by_id(text)[f"lieu-{places['full'].pk}"]
    assert row["nom"] == "'=cmd|' /C calc'!A0 suite"
    assert row["adresse"] == "1 rue du Port"
    assert row["telephone"] == "+33384123456"  # a validated number, written as it is
    assert check_csv(schema, text) == []
