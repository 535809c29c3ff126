"""Import of a committee's minutes from a CSV file (format: docs/committee-import.md).

Every row is checked before anything is written; a file with one bad row is rejected as a
whole. A valid file is applied through ``services.decide`` in one transaction, so a refusal
on any row (the national cap, a closed request) undoes the rows before it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cnfs.committee import services
from cnfs.committee.enums import Decision
from cnfs.common.csvfile import NO, YES, FileRefused, open_csv
from cnfs.common.validators import fold, validate_siret
from cnfs.funding.rates import NoRateError
from cnfs.structures.enums import RequestKind
from cnfs.structures.perms import can_decide

MAX_BYTES = 2 * 1024 * 1024
MAX_BYTES_LABEL = "2 Mo"
MAX_ROWS = 2000
OBSERVATION_MAX_LENGTH = 2000
REQUIRED_COLUMNS = ("siret", "decision", "postes")
COLUMNS = (*REQUIRED_COLUMNS, "prioritaire", "observation")


def _plain(value: str) -> str:
    """Lower case, no accents, words joined by underscores: « Examen complémentaire » →
    « examen_complementaire »."""
    value = fold(value.strip())
    return "_".join(value.replace("-", " ").replace("’", " ").replace("'", " ").split())


DECISIONS = {
    "accorde": Decision.GRANTED,
    "accordes": Decision.GRANTED,
    "accordee": Decision.GRANTED,
    "postes_accordes": Decision.GRANTED,
    "attribution": Decision.GRANTED,
    Decision.GRANTED.value: Decision.GRANTED,
    "refus": Decision.REFUSED,
    "refuse": Decision.REFUSED,
    "refusee": Decision.REFUSED,
    Decision.REFUSED.value: Decision.REFUSED,
    "examen_complementaire": Decision.COMPLEMENTARY_REVIEW,
    Decision.COMPLEMENTARY_REVIEW.value: Decision.COMPLEMENTARY_REVIEW,
}


@dataclass
class ImportReport:
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return self.changed + self.unchanged


@dataclass
class _Row:
    line: int
    item: object
    decision: str
    posts: int | None
    priority: bool
    observation: str


class _Rejected(Exception):
    pass


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _read(file) -> tuple[list[tuple[int, dict]], list[str]]:
    """The rows of the file as (line number, {column: value}), or the errors of its form."""
    try:
        reader, delimiter = open_csv(file, max_bytes=MAX_BYTES, max_label=MAX_BYTES_LABEL)
    except FileRefused as error:
        return [], [str(error)]
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        return [], ["Le fichier est vide : la première ligne doit nommer les colonnes."]
    columns = [_plain(cell) for cell in header]
    unknown = [name for name, plain in zip(header, columns, strict=True) if plain not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    errors = []
    if unknown:
        errors.append(f"ligne 1 : colonne(s) inconnue(s) : {', '.join(unknown)}.")
    if missing:
        errors.append(f"ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}.")
    if errors:
        return [], errors + [f"Colonnes attendues : {';'.join(COLUMNS)}."]
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            return [], [f"Le fichier compte plus de {MAX_ROWS} lignes : découpez-le."]
        if len(cells) > len(columns):
            errors.append(
                f"ligne {reader.line_num} : {len(cells)} valeurs pour {len(columns)} colonnes "
                f"(vérifiez le séparateur « {delimiter} » dans les observations)."
            )
            continue
        values = dict(zip(columns, [c.strip() for c in cells], strict=False))
        rows.append((reader.line_num, values))
    if not rows and not errors:
        errors.append("Le fichier ne contient aucune décision.")
    return rows, errors


def _check(line: int, values: dict, items_by_siret: dict, seen: dict, session) -> _Row:
    """One row turned into a decision, or _Rejected with the reason."""
    siret = values.get("siret", "").replace(" ", "")
    try:
        validate_siret(siret)
    except ValidationError as error:
        raise _Rejected(
            f"ligne {line} : SIRET {siret or '(vide)'} invalide. {_messages(error)}"
        ) from None
    if siret in seen:
        raise _Rejected(f"ligne {line} : SIRET {siret} déjà présent ligne {seen[siret]}.")
    seen[siret] = line
    raw_decision = values.get("decision", "")
    if not raw_decision:
        raise _Rejected(f"ligne {line} : décision manquante.")
    decision = DECISIONS.get(_plain(raw_decision))
    if decision is None:
        raise _Rejected(
            f"ligne {line} : décision « {raw_decision} » inconnue "
            "(accorde, refus ou examen_complementaire)."
        )
    raw_posts = values.get("postes", "")
    posts = None
    if raw_posts:
        if not raw_posts.isdigit():
            raise _Rejected(f"ligne {line} : nombre de postes « {raw_posts} » non numérique.")
        posts = int(raw_posts)
    raw_priority = _plain(values.get("prioritaire", ""))
    if raw_priority not in YES | NO:
        raise _Rejected(
            f"ligne {line} : prioritaire « {values['prioritaire']} » : répondez oui ou non."
        )
    observation = values.get("observation", "")
    if len(observation) > OBSERVATION_MAX_LENGTH:
        raise _Rejected(
            f"ligne {line} : observation trop longue ({len(observation)} caractères, "
            f"{OBSERVATION_MAX_LENGTH} au plus)."
        )
    items = items_by_siret.get(siret, [])
    if not items:
        raise _Rejected(
            f"ligne {line} : aucune demande de la structure de SIRET {siret} "
            f"à l’ordre du jour de la session {session}."
        )
    if len(items) > 1:
        raise _Rejected(
            f"ligne {line} : {len(items)} demandes de structures de SIRET {siret} à l’ordre du "
            "jour : décidez-les une par une sur la page de la session."
        )
    item = items[0]
    if decision == Decision.GRANTED:
        if posts is None and item.request.kind != RequestKind.GIVEBACK:
            raise _Rejected(f"ligne {line} : nombre de postes manquant pour une attribution.")
        if posts == 0:
            raise _Rejected(f"ligne {line} : une attribution porte sur au moins 1 poste.")
    return _Row(line, item, decision, posts, raw_priority in YES, observation)


def import_minutes(session, file, *, by) -> ImportReport:
    """Decide the items of ``session`` from the CSV ``file``; all rows or none."""
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale conduit le comité de sélection.")
    if not session.is_open:
        return ImportReport(errors=["La session est clôturée : ses décisions ne changent plus."])
    records, errors = _read(file)
    if errors:
        return ImportReport(errors=errors)
    items_by_siret: dict[str, list] = {}
    for item in session.items.select_related("request__structure"):
        items_by_siret.setdefault(item.request.structure.siret, []).append(item)
    rows, seen = [], {}
    for line, values in records:
        try:
            rows.append(_check(line, values, items_by_siret, seen, session))
        except _Rejected as rejected:
            errors.append(str(rejected))
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    try:
        with transaction.atomic():
            for row in rows:
                before = row.item.decided_at
                try:
                    item = services.decide(
                        row.item,
                        decision=row.decision,
                        posts=row.posts,
                        priority=row.priority,
                        observation=row.observation,
                        by=by,
                    )
                except ValidationError as error:
                    raise _Rejected(f"ligne {row.line} : {_messages(error)}") from None
                except NoRateError as error:
                    raise _Rejected(f"ligne {row.line} : {error}") from None
                if item.decided_at != before:
                    report.changed += 1
                else:
                    report.unchanged += 1
    except _Rejected as rejected:
        return ImportReport(errors=[str(rejected)])
    return report
