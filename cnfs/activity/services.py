"""Recording activity reports (DOMAIN §5.2): create, edit, delete, batches.

Every rule is checked here, whoever calls (web form, API, CSV import), and each write
updates the daily counters in the same transaction: a report is never half-saved and the
counters never drift from the reports.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.activity import counters
from cnfs.activity.enums import AgeBracket, Body, Channel, Duration, Kind, Status, Theme
from cnfs.activity.models import Report
from cnfs.common import audit
from cnfs.contracts.services import current_contract
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.territories.models import Commune

PROGRAMME_START = date(2020, 11, 1)
MAX_WORKSHOP_PARTICIPANTS = 100
MINUTES_STEP = 15
MAX_MINUTES = 8 * 60
MAX_BATCH = 500
MAX_TAGS = 10
MAX_TAG_LENGTH = 50

NO_CONTRACT = (
    "Vous n’avez pas de contrat en cours : un compte rendu d’activité est rattaché à la "
    "structure qui vous emploie."
)
NOT_YOURS = "Vous ne pouvez modifier que vos propres comptes rendus."
COUNT_ERROR = "Saisissez un nombre entier positif ou nul."

SINGLE_PERSON = {
    Kind.INDIVIDUAL: "Un accompagnement individuel concerne une seule personne : choisissez "
    "« Atelier collectif » pour un groupe.",
    Kind.ONE_OFF: "Une demande ponctuelle concerne une seule personne : choisissez "
    "« Atelier collectif » pour un groupe.",
}
AGE_LABELS = dict(AgeBracket.choices)
STATUS_LABELS = dict(Status.choices)
BODY_LABELS = dict(Body.choices)


@dataclass
class _Context:
    """What the rules need to know of the advisor, read once per request or batch."""

    advisor: object
    places: dict
    communes: dict
    today: date

    @classmethod
    def of(cls, advisor, *, communes=()):
        places = {
            link.place_id: link.place
            for link in PlaceAdvisor.objects.filter(advisor=advisor).select_related("place")
        }
        wanted = {c for c in communes if isinstance(c, str) and c}
        found = {c.pk: c for c in Commune.objects.filter(pk__in=wanted)} if wanted else {}
        return cls(advisor=advisor, places=places, communes=found, today=timezone.localdate())

    def commune(self, value):
        if value is None or value == "" or isinstance(value, Commune):
            return value or None
        if value not in self.communes:
            self.communes[value] = Commune.objects.filter(pk=value).first()
        return self.communes[value]


def _count(value, errors, field, *, default=0):
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            errors[field] = COUNT_ERROR
            return default
    if value < 0:
        errors[field] = COUNT_ERROR
        return default
    return value


def _counts(value, allowed: dict, errors, field, unknown_label: str) -> dict:
    """A {code: count} object: known codes, non-negative integers; zeros left out."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        errors[field] = "Un objet {code: nombre} est attendu."
        return {}
    cleaned = {}
    for key, count in value.items():
        if key not in allowed:
            errors[field] = f"{unknown_label} : {key}. Valeurs possibles : {', '.join(allowed)}."
            return {}
        number = _count(count, errors, field)
        if number:
            cleaned[key] = number
    return cleaned


def _choice(value, choices, errors, field, message):
    if value not in choices.values:
        errors[field] = message
        return None
    return value


def _date(value, errors, today):
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors["date"] = "Saisissez une date au format JJ/MM/AAAA."
            return None
    if not isinstance(value, date):
        errors["date"] = "Indiquez la date de l’accompagnement."
        return None
    if value > today:
        errors["date"] = "La date ne peut pas être dans le futur."
    elif value < PROGRAMME_START:
        errors["date"] = "La date ne peut pas précéder le début du programme (01/11/2020)."
    return value


def clean_report(data: dict, ctx: _Context) -> dict:
    """The report's fields from ``data``, or a ValidationError naming each refused field."""
    errors = {}
    report_date = _date(data.get("date"), errors, ctx.today)
    kind = _choice(data.get("kind"), Kind, errors, "kind", "Choisissez le type d’accompagnement.")
    channel = _choice(
        data.get("channel"), Channel, errors, "channel", "Choisissez où a eu lieu l’accompagnement."
    )

    participants = _count(data.get("participants"), errors, "participants", default=1)
    if "participants" not in errors:
        if kind == Kind.WORKSHOP and not 1 <= participants <= MAX_WORKSHOP_PARTICIPANTS:
            errors["participants"] = (
                f"Un atelier collectif compte de 1 à {MAX_WORKSHOP_PARTICIPANTS} participants."
            )
        elif kind in (Kind.INDIVIDUAL, Kind.ONE_OFF) and participants != 1:
            errors["participants"] = SINGLE_PERSON[kind]
    returning = _count(data.get("returning"), errors, "returning")
    if returning > participants:
        errors["returning"] = (
            f"Les personnes déjà accompagnées ({returning}) ne peuvent être plus nombreuses "
            f"que les participants ({participants})."
        )

    ages = _counts(data.get("ages"), AGE_LABELS, errors, "ages", "Tranche d’âge inconnue")
    statuses = _counts(data.get("statuses"), STATUS_LABELS, errors, "statuses", "Statut inconnu")
    for field, values, what in (("ages", ages, "âge"), ("statuses", statuses, "statut")):
        if field not in errors and sum(values.values()) != participants:
            errors[field] = (
                f"La répartition par {what} totalise {sum(values.values())} personne(s) "
                f"au lieu de {participants} participant(s)."
            )

    themes = data.get("themes") or []
    if not isinstance(themes, list | tuple):
        themes = [themes]
    unknown = [t for t in themes if t not in Theme.values]
    if unknown:
        errors["themes"] = f"Thème inconnu : {', '.join(map(str, unknown))}."
    elif not themes:
        errors["themes"] = "Choisissez au moins un thème."
    themes = [t for t in Theme.values if t in themes]

    tags = data.get("tags") or []
    if not isinstance(tags, list | tuple):
        tags = [tags]
    tags = list(dict.fromkeys(str(t).strip() for t in tags if str(t).strip()))
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        errors["tags"] = f"Au plus {MAX_TAGS} étiquettes de {MAX_TAG_LENGTH} caractères chacune."

    duration = _choice(data.get("duration"), Duration, errors, "duration", "Choisissez la durée.")
    minutes = None
    if duration == Duration.MINUTES:
        minutes = _count(data.get("minutes"), errors, "minutes", default=None)
        if "minutes" not in errors and (
            minutes is None or minutes % MINUTES_STEP or not MINUTES_STEP <= minutes <= MAX_MINUTES
        ):
            errors["minutes"] = (
                "La durée se saisit par pas de 15 minutes, de 15 minutes à 8 heures (480 min)."
            )

    place, commune = None, None
    if channel == Channel.PLACE:
        place = data.get("place")
        place_id = place.pk if isinstance(place, Place) else place
        if place_id in (None, ""):
            errors["place"] = "Choisissez le lieu d’activité."
        else:
            try:
                place = ctx.places.get(int(place_id))
            except (TypeError, ValueError):
                place = None
            if place is None:
                errors["place"] = "Lieu inconnu : choisissez l’un de vos lieux d’activité."
            else:
                commune = place.commune_id
    elif channel in (Channel.OTHER_PLACE, Channel.HOME):
        value = data.get("commune")
        commune = ctx.commune(value)
        if commune is None:
            errors["commune"] = (
                "Indiquez la commune." if value in (None, "") else "Commune inconnue."
            )
        else:
            commune = commune.pk

    followup_individual = _count(data.get("followup_individual"), errors, "followup_individual")
    followup_workshop = _count(data.get("followup_workshop"), errors, "followup_workshop")
    redirections = _counts(
        data.get("redirections"), BODY_LABELS, errors, "redirections", "Organisme inconnu"
    )
    followups = followup_individual + followup_workshop + sum(redirections.values())
    if followups > participants and "followup_individual" not in errors:
        errors["followup_individual"] = (
            f"Les suites données ({followups} : suivi individuel, en atelier et "
            f"réorientations) ne peuvent dépasser le nombre de participants ({participants})."
        )

    if errors:
        raise ValidationError(errors)
    return {
        "date": report_date,
        "kind": kind,
        "channel": channel,
        "place": place,
        "commune_id": commune,
        "participants": participants,
        "returning": returning,
        "ages": ages,
        "statuses": statuses,
        "themes": themes,
        "tags": tags,
        "duration": duration,
        "minutes": minutes,
        "followup_individual": followup_individual,
        "followup_workshop": followup_workshop,
        "redirections": redirections,
        "aidants_connect": bool(data.get("aidants_connect")),
    }


def report_errors(*, advisor, data: dict) -> ValidationError | None:
    """What the rules refuse in ``data``, without saving anything (a form shows these errors
    together with its own, in one pass)."""
    try:
        clean_report(data, _Context.of(advisor, communes=[data.get("commune")]))
    except ValidationError as error:
        return error
    return None


def _employer(advisor):
    contract = current_contract(advisor)
    if contract is None:
        raise ValidationError(NO_CONTRACT, code="no_contract")
    return contract.structure


def _client_key(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) else value
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ValidationError(
            {"client_key": "La clé d’idempotence est un texte de 64 caractères au plus."}
        )
    return value


def create_report(*, advisor, data: dict, client_key=None) -> Report:
    """Record one report of ``advisor``. With a ``client_key`` already used by the advisor,
    return that report instead (a resent form or request creates nothing)."""
    return create_or_get_report(advisor=advisor, data=data, client_key=client_key)[0]


def create_or_get_report(*, advisor, data: dict, client_key=None) -> tuple[Report, bool]:
    """``create_report``, and whether the report was created (False: the key was known)."""
    client_key = _client_key(client_key)
    if client_key:
        existing = Report.objects.filter(advisor=advisor, client_key=client_key).first()
        if existing:
            return existing, False
    ctx = _Context.of(advisor)
    fields = clean_report(data, ctx)
    structure = _employer(advisor)
    report = Report(
        advisor=advisor,
        structure=structure,
        departement_id=structure.departement_id,
        client_key=client_key,
        **fields,
    )
    try:
        with transaction.atomic():
            report.save()
            counters.apply(report, +1)
    except IntegrityError:
        # The same key sent twice at once: the first one won.
        existing = Report.objects.filter(advisor=advisor, client_key=client_key).first()
        if client_key and existing:
            return existing, False
        raise
    return report, True


def _own_locked(report: Report, by) -> Report:
    if report.advisor_id != by.pk:
        raise PermissionDenied(NOT_YOURS)
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def update_report(report: Report, *, data: dict, by) -> Report:
    """Edit a report: its old counts are taken away and the new ones added."""
    locked = _own_locked(report, by)
    fields = clean_report(data, _Context.of(by))
    counters.apply(locked, -1)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    counters.apply(locked, +1)
    audit.record("report.update", by=by, obj=locked, summary="Compte rendu modifié")
    return locked


@transaction.atomic
def delete_report(report: Report, *, by) -> None:
    locked = _own_locked(report, by)
    counters.apply(locked, -1)
    audit.record("report.delete", by=by, obj=locked, summary=f"Compte rendu supprimé : {locked}")
    locked.delete()


class BatchError(ValidationError):
    """Refused items of a batch: ``items`` maps an item's index (from 0) to its error."""

    def __init__(self, items: dict[int, ValidationError]):
        self.items = items
        super().__init__(
            {
                f"{index}.{field}": messages
                for index, error in items.items()
                for field, messages in _by_field(error).items()
            }
        )


def _by_field(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            field: [e.messages[0] for e in errors] for field, errors in error.error_dict.items()
        }
    return {"__all__": error.messages}


@dataclass
class BatchResult:
    reports: list
    created: int

    @property
    def existing(self) -> int:
        return len(self.reports) - self.created


def create_batch(*, advisor, items: list[dict], limit: int = MAX_BATCH) -> BatchResult:
    """Record up to 500 reports at once, all or nothing. Each item may carry its
    ``client_key``: items already recorded are returned, not duplicated, so a batch can be
    sent again safely. Refused items raise BatchError (every refused item, by index)."""
    if len(items) > limit:
        raise ValidationError(
            {"items": f"Un lot compte au plus {limit} comptes rendus ({len(items)} reçus)."}
        )
    errors = {}
    keys = []
    for index, item in enumerate(items):
        try:
            keys.append(_client_key(item.get("client_key")))
        except ValidationError as error:
            errors[index] = error
            keys.append(None)
    seen = {}
    for index, key in enumerate(keys):
        if key and key in seen:
            errors[index] = ValidationError(
                {"client_key": f"Clé déjà utilisée dans ce lot (élément {seen[key]})."}
            )
        seen.setdefault(key, index)
    for attempt in range(2):
        try:
            return _create_batch(advisor, items, keys, errors)
        except IntegrityError:
            # A concurrent request recorded some of these keys: read them and try again.
            if attempt:
                raise
    raise AssertionError  # pragma: no cover


@transaction.atomic
def _create_batch(advisor, items, keys, errors) -> BatchResult:
    existing = {
        r.client_key: r
        for r in Report.objects.filter(advisor=advisor, client_key__in=[k for k in keys if k])
    }
    ctx = _Context.of(
        advisor, communes=[item.get("commune") for item in items if isinstance(item, dict)]
    )
    errors = dict(errors)
    new = {}
    for index, item in enumerate(items):
        if index in errors or keys[index] in existing:
            continue
        try:
            new[index] = clean_report(item, ctx)
        except ValidationError as error:
            errors[index] = error
    if errors:
        raise BatchError(dict(sorted(errors.items())))
    structure = _employer(advisor) if new else None
    reports = [
        Report(
            advisor=advisor,
            structure=structure,
            departement_id=structure.departement_id,
            client_key=keys[index],
            **fields,
        )
        for index, fields in new.items()
    ]
    with transaction.atomic():
        Report.objects.bulk_create(reports)
        counters.apply_many(reports, +1)
    created = iter(reports)
    ordered = [
        existing[keys[index]] if index not in new else next(created) for index in range(len(items))
    ]
    return BatchResult(reports=ordered, created=len(reports))
