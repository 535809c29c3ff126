"""Host structures in the API: the public application form, and reads within one's scope."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import has_active_role
from cnfs.api.auth import ErrorOut, ValidationErrorOut, require_role, session_auth
from cnfs.api.committee import AgendaItemBase
from cnfs.api.pagination import Pagination
from cnfs.committee.enums import SessionStatus
from cnfs.committee.models import AgendaItem
from cnfs.common.reference import reference_of
from cnfs.structures import services
from cnfs.structures.enums import COMMITMENTS, LegalType, StructureStatus
from cnfs.structures.models import MOTIVATION_MAX_LENGTH, Structure
from cnfs.www.structures.forms import MAX_POSTS_PER_REQUEST, ApplicationForm
from cnfs.www.territories.forms import read_insee_codes

router = Router(tags=["Structures accueillantes"], auth=session_auth)

READERS = (Role.NATIONAL, Role.PREFECTURE, Role.STRUCTURE, Role.FINANCIAL)
# The contact person is personal data: the financial operator has no need of it.
CONTACT_READERS = (Role.NATIONAL, Role.PREFECTURE, Role.STRUCTURE)
PAGE_SIZE = 50
COMMITMENT_LABELS = dict(COMMITMENTS)


def _text(max_length: int, *, required: bool = False):
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1 if required else 0, max_length=max_length
        ),
    ]


def _commitment(label: str):
    return Field(description=f"Engagement (doit valoir true) : {label}.")


class ApplicationIn(Schema):
    """The fields of the web form, with the same rules (it validates them)."""

    legal_type: LegalType = Field(description="Type juridique de la structure")
    name: _text(200, required=True) = Field(description="Nom de la structure")
    siret: _text(20, required=True) = Field(
        description="SIRET : 14 chiffres, espaces permis ; la clé de contrôle est vérifiée",
        examples=["21390198600017"],
    )
    address: _text(250, required=True) = Field(description="Numéro et voie")
    commune: _text(5, required=True) = Field(
        description="Code INSEE de la commune (et non le code postal)", examples=["39198"]
    )
    contact_first_name: _text(100, required=True) = Field(description="Prénom du contact")
    contact_last_name: _text(100, required=True) = Field(description="Nom du contact")
    contact_role: _text(150, required=True) = Field(description="Fonction du contact")
    contact_email: _text(254, required=True) = Field(
        description="E-mail du contact : il reçoit le lien de confirmation de la candidature"
    )
    contact_phone: _text(30, required=True) = Field(
        description="Téléphone du contact, français (métropole ou outre-mer)",
        examples=["03 84 12 34 56", "+33384123456"],
    )
    posts_requested: int = Field(
        ge=1, le=MAX_POSTS_PER_REQUEST, description="Nombre de conseillers souhaités"
    )
    desired_start_date: date = Field(
        description="Date de démarrage souhaitée (aujourd’hui ou plus tard)"
    )
    motivation: _text(MOTIVATION_MAX_LENGTH, required=True) = Field(description="Motivation")
    label_france_services: bool = Field(False, description="Labellisée France Services")
    label_aidants_connect: bool = Field(False, description="Habilitée Aidants Connect")
    is_library: bool = Field(False, description="Bibliothèque ou médiathèque")
    identified_candidate: _text(250) = Field(
        "", description="Candidat déjà identifié (nom et e-mail), s’il y en a un"
    )
    commitment_recruit: bool = _commitment(COMMITMENT_LABELS["commitment_recruit"])
    commitment_contract: bool = _commitment(COMMITMENT_LABELS["commitment_contract"])
    commitment_training: bool = _commitment(COMMITMENT_LABELS["commitment_training"])
    commitment_missions: bool = _commitment(COMMITMENT_LABELS["commitment_missions"])
    commitment_means: bool = _commitment(COMMITMENT_LABELS["commitment_means"])

    @field_validator(*COMMITMENT_LABELS)
    @classmethod
    def _accepted(cls, value, info):
        if value is not True:
            raise PydanticCustomError(
                "commitment_required",
                "Vous devez accepter cet engagement : {commitment}.",
                {"commitment": COMMITMENT_LABELS[info.field_name].lower()},
            )
        return value


class ApplicationOut(Schema):
    reference: str = Field(
        description="Référence de la candidature, à rappeler à l’équipe nationale (opaque)",
        examples=["3f9c0a7b12d4e5f60718"],
    )
    status: StructureStatus
    status_label: str

    @staticmethod
    def resolve_reference(obj):
        return reference_of("structure", obj.pk)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class StructureBase(Schema):
    """What every API says of a structure the same way (this one, the partners')."""

    id: int
    name: str
    legal_type: LegalType
    siret: str
    status: StructureStatus
    status_label: str
    commune: str = Field(description="Code INSEE de la commune")
    commune_name: str
    departement: str = Field(description="Code du département")
    occupied_posts: int = Field(description="Conseillers en poste et recrutements en cours")
    open_posts: int = Field(description="Postes encore à pourvoir")
    created_at: datetime = Field(description="Date de dépôt de la candidature")

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_commune(obj):
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name

    @staticmethod
    def resolve_departement(obj):
        return obj.departement_id


class StructureOut(StructureBase):
    legal_type_label: str
    siren: str
    posts_requested: int = Field(description="Nombre de conseillers souhaités")
    granted_posts: int = Field(description="Postes attribués (dernière décision favorable)")
    email_confirmed: bool = Field(description="Adresse e-mail du contact confirmée")
    possible_duplicate_of: int | None = Field(
        description="Structure ayant déjà candidaté avec le même SIRET"
    )

    @staticmethod
    def resolve_legal_type_label(obj):
        return obj.get_legal_type_display()

    @staticmethod
    def resolve_email_confirmed(obj):
        return obj.email_confirmed_at is not None

    @staticmethod
    def resolve_possible_duplicate_of(obj):
        return obj.possible_duplicate_of_id


class ContactOut(Schema):
    first_name: str
    last_name: str
    role: str
    email: str
    phone: str


class StructureDetailOut(StructureOut):
    departement_name: str
    region: str = Field(description="Code de la région")
    employer_category: str = Field(description="Employeur public ou privé à but non lucratif")
    address: str
    contact: ContactOut | None = Field(
        description="Personne à contacter (données personnelles : absente pour l’opérateur "
        "financier)"
    )
    identified_candidate: str | None = Field(
        description="Candidat déjà identifié (absent pour l’opérateur financier)"
    )
    desired_start_date: date | None
    motivation: str
    label_france_services: bool
    label_aidants_connect: bool
    is_library: bool
    commitments_accepted_at: datetime | None
    email_confirmed_at: datetime | None
    committed_subsidy: str = Field(
        description="Subvention engagée, en euros (deux décimales)", examples=["100000.00"]
    )

    @staticmethod
    def resolve_departement_name(obj):
        return obj.departement.name

    @staticmethod
    def resolve_region(obj):
        return obj.departement.region_id

    @staticmethod
    def resolve_contact(obj, context):
        if not has_active_role(context["request"].user, *CONTACT_READERS):
            return None
        return {
            "first_name": obj.contact_first_name,
            "last_name": obj.contact_last_name,
            "role": obj.contact_role,
            "email": obj.contact_email,
            "phone": obj.contact_phone,
        }

    @staticmethod
    def resolve_identified_candidate(obj, context):
        if not has_active_role(context["request"].user, *CONTACT_READERS):
            return None
        return obj.identified_candidate

    @staticmethod
    def resolve_committed_subsidy(obj):
        return str(obj.committed_subsidy)


class StructureFilters(Schema):
    status: StructureStatus | None = Field(None, description="Statut de la candidature")
    departement: str | None = Field(None, description="Code du département (ex. 39, 2A, 971)")


class DecisionOut(AgendaItemBase):
    session_date: date
    session_closed: bool = Field(description="Session clôturée : la décision est appliquée")
    decision: str | None = Field(description="Postes accordés, refus ou examen complémentaire")

    @staticmethod
    def resolve_session_date(obj):
        return obj.session.date

    @staticmethod
    def resolve_session_closed(obj):
        return obj.session.status == SessionStatus.CLOSED


@router.post(
    "/applications",
    auth=None,
    response={201: ApplicationOut, 422: ValidationErrorOut},
    summary="Déposer la candidature d’une structure",
)
def submit_application(request, payload: ApplicationIn):
    """Sans compte ni jeton CSRF. Les cinq engagements doivent valoir `true`.

    Un e-mail de confirmation part au contact ; la candidature n’est instruite qu’une fois
    l’adresse confirmée. Un SIRET déjà connu est signalé à l’équipe nationale comme doublon
    possible. Erreurs : 422, un message en français par champ refusé."""
    form = read_insee_codes(ApplicationForm(data=payload.model_dump()))
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    # No CSRF check here, so the application is never attributed to a session's user.
    structure = services.submit_application(**form.application_data())
    return Status(201, structure)


def _visible(request):
    require_role(request, *READERS)
    return Structure.objects.visible_to(request.user)


@router.get("", response=list[StructureOut], summary="Lister les structures de mon périmètre")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_structures(request, filters: Query[StructureFilters]):
    """Équipe nationale et opérateur financier : toutes ; préfecture : son territoire ;
    gestionnaire : ses structures. Autres rôles : 403. Classées par nom, 50 par page."""
    structures = _visible(request).select_related("commune").order_by("name", "pk")
    if filters.status:
        structures = structures.filter(status=filters.status)
    if filters.departement:
        structures = structures.filter(departement_id=filters.departement)
    return structures


@router.get(
    "/{int:structure_id}",
    response={200: StructureDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="Consulter une structure",
)
def get_structure(request, structure_id: int):
    """Une structure hors de votre périmètre répond 404."""
    return get_object_or_404(
        _visible(request).select_related("commune", "departement"), pk=structure_id
    )


@router.get(
    "/{int:structure_id}/decisions",
    response=list[DecisionOut],
    summary="Décisions du comité de sélection sur une structure",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_structure_decisions(request, structure_id: int):
    """Les points de l’ordre du jour des sessions qui ont examiné ses demandes (candidature,
    avenants), du plus récent au plus ancien. Une décision d’une session encore ouverte
    (`session_closed` faux) peut changer jusqu’à la clôture, qui l’applique."""
    structure = get_object_or_404(_visible(request), pk=structure_id)
    return (
        AgendaItem.objects.filter(request__structure=structure)
        .select_related("session", "request")
        .order_by("-session__number", "position", "pk")
    )
