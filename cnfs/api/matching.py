"""Proposals in the API: a structure's ranked candidates and what it does with them.

Candidates stay anonymous (first name and initial) until the structure shortlists them;
only then come their name and contact, as on the site.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from cnfs.accounts.enums import Role
from cnfs.api.auth import ErrorOut, RoleSession, ValidationErrorOut, require_role, session_auth
from cnfs.api.contracts import ContractOut
from cnfs.api.pagination import Pagination
from cnfs.common.workflow import TransitionNotAllowed
from cnfs.contracts import services as contracts
from cnfs.contracts.enums import ContractKind
from cnfs.matching import services
from cnfs.matching.enums import REVEALED_STATUSES, DeclineReason, Origin, ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.structures.models import Structure
from cnfs.www.matching.forms import COMMENT_MAX_LENGTH, RecruitmentForm

router = Router(tags=["Mises en relation"], auth=session_auth)

PAGE_SIZE = 50
HOURS_FORMAT = "Saisissez un nombre d’heures, par exemple 35 ou 17.5."
NOT_SHORTLISTED = "Seul un profil présélectionné peut être recruté."


def transition_conflicts(endpoint):
    """A status that changed in the meantime is a conflict (409), not a server error."""

    @wraps(endpoint)
    def wrapper(*args, **kwargs):
        try:
            return endpoint(*args, **kwargs)
        except TransitionNotAllowed as error:
            raise HttpError(409, str(error)) from None

    return wrapper


class CandidateContactOut(Schema):
    email: str
    phone: str


# The docstring is published in the OpenAPI document: it keeps the page's former module
# name; the page is now cnfs.www.matching.views.profile.
class ProposedCandidateOut(Schema):
    """What the web page shows of a profile (cnfs.matching.views.profile)."""

    name: str = Field(
        description="Prénom et initiale du nom ; nom complet une fois présélectionné",
        examples=["Sam C."],
    )
    revealed: bool = Field(description="Présélectionné : nom et coordonnées donnés")
    contact: CandidateContactOut | None = Field(
        description="Coordonnées : seulement une fois le candidat présélectionné"
    )
    has_cv: bool = Field(description="A déposé un CV (visible sur le site après présélection)")
    has_diploma: bool
    diploma_name: str
    has_experience: bool
    pix_level: int | None = Field(description="Niveau Pix (1 à 3), s’il est connu")
    trained: bool = Field(description="Ancien conseiller numérique : déjà formé(e)")
    available_from: date
    available_now: bool

    @staticmethod
    def resolve_name(obj):
        return obj.name_for(revealed=obj.revealed)

    @staticmethod
    def resolve_contact(obj):
        if not obj.revealed:
            return None
        return {"email": obj.email, "phone": obj.phone}

    @staticmethod
    def resolve_has_cv(obj):
        return bool(obj.cv)

    @staticmethod
    def resolve_trained(obj):
        return obj.former_advisor

    @staticmethod
    def resolve_available_now(obj):
        return obj.available_from <= timezone.localdate()


class ProposalOut(Schema):
    id: int = Field(description="Identifiant de la mise en relation (pour agir)")
    status: ProposalStatus
    status_label: str
    origin: Origin
    origin_label: str
    score: float = Field(description="Pertinence : les mieux classés d’abord")
    distance_km: float = Field(description="Distance entre le candidat et la structure")
    reasons: list[str] = Field(description="Pourquoi ce candidat est proposé")
    decline_reason: DeclineReason | None
    decline_reason_label: str | None
    updated_at: datetime
    candidate: ProposedCandidateOut

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_origin_label(obj):
        return obj.get_origin_display()

    @staticmethod
    def resolve_decline_reason(obj):
        return obj.decline_reason or None

    @staticmethod
    def resolve_decline_reason_label(obj):
        return obj.get_decline_reason_display() if obj.decline_reason else None

    @staticmethod
    def resolve_candidate(obj):
        obj.candidate.revealed = obj.status in REVEALED_STATUSES
        return obj.candidate


class ProposalFilters(Schema):
    status: ProposalStatus | None = Field(
        None, description="Statut de la mise en relation (tous les statuts si absent)"
    )
    min_pix: int | None = Field(None, ge=1, le=3, description="Niveau Pix minimal (1 à 3)")
    diploma: bool | None = Field(None, description="Diplômé(e) en médiation numérique")
    trained: bool | None = Field(None, description="Déjà formé(e) : ancien conseiller")
    has_cv: bool | None = Field(None, description="A déposé un CV")
    max_km: float | None = Field(None, ge=0, description="Distance maximale, en km")


class DeclineIn(Schema):
    reason: DeclineReason = Field(description="Motif du refus")
    comment: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=COMMENT_MAX_LENGTH)
    ] = Field("", description="Précision (facultative), gardée au journal")


class ContractIn(Schema):
    """The web form's fields; it validates them (then the service: SMIC, dates, posts)."""

    kind: ContractKind = Field(description="Type de contrat")
    start_date: date = Field(description="Date de début")
    end_date: date | None = Field(
        None, description="Date de fin (obligatoire sauf CDI et fonctionnaire détaché)"
    )
    weekly_hours: Decimal = Field(
        description="Heures par semaine, de 1 à 48 (deux décimales au plus)", examples=[35]
    )
    gross_monthly_salary: str = Field(
        description="Salaire brut mensuel en euros, en texte pour rester exact ; jamais "
        "inférieur au SMIC pour ces heures",
        examples=["1800.00"],
    )

    @field_validator("weekly_hours", mode="before")
    @classmethod
    def _hours(cls, value):
        try:
            hours = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise PydanticCustomError("hours_format", HOURS_FORMAT) from None
        if not hours.is_finite():
            raise PydanticCustomError("hours_format", HOURS_FORMAT)
        return hours


def _structure(request, structure_id):
    require_role(request, Role.NATIONAL, Role.STRUCTURE)
    return get_object_or_404(Structure.objects.visible_to(request.user), pk=structure_id)


def _proposal(request, proposal_id):
    """Only a structure's managers act on its proposals (the national team reads them)."""
    require_role(request, Role.STRUCTURE)
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("structure", "candidate"),
        pk=proposal_id,
    )


@router.get(
    "/structures/{int:structure_id}/proposals",
    response=list[ProposalOut],
    summary="Candidats proposés à une structure",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_proposals(request, structure_id: int, filters: Query[ProposalFilters]):
    """Gestionnaires de la structure et équipe nationale (403 pour les autres rôles ; une
    structure hors de votre périmètre : 404). Les candidats nommés par la structure, puis
    les mieux classés, avec les raisons du classement ; 50 par page.

    Le candidat reste anonyme (prénom et initiale) tant qu’il n’est pas présélectionné ;
    son nom complet (`candidate.name`) et ses coordonnées (`candidate.contact`) apparaissent
    ensuite."""
    structure = _structure(request, structure_id)
    named_first = Case(
        When(origin=Origin.NAMED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    proposals = (
        Proposal.objects.filter(structure=structure)
        .select_related("candidate")
        .annotate(named_last=named_first)
        .order_by("named_last", "-score", "distance_km", "pk")
    )
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    if filters.min_pix:
        proposals = proposals.filter(candidate__pix_level__gte=filters.min_pix)
    if filters.diploma is not None:
        proposals = proposals.filter(candidate__has_diploma=filters.diploma)
    if filters.trained is not None:
        proposals = proposals.filter(candidate__former_advisor=filters.trained)
    if filters.has_cv is True:
        proposals = proposals.exclude(candidate__cv="")
    elif filters.has_cv is False:
        proposals = proposals.filter(candidate__cv="")
    if filters.max_km is not None:
        proposals = proposals.filter(distance_km__lte=filters.max_km)
    return proposals


ACTION_RESPONSES = {200: ProposalOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post(
    "/proposals/{int:proposal_id}/shortlist",
    auth=RoleSession(Role.STRUCTURE),
    response={**ACTION_RESPONSES, 422: ValidationErrorOut},
    summary="Présélectionner un candidat proposé",
)
@transition_conflicts
def shortlist(request, proposal_id: int):
    """Gestionnaires de la structure seulement (403 sinon) ; en-tête X-CSRFToken requis.
    Le nom et les coordonnées du candidat sont alors donnés. Une mise en relation qui
    n’est plus au statut « proposé » : 409."""
    return services.shortlist(_proposal(request, proposal_id), by=request.user)


@router.post(
    "/proposals/{int:proposal_id}/decline",
    auth=RoleSession(Role.STRUCTURE),
    response={**ACTION_RESPONSES, 422: ValidationErrorOut},
    summary="Refuser un candidat proposé",
)
@transition_conflicts
def decline(request, proposal_id: int, payload: DeclineIn):
    """Gestionnaires de la structure seulement (403 sinon) ; en-tête X-CSRFToken requis.
    Un candidat refusé n’est plus proposé, sauf si sa zone ou sa disponibilité change."""
    return services.decline(
        _proposal(request, proposal_id),
        reason=payload.reason.value,
        comment=payload.comment,
        by=request.user,
    )


@router.post(
    "/proposals/{int:proposal_id}/contract",
    auth=RoleSession(Role.STRUCTURE),
    response={
        201: ContractOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Demander le recrutement d’un candidat présélectionné",
)
@transition_conflicts
def request_recruitment(request, proposal_id: int, payload: ContractIn):
    """Gestionnaires de la structure seulement (403 sinon) ; en-tête X-CSRFToken requis.

    Le poste est réservé jusqu’à la décision de l’équipe nationale. Refus (422, message en
    français sur le champ concerné) : salaire sous le SMIC pour la durée hebdomadaire, date
    de fin manquante ou antérieure au début, plus de poste ouvert, personne déjà en poste
    ou en cours de recrutement. Candidat non présélectionné : 409."""
    proposal = _proposal(request, proposal_id)
    if proposal.status != ProposalStatus.SHORTLISTED:
        raise HttpError(409, NOT_SHORTLISTED)
    form = RecruitmentForm(data=payload.model_dump())
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    contract = contracts.request_recruitment(proposal, **form.service_kwargs(), by=request.user)
    return Status(201, contract)
