"""Import of an advisor's activity reports from a CSV file (one row per report).

The whole file is checked before anything is written: one bad row and nothing is
imported; each error names its line. Rows go through ``services.create_batch`` (the same
rules as the form and the API). A row with a ``cle`` already imported by the advisor is
not recorded twice, so a file with keys can be sent again safely.

Columns (header on line 1, ``;`` or ``,`` separated, UTF-8; order free; only ``date``,
``type``, ``lieu``, ``participants``, ``themes`` and ``duree`` are required):

- ``date``: JJ/MM/AAAA or AAAA-MM-JJ;
- ``type``: ``individuel``, ``atelier`` or ``ponctuel``;
- ``lieu``: ``lieu_activite``, ``autre_lieu``, ``domicile`` or ``distance``;
- ``lieu_id``: the number of the place of activity (for ``lieu_activite``);
- ``commune``: INSEE code (for ``autre_lieu`` and ``domicile``);
- ``participants``, ``deja_accompagnes``;
- ``age_moins_12``, ``age_12_18``, ``age_18_35``, ``age_35_60``, ``age_plus_60``;
- ``statut_etudiant``, ``statut_demandeur_emploi``, ``statut_en_emploi``,
  ``statut_retraite``, ``statut_inconnu``;
- ``themes``: codes separated by ``|`` (``email|procedures``);
- ``etiquettes``: free tags separated by ``|``;
- ``duree``: ``moins_30``, ``30_60`` or a number of minutes (multiple of 15, 15 to 480);
- ``suivi_individuel``, ``suivi_atelier``;
- ``reorientations``: ``organisme:nombre`` separated by ``|`` (``caf:1|mairie:2``);
- ``aidants_connect``: ``oui`` or ``non``;
- ``cle``: an identifier of the row (optional, 64 characters at most).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError

from cnfs.activity import services
from cnfs.activity.enums import AgeBracket, Body, Channel, Duration, Kind, Status
from cnfs.common.csvfile import NO, YES, FileRefused, open_csv

MAX_BYTES = 2 * 1024 * 1024
MAX_BYTES_LABEL = "2 Mo"
MAX_ROWS = 5000

KINDS = {"individuel": Kind.INDIVIDUAL, "atelier": Kind.WORKSHOP, "ponctuel": Kind.ONE_OFF}
CHANNELS = {
    "lieu_activite": Channel.PLACE,
    "autre_lieu": Channel.OTHER_PLACE,
    "domicile": Channel.HOME,
    "distance": Channel.REMOTE,
}
AGE_COLUMNS = {
    "age_moins_12": AgeBracket.UNDER_12,
    "age_12_18": AgeBracket.FROM_12_TO_18,
    "age_18_35": AgeBracket.FROM_18_TO_35,
    "age_35_60": AgeBracket.FROM_35_TO_60,
    "age_plus_60": AgeBracket.OVER_60,
}
STATUS_COLUMNS = {
    "statut_etudiant": Status.STUDENT,
    "statut_demandeur_emploi": Status.JOB_SEEKER,
    "statut_en_emploi": Status.EMPLOYED,
    "statut_retraite": Status.RETIRED,
    "statut_inconnu": Status.UNKNOWN,
}
REQUIRED_COLUMNS = ("date", "type", "lieu", "participants", "themes", "duree")
# fmt: skip below: a data table laid out by hand for reading.
COLUMNS = (
    *REQUIRED_COLUMNS, "lieu_id", "commune", "deja_accompagnes", *AGE_COLUMNS, *STATUS_COLUMNS,
    "etiquettes", "suivi_individuel", "suivi_atelier", "reorientations", "aidants_connect",
    "cle",
)  # fmt: skip
# The service's field names, as the form labels them in the errors.
# fmt: skip below: a data table laid out by hand for reading.
FIELD_COLUMNS = {
    "date": "date", "kind": "type", "channel": "lieu", "place": "lieu_id",
    "commune": "commune", "participants": "participants", "returning": "deja_accompagnes",
    "ages": "âges", "statuses": "statuts", "themes": "themes", "tags": "etiquettes",
    "duration": "duree", "minutes": "duree", "followup_individual": "suivi",
    "followup_workshop": "suivi_atelier", "redirections": "reorientations",
    "aidants_connect": "aidants_connect", "client_key": "cle", "__all__": "ligne",
}  # fmt: skip


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(value: str):
    value = value.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError("date : saisissez une date au format JJ/MM/AAAA.")


def _code(value: str, codes: dict, column: str):
    value = value.strip().lower()
    if value in codes:
        return codes[value]
    if value in codes.values():
        return value
    raise ValueError(f"{column} : « {value} » inconnu ; valeurs possibles : {', '.join(codes)}.")


def _pairs(value: str) -> dict:
    result = {}
    for part in filter(None, (p.strip() for p in value.split("|"))):
        body, _, count = part.partition(":")
        body = body.strip().lower()
        if body not in Body.values:
            raise ValueError(
                f"reorientations : organisme « {body} » inconnu ; valeurs possibles : "
                f"{', '.join(Body.values)}."
            )
        result[body] = count.strip() or "1"
    return result


def _row_data(row: dict) -> dict:
    """The service's data from one row (ValueError with a French message if unreadable)."""
    duration = row.get("duree", "").strip().lower()
    data = {
        "date": _date(row.get("date", "")),
        "kind": _code(row.get("type", ""), KINDS, "type"),
        "channel": _code(row.get("lieu", ""), CHANNELS, "lieu"),
        "place": row.get("lieu_id", "").strip() or None,
        "commune": row.get("commune", "").strip() or None,
        "participants": row.get("participants", "").strip(),
        "returning": row.get("deja_accompagnes", "").strip(),
        "ages": {age: row[c] for c, age in AGE_COLUMNS.items() if row.get(c, "").strip()},
        "statuses": {s: row[c] for c, s in STATUS_COLUMNS.items() if row.get(c, "").strip()},
        "themes": [t.strip().lower() for t in row.get("themes", "").split("|") if t.strip()],
        "tags": [t.strip() for t in row.get("etiquettes", "").split("|") if t.strip()],
        "followup_individual": row.get("suivi_individuel", "").strip(),
        "followup_workshop": row.get("suivi_atelier", "").strip(),
        "redirections": _pairs(row.get("reorientations", "")),
        "client_key": row.get("cle", "").strip() or None,
    }
    if duration in ("moins_30", Duration.UNDER_30):
        data["duration"] = Duration.UNDER_30
    elif duration in ("30_60", "30-60"):
        data["duration"] = Duration.FROM_30_TO_60
    else:
        data["duration"], data["minutes"] = Duration.MINUTES, duration or None
    flag = row.get("aidants_connect", "").strip().lower()
    if flag not in YES | NO:
        raise ValueError("aidants_connect : répondez oui ou non.")
    data["aidants_connect"] = flag in YES
    return data


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return error.messages
    return [
        f"{FIELD_COLUMNS.get(name, name)} : {message}"
        for name, errors in error.error_dict.items()
        for e in errors
        for message in e.messages
    ]


def _read(file) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        reader, _ = open_csv(file, max_bytes=MAX_BYTES, max_label=MAX_BYTES_LABEL)
    except FileRefused as error:
        return [], [str(error)]
    header = [cell.strip().lower() for cell in next(reader, [])]
    if not any(header):
        return [], ["Le fichier est vide : la première ligne doit nommer les colonnes."]
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    errors = []
    if unknown:
        errors.append(f"ligne 1 : colonne(s) inconnue(s) : {', '.join(unknown)}.")
    if missing:
        errors.append(f"ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}.")
    if errors:
        return [], errors
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            return [], [f"Le fichier dépasse {MAX_ROWS} lignes : découpez-le."]
        rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
    if not rows:
        return [], ["Le fichier ne contient aucune ligne de compte rendu."]
    return rows, []


def import_reports(file, *, advisor) -> ImportResult:
    """Check then record every row of ``file`` for ``advisor``, or none (see the module)."""
    rows, errors = _read(file)
    if errors:
        return ImportResult(errors=errors)
    items, lines = [], []
    for line, row in rows:
        try:
            items.append(_row_data(row))
            lines.append(line)
        except ValueError as error:
            errors.append(f"ligne {line} : {error}")
    if errors:
        return ImportResult(errors=errors)
    try:
        result = services.create_batch(advisor=advisor, items=items, limit=MAX_ROWS)
    except services.BatchError as error:
        return ImportResult(
            errors=[
                f"ligne {lines[index]} : {message}"
                for index, item_error in error.items.items()
                for message in _messages(item_error)
            ]
        )
    except ValidationError as error:
        return ImportResult(errors=_messages(error))
    return ImportResult(created=result.created, existing=result.existing)
