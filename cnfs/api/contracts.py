"""Recruitments in the API: the national team validates or refuses the contracts structures
request (the same services as the back office)."""

from datetime import date, datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from cnfs.accounts.enums import Role
from cnfs.api.auth import ErrorOut, RoleSession, ValidationErrorOut, require_role, session_auth
from cnfs.api.pagination import Pagination
from cnfs.common.money import from_cents
from cnfs.contracts import services
from cnfs.contracts.enums import ContractKind, ContractStatus
from cnfs.contracts.models import Contract

router = Router(tags=["Recrutements"], auth=session_auth)

PAGE_SIZE = 50


class ContractOut(Schema):
    id: int = Field(description="Identifiant du contrat (pour valider ou refuser)")
    status: ContractStatus
    status_label: str
    kind: ContractKind
    kind_label: str
    start_date: date
    end_date: date | None = Field(description="Absente pour un CDI ou un fonctionnaire")
    weekly_hours: str = Field(description="Heures par semaine", examples=["35.00"])
    gross_monthly_salary: str = Field(
        description="Salaire brut mensuel, en euros (deux décimales)", examples=["1800.00"]
    )
    proposal_id: int = Field(description="Mise en relation d’origine")
    structure_id: int
    structure_name: str
    departement: str = Field(description="Code du département de la structure")
    candidate_id: int
    candidate_first_name: str
    candidate_last_name: str
    candidate_email: str
    requested_at: datetime = Field(description="Demande de recrutement déposée le")
    validated_at: datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_weekly_hours(obj):
        return f"{obj.weekly_hours:.2f}"

    @staticmethod
    def resolve_gross_monthly_salary(obj):
        return str(from_cents(obj.gross_monthly_salary_cents))

    @staticmethod
    def resolve_structure_name(obj):
        return obj.structure.name

    @staticmethod
    def resolve_departement(obj):
        return obj.structure.departement_id

    @staticmethod
    def resolve_candidate_first_name(obj):
        return obj.candidate.first_name

    @staticmethod
    def resolve_candidate_last_name(obj):
        return obj.candidate.last_name

    @staticmethod
    def resolve_candidate_email(obj):
        return obj.candidate.email


class RecruitmentFilters(Schema):
    status: ContractStatus | None = Field(
        None, description="Statut du contrat (`requested` : en attente de validation)"
    )
    departement: str | None = Field(None, description="Code du département (ex. 39, 2A, 971)")


class RejectIn(Schema):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
    ] = Field(description="Motif du refus, transmis à la structure")


def _contracts(request):
    require_role(request, Role.NATIONAL)
    return Contract.objects.visible_to(request.user).select_related("structure", "candidate")


@router.get("", response=list[ContractOut], summary="Lister les recrutements")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_recruitments(request, filters: Query[RecruitmentFilters]):
    """Équipe nationale seulement (403 sinon). Les plus anciennes demandes d’abord :
    `?status=requested` donne la file des recrutements à valider. 50 par page."""
    contracts = _contracts(request).order_by("requested_at", "pk")
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    if filters.departement:
        contracts = contracts.filter(structure__departement_id=filters.departement)
    return contracts


# A decision on a recruitment: 409 if its proposal moved on meanwhile.
DECISION_RESPONSES = {
    200: ContractOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}


@router.post(
    "/{int:contract_id}/validate",
    auth=RoleSession(Role.NATIONAL),
    response=DECISION_RESPONSES,
    summary="Valider un recrutement",
)
def validate_recruitment(request, contract_id: int):
    """Équipe nationale seulement (403 sinon) ; en-tête X-CSRFToken requis.

    Le candidat devient conseiller numérique (en poste), ses autres mises en relation sont
    retirées, la subvention du poste démarre et la formation initiale est prévue. Un
    recrutement qui n’est plus en attente : 422 ; une mise en relation qui a changé
    d’état entre-temps (candidat retiré) : 409."""
    contract = get_object_or_404(_contracts(request), pk=contract_id)
    services.validate_recruitment(contract, by=request.user)
    return _contracts(request).get(pk=contract.pk)


@router.post(
    "/{int:contract_id}/reject",
    auth=RoleSession(Role.NATIONAL),
    response=DECISION_RESPONSES,
    summary="Refuser un recrutement",
)
def reject_recruitment(request, contract_id: int, payload: RejectIn):
    """Équipe nationale seulement (403 sinon) ; en-tête X-CSRFToken requis.

    Le poste se libère et le candidat redevient présélectionné par la structure."""
    contract = get_object_or_404(_contracts(request), pk=contract_id)
    services.reject_recruitment(contract, reason=payload.reason, by=request.user)
    return _contracts(request).get(pk=contract.pk)
