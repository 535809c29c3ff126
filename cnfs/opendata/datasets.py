"""The published files: what each one is, how it is built, and its stored copy.

A file is written row by row from ``exports`` (places read in chunks, never all at once)
to ``OPENDATA_DIR``, hashed as it is written, and served from the disk in chunks: the
national files (tens of MB) never sit whole in memory, neither while built nor while
served. A copy is good for an hour at most; the place files also end as soon as a place
or its advisors are written (the places' generation moves on).
"""

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from cnfs.common import csvexport, generations
from cnfs.opendata import exports
from cnfs.places.services import PLACES_TOPIC

MAX_AGE = 3600  # seconds
JSON_CHUNK = 64 * 1024  # characters
PLACES_CHUNK = 2000  # rows fetched at a time
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
    build: Callable[[], Iterator[bytes]]
    columns: tuple = ()  # (name, description) when no published schema describes them
    topic: str | None = None  # a generation whose move ends the copy before the hour

    @property
    def content_type(self) -> str:
        if self.format == "JSON":
            return "application/json"
        return "text/csv; charset=utf-8"

    @property
    def path(self) -> Path:
        """Where the description of the current copy is kept."""
        return Path(settings.OPENDATA_DIR) / (self.filename + ".json")


@dataclass(frozen=True)
class Entry:
    file: Path
    generated_at: datetime
    etag: str
    size: int
    generation: int | None

    @property
    def content(self) -> bytes:
        """The whole file (small files and tests; downloads are served in chunks)."""
        return self.file.read_bytes()


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 without a BOM, ``,`` separated, RFC 4180 quoting and line ends."""
    lines = csvexport.csv_lines([header], delimiter=",", bom=False)
    yield from (text.encode() for text in lines)
    yield from (text.encode() for text in csvexport.csv_lines(rows, delimiter=",", bom=False))


def json_chunks(items: Iterable[dict]) -> Iterator[bytes]:
    """Compact, one object a line, empty fields left out (the file can reach tens of MB)."""
    chunk, size, separator = ["[\n"], 0, ""
    for item in items:
        line = json.dumps({k: v for k, v in item.items() if v is not None}, ensure_ascii=False)
        chunk += (separator, line)
        separator = ",\n"
        size += len(line)
        if size >= JSON_CHUNK:
            yield "".join(chunk).encode()
            chunk, size = [], 0
    chunk.append("\n]\n")
    yield "".join(chunk).encode()


def _places():
    # Fetched in chunks (a server-side cursor on PostgreSQL), never all at once.
    return exports.published_places().iterator(chunk_size=PLACES_CHUNK)


def _lieux() -> Iterator[bytes]:
    return csv_chunks(exports.LIEUX_FIELDS, exports.lieux_rows(_places()))


def _di_structures() -> Iterator[bytes]:
    return json_chunks(exports.di_structure(place) for place in _places())


def _di_services() -> Iterator[bytes]:
    return json_chunks(service for place in _places() for service in exports.di_services(place))


def _departements() -> Iterator[bytes]:
    return csv_chunks(exports.DEPARTEMENT_FIELDS, exports.departement_rows())


def _structures() -> Iterator[bytes]:
    return csv_chunks(exports.STRUCTURE_FIELDS, exports.structure_rows())


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
        topic=PLACES_TOPIC,
    ),
    Dataset(
        "data-inclusion-structures",
        "data-inclusion/structures.json",
        "Lieux au format data·inclusion : structures",
        "Les mêmes lieux, décrits comme des structures du référentiel data·inclusion.",
        "JSON",
        DI_STRUCTURES_SCHEMA,
        _di_structures,
        topic=PLACES_TOPIC,
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
        topic=PLACES_TOPIC,
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


def _generation(dataset: Dataset) -> int | None:
    return generations.current(dataset.topic) if dataset.topic else None


def cached(dataset: Dataset) -> Entry | None:
    """The stored copy, if it is less than an hour old and its data has not moved on."""
    try:
        meta = json.loads(dataset.path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    entry = Entry(
        file=dataset.path.parent / meta["file"],
        generated_at=datetime.fromisoformat(meta["generated_at"]),
        etag=meta["etag"],
        size=meta["size"],
        generation=meta["generation"],
    )
    age = (datetime.now(UTC) - entry.generated_at).total_seconds()
    if not 0 <= age < MAX_AGE or entry.generation != _generation(dataset):
        return None
    return entry


@contextmanager
def _building(dataset: Dataset):
    """One process builds a file at a time; the others wait, then read its copy."""
    dataset.path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(dataset.path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def get(dataset: Dataset) -> Entry:
    """The stored copy, built now if there is none or it has ended."""
    entry = cached(dataset)
    if entry is not None:
        return entry
    with _building(dataset):
        return cached(dataset) or build(dataset)


def refresh(dataset: Dataset) -> Entry:
    """A new copy now, whatever the state of the current one (one builder at a time)."""
    with _building(dataset):
        return build(dataset)


def build(dataset: Dataset) -> Entry:
    """Write the file in chunks, then describe it; the previous copy goes once replaced.

    The generation is read before the rows: a place written during the build moves it on,
    so the next reader builds again rather than keep a copy without that place."""
    generation = _generation(dataset)
    generated_at = datetime.now(UTC).replace(microsecond=0)  # HTTP dates have no fraction
    folder = dataset.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = Path(dataset.filename).name.rpartition(".")
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".build-", delete=False) as out:
        try:
            for chunk in dataset.build():
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        except BaseException:
            os.unlink(out.name)
            raise
    etag = digest.hexdigest()[:32]
    name = f"{stem}.{etag}{dot}{suffix}"
    os.replace(out.name, folder / name)
    meta = {
        "file": name,
        "generated_at": generated_at.isoformat(),
        "etag": etag,
        "size": size,
        "generation": generation,
    }
    with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".meta-", delete=False) as out:
        json.dump(meta, out)
    os.replace(out.name, dataset.path)
    # Earlier copies: a download under way keeps its open file until it ends.
    for old in folder.glob(f"{stem}.*{dot}{suffix}"):
        if old.name != name and len(old.name) == len(name):
            old.unlink(missing_ok=True)
    return cached(dataset) or Entry(folder / name, generated_at, etag, size, generation)
