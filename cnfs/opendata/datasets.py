"""The published files: what each one is, how it is built, and its cached copy.

Each file is built on demand from ``exports`` and kept in the cache for an hour under its
own key, with its generation date and a digest (ETag); 20,000 places fit in memory.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache

from cnfs.common import csvexport
from cnfs.opendata import exports

CACHE_TIMEOUT = 3600  # seconds
CACHE_PREFIX = "opendata:v1:"
LICENCE = ("Licence Ouverte 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/")


@dataclass(frozen=True)
class Schema:
    title: str
    url: str = ""


LIEUX_SCHEMA = Schema(
    "Standard national des lieux de médiation numérique v1.0.2",
    "https://github.com/LaMednum/standard-mediation-num/blob/v1.0.2/schema.json",
)
DI_STRUCTURES_SCHEMA = Schema(
    "data·inclusion v1 : structures (paquet data-inclusion-schema)",
    "https://pypi.org/project/data-inclusion-schema/",
)
DI_SERVICES_SCHEMA = Schema(
    "data·inclusion v1 : services (paquet data-inclusion-schema)",
    "https://pypi.org/project/data-inclusion-schema/",
)
OWN_SCHEMA = Schema("Colonnes décrites sur cette page")


@dataclass(frozen=True)
class Dataset:
    slug: str
    filename: str
    title: str
    description: str
    format: str
    schema: Schema
    build: Callable[[], bytes]
    columns: tuple = ()  # (name, description) when no published schema describes them

    @property
    def content_type(self) -> str:
        if self.format == "JSON":
            return "application/json"
        return "text/csv; charset=utf-8"

    @property
    def cache_key(self) -> str:
        return CACHE_PREFIX + self.slug


@dataclass(frozen=True)
class Entry:
    content: bytes
    generated_at: datetime
    etag: str

    @property
    def size(self) -> int:
        return len(self.content)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 without a BOM, ``,`` separated, RFC 4180 quoting and line ends."""
    return csvexport.csv_bytes(header, rows, delimiter=",", bom=False)


def json_bytes(items: list[dict]) -> bytes:
    """Compact, one object a line, empty fields left out (the file can reach tens of MB)."""
    lines = (
        json.dumps({k: v for k, v in item.items() if v is not None}, ensure_ascii=False)
        for item in items
    )
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode()


def _lieux() -> bytes:
    return csv_bytes(exports.LIEUX_FIELDS, exports.lieux_rows(exports.published_places()))


def _di_structures() -> bytes:
    return json_bytes([exports.di_structure(place) for place in exports.published_places()])


def _di_services() -> bytes:
    places = exports.published_places()
    return json_bytes([service for place in places for service in exports.di_services(place)])


def _departements() -> bytes:
    return csv_bytes(exports.DEPARTEMENT_FIELDS, exports.departement_rows())


def _structures() -> bytes:
    return csv_bytes(exports.STRUCTURE_FIELDS, exports.structure_rows())


DATASETS = [
    Dataset(
        "lieux",
        "lieux-mediation-numerique.csv",
        "Lieux de médiation numérique des conseillers numériques",
        "Les lieux d’activité publics où travaille au moins un conseiller numérique en "
        "poste : adresse, coordonnées, horaires, services, publics, modalités d’accès.",
        "CSV",
        LIEUX_SCHEMA,
        _lieux,
    ),
    Dataset(
        "data-inclusion-structures",
        "data-inclusion/structures.json",
        "Lieux au format data·inclusion : structures",
        "Les mêmes lieux, décrits comme des structures du référentiel data·inclusion.",
        "JSON",
        DI_STRUCTURES_SCHEMA,
        _di_structures,
    ),
    Dataset(
        "data-inclusion-services",
        "data-inclusion/services.json",
        "Lieux au format data·inclusion : services",
        "Les services d’accompagnement au numérique proposés dans ces lieux, rattachés "
        "à leur structure data·inclusion.",
        "JSON",
        DI_SERVICES_SCHEMA,
        _di_services,
    ),
    Dataset(
        "postes-par-departement",
        "postes-par-departement.csv",
        "Postes et subventions par département",
        "Pour chaque département : postes attribués, structures validées, conseillers en "
        "poste et subvention engagée (en euros).",
        "CSV",
        OWN_SCHEMA,
        _departements,
        tuple(exports.DEPARTEMENT_COLUMNS.items()),
    ),
    Dataset(
        "structures",
        "structures.csv",
        "Structures accueillantes validées",
        "Pour chaque structure validée : SIRET, nom, type juridique, commune, département, "
        "postes attribués, conseillers en poste et subvention engagée (en euros). Aucune "
        "donnée personnelle.",
        "CSV",
        OWN_SCHEMA,
        _structures,
        tuple(exports.STRUCTURE_COLUMNS.items()),
    ),
]
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def cached(dataset: Dataset) -> Entry | None:
    return cache.get(dataset.cache_key)


def get(dataset: Dataset) -> Entry:
    """The cached file, built now if the cache has none (or an hour has passed)."""
    entry = cached(dataset)
    if entry is None:
        content = dataset.build()
        entry = Entry(
            content=content,
            # HTTP dates have no fraction of a second: Last-Modified must round-trip.
            generated_at=datetime.now(UTC).replace(microsecond=0),
            etag=hashlib.sha256(content).hexdigest()[:32],
        )
        cache.set(dataset.cache_key, entry, CACHE_TIMEOUT)
    return entry
