"""Load the committed territories referential (built by scripts/territories/build.py)."""

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from cnfs.territories.models import Commune, Departement, Region
from cnfs.territories.search import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPARTEMENT_OUTLINES = DATA_DIR / "departements.geojson"


@dataclass
class LoadReport:
    model: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return (
            f"{self.model} : {self.created} créé(s), {self.updated} modifié(s), "
            f"{self.unchanged} inchangé(s)"
        )


def read_csv(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))


def _sync(model, rows: dict[str, dict], fields: list[str]) -> LoadReport:
    """Create missing rows and update differing ones; leave identical rows untouched."""
    foreign_keys = {f.name for f in model._meta.concrete_fields if f.is_relation}
    columns = [f"{f}_id" if f in foreign_keys else f for f in fields]
    existing = {pk: values for pk, *values in model.objects.values_list("pk", *columns)}
    report = LoadReport(str(model._meta.verbose_name_plural))
    to_create, to_update = [], []
    for pk, values in rows.items():
        instance = model(pk=pk, **dict(zip(columns, (values[f] for f in fields), strict=True)))
        current = existing.get(pk)
        if current is None:
            to_create.append(instance)
        elif current != [values[f] for f in fields]:
            to_update.append(instance)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=2000)
    model.objects.bulk_update(to_update, columns, batch_size=2000)
    report.created, report.updated = len(to_create), len(to_update)
    return report


@transaction.atomic
def load_territories(data_dir: Path = DATA_DIR) -> list[LoadReport]:
    regions = {row["code"]: {"name": row["name"]} for row in read_csv(data_dir / "regions.csv")}
    departements = {
        row["code"]: {"name": row["name"], "region": row["region_code"]}
        for row in read_csv(data_dir / "departements.csv")
    }
    communes = {
        row["insee"]: {
            "name": row["name"],
            "search_name": normalize(row["name"]),
            "postal_codes": row["postal_codes"],
            "departement": row["departement"],
            "region": row["region"],
            "population": int(row["population"] or 0),
            "chef_lieu": int(row["chef_lieu"] or 0),
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
            "area_km2": float(row["area_km2"]) if row.get("area_km2") else None,
        }
        for row in read_csv(data_dir / "communes.csv.gz")
    }
    return [
        _sync(Region, regions, ["name"]),
        _sync(Departement, departements, ["name", "region"]),
        _sync(
            Commune,
            communes,
            [
                "name",
                "search_name",
                "postal_codes",
                "departement",
                "region",
                "population",
                "chef_lieu",
                "latitude",
                "longitude",
                "area_km2",
            ],
        ),
    ]
