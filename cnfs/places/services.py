"""Places of activity (DOMAIN §5.1), managed by the advisors who work there and by the
managers of their structure.

A place belongs to the structure of the advisor who creates it (his or her contract in
force) or to the structure of the manager who creates it; only advisors of that structure
work there. One main place per advisor (a database constraint holds it).
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role
from cnfs.common import audit, generations
from cnfs.common.mail import send_templated_email
from cnfs.common.validators import fold, normalize_french_phone, validate_siret
from cnfs.contracts.models import Contract, in_post_q
from cnfs.contracts.services import current_contract
from cnfs.places import freshness, hours
from cnfs.places.enums import Access, Fees, Public, Service
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.structures.models import Structure


class Label(models.TextChoices):
    """National labels, in the words of the "lieux de médiation numérique" standard."""

    FRANCE_SERVICES = "France Services", "France Services"
    AIDANTS_CONNECT = "Aidants Connect", "Aidants Connect"
    APTIC = "APTIC", "APTIC (Pass numérique)"
    CAMPUS_CONNECTE = "Campus connecté", "Campus connecté"
    FABRIQUE = "Fabriques de Territoire", "Fabrique de territoire"
    GRANDE_ECOLE = "Grande École du Numérique", "Grande École du Numérique"
    CAF = "Point d’accès numérique CAF", "Point d’accès numérique CAF"


# fmt: skip below: a data table laid out by hand for reading.
EDITABLE_FIELDS = [
    "name", "address", "commune", "latitude", "longitude", "siret", "phone", "email",
    "website", "appointment_url", "opening_hours", "access", "itinerant", "services",
    "publics", "fees", "labels", "visible_on_map",
]  # fmt: skip
MULTIPLE_CHOICES = {"services": Service, "publics": Public, "labels": Label}

# Spelling variants of the same street: "av." and "avenue", "St" and "Saint".
ADDRESS_WORDS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "che": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "st": "saint",
    "ste": "sainte",
}


APPOINTMENT_ERROR = (
    "Saisissez l’adresse complète d’un service de prise de rendez-vous, commençant par "
    "https://, par exemple https://rdv.anct.gouv.fr/…"
)
https_url = URLValidator(schemes=["https"], message=APPOINTMENT_ERROR)


def validate_appointment_url(value: str) -> str:
    """An https address (RDV Service Public or any booking service), or empty."""
    value = (value or "").strip()
    if value:
        https_url(value)
    return value


NOT_MANAGER = "Réservé aux conseillers du lieu et aux gestionnaires de sa structure."


# Permissions ------------------------------------------------------------------------------


def employer_of(user):
    """The structure of an advisor's contract in force, or None."""
    contract = current_contract(user)
    return contract.structure if contract else None


def creatable_structures(user) -> list:
    """The structures for which ``user``, in the active role, may create a place."""

    role = active_role(user)
    if role is None:
        return []
    if role.kind == Role.ADVISOR:
        employer = employer_of(user)
        return [employer] if employer else []
    if role.kind == Role.STRUCTURE:
        return list(Structure.objects.filter(pk__in=role.structures).order_by("name"))
    return []


def can_manage_place(user, place) -> bool:
    """An advisor who works there, or a manager of the place's structure."""
    role = active_role(user)
    if role is None:
        return False
    if role.kind == Role.ADVISOR:
        return place.advisors.filter(advisor=user).exists()
    if role.kind == Role.STRUCTURE:
        return place.structure_id in role.structures
    return False


def structure_advisors(*structures):
    """The advisors whose contract in force is with one of ``structures``."""
    return (
        get_user_model()
        .objects.filter(
            in_post_q(timezone.localdate(), "candidate__contracts__"),
            candidate__contracts__structure__in=structures,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# Addresses --------------------------------------------------------------------------------


def normalize_address(address: str) -> str:
    """Lower case, no accents, no punctuation, common abbreviations spelled out."""
    text = fold(address)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(ADDRESS_WORDS.get(word, word) for word in words)


def duplicate_address_warning(address: str, commune, exclude=None):
    """The places already at the same address in the same commune."""
    key = normalize_address(address)
    candidates = Place.objects.filter(commune=commune)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    same = [
        pk
        for pk, other in candidates.values_list("pk", "address")
        if normalize_address(other) == key
    ]
    return Place.objects.filter(pk__in=same).select_related("commune")


# Writing ----------------------------------------------------------------------------------


def _clean(fields: dict, place: Place | None = None) -> dict:
    """The editable fields checked and normalised; a ValidationError names each mistake."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown place fields: {', '.join(sorted(unknown))}")
    data, errors = dict(fields), {}
    for name in ("name", "address"):
        if name in data:
            data[name] = (data[name] or "").strip()
            if not data[name]:
                errors[name] = "Ce champ est obligatoire."
    if data.get("siret"):
        data["siret"] = data["siret"].replace(" ", "")
        try:
            validate_siret(data["siret"])
        except ValidationError as error:
            errors["siret"] = error.messages
    if data.get("phone"):
        try:
            data["phone"] = normalize_french_phone(data["phone"])
        except ValidationError as error:
            errors["phone"] = error.messages
    if "appointment_url" in data:
        try:
            data["appointment_url"] = validate_appointment_url(data["appointment_url"])
        except ValidationError as error:
            errors["appointment_url"] = error.messages
    if "opening_hours" in data:
        try:
            data["opening_hours"] = hours.validate(data["opening_hours"])
        except ValidationError as error:
            errors["opening_hours"] = error.messages
    if "access" in data and data["access"] not in Access.values:
        errors["access"] = "Choisissez les conditions d’accès."
    if "fees" in data and data["fees"] not in Fees.values:
        errors["fees"] = "Choisissez les tarifs."
    for name, choices in MULTIPLE_CHOICES.items():
        if name in data:
            values = list(dict.fromkeys(data[name] or []))
            if set(values) - set(choices.values):
                errors[name] = "Choisissez parmi les valeurs proposées."
            data[name] = [value for value in choices.values if value in values]
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = data.get(name)
        if value is not None and not -bound <= float(value) <= bound:
            errors[name] = f"La {name} est comprise entre -{bound} et {bound}."
    if errors:
        raise ValidationError(errors)
    # Without coordinates, the place sits at its commune's point until someone places it.
    commune = data.get("commune") or (place.commune if place else None)
    commune_changed = place is None or ("commune" in data and data["commune"] != place.commune)
    for name in ("latitude", "longitude"):
        if data.get(name) is None and (commune_changed or name in data):
            data[name] = getattr(commune, name)
    return data


def _check_advisors(structure, advisors) -> list:
    advisors = list(dict.fromkeys(advisors))
    allowed = set(structure_advisors(structure).filter(pk__in=[a.pk for a in advisors]))
    strangers = [a for a in advisors if a not in allowed]
    if strangers:
        raise ValidationError(
            {
                "advisors": "Seuls les conseillers en poste dans la structure du lieu y "
                f"travaillent : {', '.join(str(a) for a in strangers)}."
            }
        )
    return advisors


@transaction.atomic
def create_place(*, by, structure=None, advisors=(), main=False, **fields) -> Place:
    """A new place of ``structure`` (an advisor's: his or her employer). An advisor who
    creates a place works there; ``main`` makes it his or her main place."""
    allowed = creatable_structures(by)
    if not allowed:
        raise PermissionDenied(
            "Réservé aux conseillers en poste et aux gestionnaires de leur structure."
        )
    if structure is None and len(allowed) == 1:
        structure = allowed[0]
    if structure not in allowed:
        raise ValidationError({"structure": "Choisissez une de vos structures."})
    missing = {"name", "address", "commune", "access"} - {k for k, v in fields.items() if v}
    if missing:
        raise ValidationError(dict.fromkeys(sorted(missing), "Ce champ est obligatoire."))
    data = _clean(fields)
    is_advisor = active_role(by).kind == Role.ADVISOR
    workers = _check_advisors(structure, [*advisors, *([by] if is_advisor else [])])
    place = Place.objects.create(
        structure=structure, created_by=by, checked_at=timezone.now(), **data
    )
    PlaceAdvisor.objects.bulk_create([PlaceAdvisor(place=place, advisor=a) for a in workers])
    audit.record("place.create", by=by, obj=place, summary=f"Lieu créé : {place.name}")
    if main and is_advisor:
        set_main_place(by, place, by=by)
    return place


@transaction.atomic
def update_place(place: Place, *, by, advisors=None, main=None, **fields) -> Place:
    """Change the place's fields; ``advisors``, when given, is everyone who works there;
    ``main`` (True or False), when an advisor edits, makes it his or her main place or not."""
    if not can_manage_place(by, place):
        raise PermissionDenied(
            "Réservé aux conseillers du lieu et aux gestionnaires de sa structure."
        )
    place = Place.objects.select_for_update().get(pk=place.pk)
    data = _clean(fields, place)
    changes = {
        name: [str(getattr(place, name)), str(value)]
        for name, value in data.items()
        if getattr(place, name) != value
    }
    for name, value in data.items():
        setattr(place, name, value)
    place.checked_at = timezone.now()  # an edit is a check (DOMAIN §8)
    place.save()
    if advisors is not None:
        _set_advisors(place, advisors, by=by)
    if main is not None and active_role(by).kind == Role.ADVISOR:
        is_main = PlaceAdvisor.objects.filter(place=place, advisor=by, main=True).exists()
        if main != is_main:
            set_main_place(by, place if main else None, by=by)
    audit.record(
        "place.update", by=by, obj=place, summary=f"Lieu modifié : {place.name}", changes=changes
    )
    return place


@transaction.atomic
def confirm_place(place: Place, *, by) -> Place:
    """An editor says the place's information is still right: it is checked today."""
    if not can_manage_place(by, place):
        raise PermissionDenied(NOT_MANAGER)
    place = Place.objects.select_for_update().get(pk=place.pk)
    place.checked_at = timezone.now()
    place.save(update_fields=["checked_at", "updated_at"])
    audit.record("place.confirm", by=by, obj=place, summary=f"Lieu vérifié : {place.name}")
    return place


# Freshness reminders (DOMAIN §8) ----------------------------------------------------------


def places_to_remind(day):
    """Active places no longer up to date on ``day`` (last checked before the day
    ``REMINDER_MONTHS`` months ago, or never) whose editors have not been reminded since
    that check: one reminder per stretch between two checks."""
    limit = freshness.months_ago(day, freshness.REMINDER_MONTHS)
    return Place.objects.filter(active=True).filter(
        Q(checked_at__isnull=True) | Q(checked_at__lt=limit),
        Q(freshness_reminded_at__isnull=True) | Q(freshness_reminded_at__lt=F("checked_at")),
    )


def place_editors(places) -> dict[int, list[str]]:
    """The e-mail addresses of each place's editors: the advisors who work there and the
    managers of its structure (active accounts), in two queries."""
    places = list(places)
    editors = {place.pk: set() for place in places}
    links = PlaceAdvisor.objects.filter(place__in=places, advisor__is_active=True).values_list(
        "place_id", "advisor__email"
    )
    for place_id, email in links:
        editors[place_id].add(email)
    by_structure = {}
    managers = (
        get_user_model()
        .objects.filter(
            is_active=True,
            roles__role=Role.STRUCTURE,
            roles__structure__in={p.structure_id for p in places if p.structure_id},
        )
        .values_list("roles__structure", "email")
    )
    for structure_id, email in managers:
        by_structure.setdefault(structure_id, set()).add(email)
    for place in places:
        editors[place.pk] |= by_structure.get(place.structure_id, set())
    return {pk: sorted(emails) for pk, emails in editors.items()}


def remind_stale_places(first, last, *, apply: bool) -> dict[str, int]:
    """Remind the editors of the places due on ``last`` (the periodic command's window:
    the due date is a threshold, so a missed day is caught up the next run)."""
    due = list(places_to_remind(last).select_related("commune").order_by("pk"))
    editors = place_editors(due)
    reminded = [place for place in due if editors[place.pk]]
    if apply:
        now = timezone.now()
        Place.objects.filter(pk__in=[p.pk for p in due]).update(freshness_reminded_at=now)
        for place in reminded:
            send_templated_email(
                editors[place.pk],
                "places/email/freshness_reminder.txt",
                {"place": place, "status": place.freshness_status(last)},
            )
            audit.record(
                "place.remind",
                by=None,
                obj=place,
                summary=f"Rappel de vérification envoyé pour le lieu n° {place.pk}",
            )
    return {
        "Lieux à vérifier (6 mois ou plus)": len(due),
        "Lieux rappelés à leurs conseillers et gestionnaires": len(reminded),
        "Lieux sans personne à prévenir": len(due) - len(reminded),
    }


def _set_advisors(place, advisors, *, by):
    wanted = _check_advisors(place.structure, advisors) if place.structure else []
    current = {pa.advisor_id for pa in place.advisors.all()}
    wanted_ids = {a.pk for a in wanted}
    for advisor in wanted:
        if advisor.pk not in current:
            attach_advisor(place, advisor, by=by)
    for advisor in get_user_model().objects.filter(pk__in=current - wanted_ids):
        detach_advisor(place, advisor, by=by)


@transaction.atomic
def attach_advisor(place: Place, advisor, *, by) -> PlaceAdvisor:
    if not can_manage_place(by, place):
        raise PermissionDenied(
            "Réservé aux conseillers du lieu et aux gestionnaires de sa structure."
        )
    if place.structure is None:
        raise ValidationError("Ce lieu n’est rattaché à aucune structure.")
    _check_advisors(place.structure, [advisor])
    link, created = PlaceAdvisor.objects.get_or_create(place=place, advisor=advisor)
    if created:
        audit.record(
            "place.attach",
            by=by,
            obj=place,
            summary=f"Utilisateur n° {advisor.pk} travaille à {place.name}",
        )
    return link


@transaction.atomic
def detach_advisor(place: Place, advisor, *, by):
    if not can_manage_place(by, place):
        raise PermissionDenied(
            "Réservé aux conseillers du lieu et aux gestionnaires de sa structure."
        )
    if PlaceAdvisor.objects.filter(place=place, advisor=advisor).delete()[0]:
        audit.record(
            "place.detach",
            by=by,
            obj=place,
            summary=f"Utilisateur n° {advisor.pk} ne travaille plus à {place.name}",
        )


@transaction.atomic
def set_main_place(advisor, place: Place | None, *, by):
    """Make ``place`` (where the advisor works) his or her main place; None: no main place.

    The previous main place stops being one in the same transaction.
    """
    own_choice = by == advisor and active_role(by).kind == Role.ADVISOR
    if place is not None:
        if not PlaceAdvisor.objects.filter(place=place, advisor=advisor).exists():
            raise ValidationError("Le lieu principal est un lieu où le conseiller travaille.")
        role = active_role(by)
        if not can_manage_place(by, place) or (role.kind == Role.ADVISOR and by != advisor):
            raise PermissionDenied("Réservé au conseiller et aux gestionnaires de sa structure.")
    elif not own_choice:
        raise PermissionDenied("Seul le conseiller choisit de ne plus avoir de lieu principal.")
    links = PlaceAdvisor.objects.select_for_update().filter(advisor=advisor)
    list(links)  # lock the advisor's links: two changes of main place run one after the other
    links.filter(main=True).exclude(place=place).update(main=False)
    if place is not None:
        links.filter(place=place).update(main=True)
        audit.record(
            "place.main",
            by=by,
            obj=place,
            summary=f"Lieu principal de l’utilisateur n° {advisor.pk} : {place.name}",
        )


PLACES_TOPIC = "places"


def on_place_written(sender, **kwargs):
    """Listener of the places' and their advisors' saves and deletions: what the public sees
    of them is cached under the places' generation, which moves on at commit."""
    generations.advance(PLACES_TOPIC)


def on_contract_left(sender, *, contract, **kwargs):
    """Listener of ``contracts.signals.contract_left``: the places no longer count the
    person among their advisors (map, open data) unless another contract keeps him or her
    in post."""
    user_id = contract.candidate.user_id
    if user_id and not Contract.objects.in_post().filter(candidate__user_id=user_id).exists():
        PlaceAdvisor.objects.filter(advisor_id=user_id).delete()
