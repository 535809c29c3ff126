"""The selection committee in the API: sessions, agendas and decisions (national team only)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from cnfs.accounts.enums import Role
from cnfs.api.auth import ErrorOut, RoleSession, ValidationErrorOut, require_role, session_auth
from cnfs.api.pagination import Pagination
from cnfs.committee import services
from cnfs.committee.enums import Decision, SessionStatus
from cnfs.committee.models import AgendaItem, Session
from cnfs.funding.enums import PostKind
from cnfs.funding.rates import NoRateError

router = Router(tags=["Comité de sélection"], auth=session_auth)

PAGE_SIZE = 50


class SessionOut(Schema):
    number: int = Field(description="Numéro de la session (COSELEC n)")
    date: date
    status: SessionStatus
    status_label: str
    closed_at: datetime | None
    items: int = Field(description="Points à l’ordre du jour")
    decided: int = Field(description="Points déjà décidés")

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_items(obj):
        return obj.items_count

    @staticmethod
    def resolve_decided(obj):
        return obj.decided_count


class AgendaItemBase(Schema):
    """What every API says of a committee item the same way (this one, a structure's
    decisions)."""

    id: int = Field(description="Identifiant du point de l’ordre du jour")
    session_number: int = Field(description="Numéro de la session (COSELEC n)")
    request_kind: str = Field(description="Candidature, ajout ou rendu de postes")
    request_kind_label: str
    posts_requested: int
    decision_label: str | None
    posts: int | None = Field(description="Postes accordés")
    post_kind: PostKind = Field(description="Nature des postes accordés")
    priority: bool
    observation: str

    @staticmethod
    def resolve_session_number(obj):
        return obj.session.number

    @staticmethod
    def resolve_request_kind(obj):
        return obj.request.kind

    @staticmethod
    def resolve_request_kind_label(obj):
        return obj.request.get_kind_display()

    @staticmethod
    def resolve_posts_requested(obj):
        return obj.request.posts

    @staticmethod
    def resolve_decision(obj):
        return obj.decision or None

    @staticmethod
    def resolve_decision_label(obj):
        return obj.get_decision_display() if obj.decision else None


class AgendaItemOut(AgendaItemBase):
    id: int = Field(description="Identifiant du point (pour décider)")
    position: int
    structure_id: int
    structure_name: str
    siret: str
    departement: str = Field(description="Code du département de la structure")
    request_id: int
    opinion: str | None = Field(description="Avis du préfet : favorable ou défavorable")
    opinion_suggested_posts: int | None
    decision: Decision | None
    decided_at: datetime | None
    applied_at: datetime | None = Field(description="Appliquée à la clôture de la session")

    @staticmethod
    def resolve_structure_id(obj):
        return obj.request.structure_id

    @staticmethod
    def resolve_structure_name(obj):
        return obj.request.structure.name

    @staticmethod
    def resolve_siret(obj):
        return obj.request.structure.siret

    @staticmethod
    def resolve_departement(obj):
        return obj.request.structure.departement_id

    @staticmethod
    def resolve_opinion(obj):
        return obj.request.opinion or None

    @staticmethod
    def resolve_opinion_suggested_posts(obj):
        return obj.request.opinion_suggested_posts


class DecisionIn(Schema):
    decision: Decision = Field(description="Postes accordés, refus ou examen complémentaire")
    posts: int | None = Field(
        None,
        ge=1,
        le=32767,
        description="Postes accordés (obligatoire pour une attribution ; ignoré sinon)",
    )
    priority: bool = Field(False, description="Dossier prioritaire")
    observation: str = Field("", max_length=2000, description="Observation du comité")
    post_kind: PostKind = Field(
        PostKind.ADVISOR,
        description="Nature des postes accordés : conseillers (advisor) ou coordination",
    )


@router.get(
    "/sessions", response=list[SessionOut], summary="Lister les sessions du comité de sélection"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_sessions(request):
    """Équipe nationale seulement (403 sinon). De la plus récente à la plus ancienne."""
    require_role(request, Role.NATIONAL)
    return Session.objects.annotate(
        items_count=Count("items"), decided_count=Count("items", filter=~Q(items__decision=""))
    ).order_by("-number")


@router.get(
    "/sessions/{int:number}/items",
    response=list[AgendaItemOut],
    summary="Ordre du jour d’une session et ses décisions",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_session_items(request, number: int):
    """Équipe nationale seulement (403 sinon). Dans l’ordre de l’ordre du jour, avec l’avis
    du préfet et la décision de chaque point."""
    require_role(request, Role.NATIONAL)
    session = get_object_or_404(Session, number=number)
    return (
        AgendaItem.objects.visible_to(request.user)
        .filter(session=session)
        .select_related("session", "request__structure")
        .order_by("position", "pk")
    )


@router.post(
    "/items/{int:item_id}/decision",
    auth=RoleSession(Role.NATIONAL),
    response={200: AgendaItemOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Décider d’un point de l’ordre du jour",
)
def decide_item(request, item_id: int, payload: DecisionIn):
    """Équipe nationale seulement (403 sinon) ; en-tête X-CSRFToken requis.

    La décision est enregistrée tant que la session est ouverte et appliquée à sa clôture.
    Une attribution qui dépasserait le plafond national de postes ou l’enveloppe est
    refusée (422, message en français sur le champ `posts`)."""
    require_role(request, Role.NATIONAL)
    item = get_object_or_404(AgendaItem.objects.visible_to(request.user), pk=item_id)
    try:
        return services.decide(
            item,
            decision=payload.decision.value,
            posts=payload.posts,
            priority=payload.priority,
            observation=payload.observation,
            post_kind=payload.post_kind.value,
            by=request.user,
        )
    except NoRateError as error:
        raise ValidationError(str(error)) from None
