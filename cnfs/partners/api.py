"""The partners' API (under /api/v1/partners/): public places, territory figures and
activity statistics, readable without a key at a lower rate; host structures for the keys
that hold ``structures:read``, within their territory."""

from datetime import date, datetime

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from cnfs.api.auth import ErrorOut, ValidationErrorOut
from cnfs.api.pagination import Pagination
from cnfs.api.structures import StructureBase
from cnfs.contracts.models import Contract
from cnfs.coordination.queries import territory_support
from cnfs.partners.auth import PartnerKey, RateLimit
from cnfs.partners.enums import Scope
from cnfs.places import hours
from cnfs.places.enums import Access, Service
from cnfs.places.models import PlaceAdvisor
from cnfs.public.queries import BBox, MapFilters, filtered_places, in_bbox
from cnfs.stats import indicators as stats
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement, Region

router = Router(tags=["Partenaires"], throttle=[RateLimit()])

PAGE_SIZE = 100
TERRITORY_CODE = r"^(\d{2,3}|2[ABab])$"
BBOX_INVALID = (
    "Le cadre doit s’écrire « longitude min,latitude min,longitude max,latitude max » "
    "en degrés décimaux, par exemple 5.2,46.2,6.2,47.3."
)
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
ERRORS = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}


def _invalid(field: str, message: str):
    raise ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _departement(code: str) -> Departement:
    return get_object_or_404(Departement.objects.select_related("region"), code=code.upper())


# Places --------------------------------------------------------------------------------


class PlaceFilters(Schema):
    bbox: str | None = Field(
        None,
        description="Cadre « lonMin,latMin,lonMax,latMax » (WGS 84)",
        examples=["5.2,46.2,6.2,47.3"],
    )
    departement: str | None = Field(
        None, pattern=TERRITORY_CODE, description="Code du département (ex. 39, 2A, 971)"
    )
    region: str | None = Field(None, pattern=TERRITORY_CODE, description="Code de la région")
    services: list[Service] = Field(
        [], description="Services proposés (répéter le paramètre : le lieu les offre tous)"
    )


class PlaceOut(Schema):
    id: int
    name: str = Field(description="Nom du lieu")
    address: str
    commune: str = Field(description="Code INSEE de la commune")
    commune_name: str
    postal_code: str
    departement: str = Field(description="Code du département")
    latitude: float
    longitude: float
    phone: str = Field(description="Téléphone au format international, vide si inconnu")
    email: str
    website: str
    opening_hours: str = Field(description="Horaires au format OpenStreetMap opening_hours")
    opening_hours_text: list[str] = Field(description="Horaires en français, une règle par ligne")
    access: Access
    access_label: str
    itinerant: bool
    services: list[str]
    publics: list[str]
    fees: str
    labels: list[str]
    structure: str | None = Field(description="Structure accueillante")
    advisors_count: int = Field(description="Nombre de conseillers numériques du lieu")
    advisors: list[str] = Field(
        description="Noms des conseillers qui ont accepté d’être affichés publiquement"
    )
    updated_at: datetime

    @staticmethod
    def resolve_commune(obj):
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name

    @staticmethod
    def resolve_postal_code(obj):
        return obj.commune.main_postal_code

    @staticmethod
    def resolve_departement(obj):
        return obj.commune.departement_id

    @staticmethod
    def resolve_opening_hours_text(obj):
        return hours.describe(obj.opening_hours)

    @staticmethod
    def resolve_access_label(obj):
        return obj.get_access_display()

    @staticmethod
    def resolve_structure(obj):
        return obj.structure.name if obj.structure else None

    @staticmethod
    def resolve_advisors(obj):
        return [link.advisor.full_name for link in obj.public_advisors]


@router.get(
    "/places",
    auth=PartnerKey(Scope.PLACES, anonymous=True),
    response={200: list[PlaceOut], 422: ValidationErrorOut, **ERRORS},
    summary="Lister les lieux d’activité publics",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_places(request, filters: Query[PlaceFilters]):
    """Les lieux visibles sur la carte publique où travaille au moins un conseiller, par
    département puis par nom, 100 par page. Sans clé, ou avec une clé qui a le droit
    `places:read`. Filtres : cadre géographique (`bbox`), département, région, services."""
    bbox = None
    if filters.bbox:
        bbox = BBox.parse(filters.bbox)
        if bbox is None:
            _invalid("bbox", BBOX_INVALID)
    map_filters = MapFilters(
        services=tuple(filters.services),
        departement=(filters.departement or "").upper(),
        region=(filters.region or "").upper(),
    )
    public_advisors = PlaceAdvisor.objects.filter(shown_publicly=True).select_related("advisor")
    return (
        in_bbox(filtered_places(map_filters), bbox)
        .select_related("commune", "structure")
        .annotate(advisors_count=Count("advisors"))
        .prefetch_related(Prefetch("advisors", public_advisors, to_attr="public_advisors"))
        .order_by("commune__departement_id", "name", "pk")
    )


# Territories ---------------------------------------------------------------------------


class TerritoryStructureOut(Schema):
    name: str
    commune: str = Field(description="Code INSEE de la commune")
    commune_name: str
    posts_granted: int
    advisors_in_post: int


class SupportOut(Schema):
    kind: str = Field(description="hub (hub territorial) ou coordinator (coordinateur)")
    name: str = Field(description="Nom du hub, ou du coordinateur qui a accepté d’être nommé")
    email: str = Field("", description="E-mail de contact (hubs seulement)")
    phone: str = ""
    website: str = ""
    detail: str = ""


class TerritoryOut(Schema):
    code: str
    name: str
    region: str = Field(description="Code de la région")
    region_name: str
    posts_granted: int = Field(description="Postes attribués aux structures du département")
    advisors_in_post: int = Field(description="Conseillers numériques en poste")
    structures_count: int = Field(description="Structures dotées de postes")
    structures: list[TerritoryStructureOut] = Field(description="Structures dotées de postes")
    support: list[SupportOut] = Field(
        description="Contacts d’appui du territoire : hubs territoriaux et coordinateurs"
    )


@router.get(
    "/territories/{code}",
    auth=PartnerKey(Scope.TERRITORIES, anonymous=True),
    response={200: TerritoryOut, 404: ErrorOut, **ERRORS},
    summary="Chiffres d’un département",
)
def territory(request, code: str):
    """Postes attribués, conseillers en poste et structures dotées de postes d’un
    département (code INSEE : 39, 2A, 971…), et ses contacts d’appui (hubs territoriaux,
    coordinateurs qui ont accepté d’être nommés). Sans clé, ou avec le droit
    `territories:read`. Un code inconnu répond 404."""
    departement = _departement(code)
    structures = list(
        Structure.objects.filter(
            departement=departement, status=StructureStatus.VALIDATED, granted_posts__gt=0
        )
        .select_related("commune")
        .order_by("name", "pk")
    )
    in_post = dict(
        Contract.objects.in_post()
        .filter(structure__departement=departement)
        .values("structure_id")
        .annotate(n=Count("candidate", distinct=True))
        .values_list("structure_id", "n")
        .order_by()
    )
    rows = [
        {
            "name": s.name,
            "commune": s.commune_id,
            "commune_name": s.commune.name,
            "posts_granted": s.granted_posts,
            "advisors_in_post": in_post.get(s.pk, 0),
        }
        for s in structures
    ]
    return {
        "code": departement.code,
        "name": departement.name,
        "region": departement.region_id,
        "region_name": departement.region.name,
        "posts_granted": sum(s.granted_posts for s in structures),
        "advisors_in_post": sum(in_post.values()),
        "structures_count": len(structures),
        "structures": rows,
        "support": [vars(contact) for contact in territory_support(departement=departement.code)],
    }


# Statistics ----------------------------------------------------------------------------


class StatisticsFilters(Schema):
    departement: str | None = Field(None, pattern=TERRITORY_CODE, description="Département")
    region: str | None = Field(None, pattern=TERRITORY_CODE, description="Région")
    start: date | None = Field(None, description="Premier jour (inclus), AAAA-MM-JJ")
    end: date | None = Field(None, description="Dernier jour (inclus), AAAA-MM-JJ")

    @field_validator("start", "end")
    @classmethod
    def _plausible(cls, value):
        # The programme's years; a day like 9999-12-31 has no following day to count up to.
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise PydanticCustomError(
                "date_out_of_range",
                "Saisissez une date entre le {first} et le {last}.",
                {"first": f"{FIRST_DAY:%d/%m/%Y}", "last": f"{LAST_DAY:%d/%m/%Y}"},
            )
        return value


class ShareOut(Schema):
    code: str
    label: str
    count: int
    percent: float


class MonthOut(Schema):
    month: date = Field(description="Premier jour du mois")
    accompaniments: int
    people_reached: int


class StatisticsOut(Schema):
    territory: str = Field(description="Périmètre : France, région ou département")
    start: date | None
    end: date | None
    accompaniments: int = Field(description="Accompagnements (comptes rendus d’activité)")
    workshops: int = Field(description="Ateliers collectifs")
    workshop_participants: int
    individual: int = Field(description="Accompagnements individuels")
    one_off: int = Field(description="Demandes ponctuelles")
    people_reached: int = Field(
        description="Personnes touchées : participants aux ateliers + individuels + ponctuels"
    )
    unique_people: int = Field(description="Personnes touchées − personnes déjà venues")
    followup_rate: float | None = Field(description="Taux de suivi, en %")
    total_minutes: int
    themes: list[ShareOut]
    channels: list[ShareOut]
    durations: list[ShareOut]
    ages: list[ShareOut]
    statuses: list[ShareOut]
    redirections: list[ShareOut]
    months: list[MonthOut]


@router.get(
    "/statistics",
    auth=PartnerKey(Scope.STATS, anonymous=True),
    response={200: StatisticsOut, 404: ErrorOut, 422: ValidationErrorOut, **ERRORS},
    summary="Statistiques publiques d’activité",
)
def statistics(request, filters: Query[StatisticsFilters]):
    """Les indicateurs d’activité des conseillers (DOMAIN §5.3) de la France entière, d’une
    région ou d’un département, sur une période (bornes incluses, ouvertes si absentes).
    Sans clé, ou avec le droit `stats:read`. Un territoire inconnu répond 404."""
    if filters.start and filters.end and filters.start > filters.end:
        _invalid("end", "La date de fin doit suivre la date de début.")
    if filters.departement and filters.region:
        _invalid("region", "Choisissez un département ou une région, pas les deux.")
    territory = "France"
    scope = stats.Scope()
    if filters.departement:
        departement = _departement(filters.departement)
        territory, scope = departement.name, stats.Scope(departements=(departement.code,))
    elif filters.region:
        region = get_object_or_404(Region, code=filters.region.upper())
        territory, scope = region.name, stats.Scope(region=region.code)
    result = stats.indicators(scope, filters.start, filters.end)
    return {"territory": territory, **vars(result)}


# Structures (non-public) ---------------------------------------------------------------


class PartnerContactOut(Schema):
    first_name: str
    last_name: str
    role: str
    email: str
    phone: str


class PartnerStructureOut(StructureBase):
    address: str
    region: str
    posts_granted: int
    label_france_services: bool
    label_aidants_connect: bool
    contact: PartnerContactOut | None = Field(
        description="Personne à contacter (donnée personnelle) : structures validées seulement, "
        "null pour une candidature en cours, refusée ou abandonnée"
    )

    @staticmethod
    def resolve_region(obj):
        return obj.departement.region_id

    @staticmethod
    def resolve_posts_granted(obj):
        return obj.granted_posts

    @staticmethod
    def resolve_contact(obj):
        if obj.status != StructureStatus.VALIDATED:
            return None  # an application is not yet a partner's business
        return {
            "first_name": obj.contact_first_name,
            "last_name": obj.contact_last_name,
            "role": obj.contact_role,
            "email": obj.contact_email,
            "phone": obj.contact_phone,
        }


class PartnerStructureFilters(Schema):
    departement: str | None = Field(None, pattern=TERRITORY_CODE, description="Département")
    status: StructureStatus | None = Field(None, description="Statut de la candidature")


def _structures_of(caller):
    """The structures within the key's territory (all when the key has none)."""
    structures = Structure.objects.select_related("commune", "departement")
    if caller.key.is_restricted:
        structures = structures.filter(
            Q(departement_id__in=caller.key.departements)
            | Q(departement__region_id__in=caller.key.regions)
        )
    return structures


@router.get(
    "/structures",
    auth=PartnerKey(Scope.STRUCTURES),
    response={200: list[PartnerStructureOut], 404: ErrorOut, 422: ValidationErrorOut, **ERRORS},
    summary="Lister les structures accueillantes du territoire de ma clé",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_structures(request, filters: Query[PartnerStructureFilters]):
    """Clé avec le droit `structures:read` obligatoire (sans clé : 401 ; sans ce droit :
    403). Une clé limitée à des départements ou des régions ne voit que leurs structures ;
    demander un département hors de ce périmètre répond 404. Classées par nom, 100 par page.
    Contient des données personnelles (le contact) : leur usage est encadré par la
    convention passée avec l’équipe nationale."""
    structures = _structures_of(request.auth)
    if filters.departement:
        departement = _departement(filters.departement)
        if not request.auth.allows_departement(departement.code, departement.region_id):
            raise Http404
        structures = structures.filter(departement=departement)
    if filters.status:
        structures = structures.filter(status=filters.status)
    return structures.order_by("name", "pk")


@router.get(
    "/structures/{int:structure_id}",
    auth=PartnerKey(Scope.STRUCTURES),
    response={200: PartnerStructureOut, 404: ErrorOut, **ERRORS},
    summary="Consulter une structure accueillante",
)
def get_structure(request, structure_id: int):
    """Une structure hors du territoire de la clé répond 404, comme une structure
    inexistante."""
    return get_object_or_404(_structures_of(request.auth), pk=structure_id)
