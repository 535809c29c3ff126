"""Our own reading of the "lieux de médiation numérique" table schema (frictionless-style):
header, required fields, patterns, types, lengths and unique values of each row."""

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

SCHEMA_NAME = "lieux-mediation-numerique-schema-v1.0.2.json"
EXAMPLE_NAME = "lieux-mediation-numerique-exemple-valide.csv"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "standards"
COPY = Path(__file__).resolve().parent / "standards"


def standard_file(name: str) -> Path:
    """The shared official file if present, else our committed copy."""
    shared = SHARED / name
    return shared if shared.exists() else COPY / name


def load_schema() -> dict:
    return json.loads(standard_file(SCHEMA_NAME).read_text(encoding="utf-8"))


def field_names(schema: dict) -> list[str]:
    return [field["name"] for field in schema["fields"]]


def _type_error(kind: str, value: str) -> str | None:
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return "n’est pas un nombre"
    elif kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return "n’est pas une date AAAA-MM-JJ"
        try:
            date.fromisoformat(value)
        except ValueError:
            return "n’est pas une date valide"
    return None


def check_rows(schema: dict, header: list[str], rows: list[list[str]]) -> list[str]:
    """Every broken rule, as ``"row N, field: reason"``; an empty list when valid."""
    names = field_names(schema)
    if header != names:
        return [f"en-tête {header} ≠ {names}"]
    errors, seen = [], {}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(names):
            errors.append(f"ligne {number} : {len(row)} colonnes au lieu de {len(names)}")
            continue
        for field, value in zip(schema["fields"], row, strict=True):
            name, rules = field["name"], field.get("constraints", {})
            where = f"ligne {number}, {name}"
            if value == "":
                if rules.get("required"):
                    errors.append(f"{where} : obligatoire")
                continue
            if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
                errors.append(f"{where} : « {value} » ne suit pas {rules['pattern']}")
            if "enum" in rules and value not in rules["enum"]:
                errors.append(f"{where} : « {value} » hors de {rules['enum']}")
            if "maxLength" in rules and len(value) > rules["maxLength"]:
                errors.append(f"{where} : plus de {rules['maxLength']} caractères")
            problem = _type_error(field.get("type", "string"), value)
            if problem:
                errors.append(f"{where} : « {value} » {problem}")
            if rules.get("unique"):
                if value in seen.setdefault(name, set()):
                    errors.append(f"{where} : « {value} » en double")
                seen[name].add(value)
    return errors


def check_csv(schema: dict, text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header, *rows = list(reader)
    return check_rows(schema, header, rows)
