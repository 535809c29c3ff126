"""Territory follow-up figures in the API, within one's scope."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from ninja import Field, Router, Schema

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role
from cnfs.api.auth import FORBIDDEN, ErrorOut, session_auth
from cnfs.common.money import from_cents
from cnfs.followup.figures import departement_figures, national_progress, total
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement

router = Router(tags=["Suivi territorial"], auth=session_auth)

EUROS = {"description": "Montant en euros, deux décimales, exact", "examples": ["900000.00"]}


def _euros(cents: int) -> str:
    return str(from_cents(cents))


class FiguresOut(Schema):
    code: str = Field(description="Code du département (vide pour le total)")
    name: str
    region: str = Field(description="Code de la région")
    applications: dict[str, int] = Field(description="Candidatures par statut")
    applications_total: int
    structures: int = Field(description="Structures ayant des postes attribués")
    posts_granted: int
    committed: str = Field(**EUROS)
    paid: str = Field(**EUROS)

    @staticmethod
    def resolve_region(obj):
        return obj.region_code

    @staticmethod
    def resolve_committed(obj):
        return _euros(obj.committed_cents)

    @staticmethod
    def resolve_paid(obj):
        return _euros(obj.paid_cents)


class NationalProgressOut(Schema):
    posts_granted: int
    posts_cap: int = Field(description="Plafond national de postes")
    posts_percent: float
    committed: str = Field(**EUROS)
    paid: str = Field(**EUROS)
    envelope: str = Field(**EUROS)
    committed_percent: float
    validated_structures: int

    @staticmethod
    def resolve_committed(obj):
        return _euros(obj["committed_cents"])

    @staticmethod
    def resolve_paid(obj):
        return _euros(obj["paid_cents"])

    @staticmethod
    def resolve_envelope(obj):
        return _euros(obj["envelope_cents"])


class TerritoryFiguresOut(Schema):
    departements: list[FiguresOut] = Field(description="Un élément par département du périmètre")
    total: FiguresOut = Field(description="Total des départements du périmètre")
    national: NationalProgressOut = Field(description="Avancement national")


def _departements_in_scope(user):
    role = active_role(user)
    if role is not None and role.kind in (Role.NATIONAL, Role.FINANCIAL):
        return Departement.objects.all()
    if role is not None and role.kind == Role.PREFECTURE:
        return Departement.objects.filter(
            Q(code__in=role.departements) | Q(region_id__in=role.regions)
        )
    raise PermissionDenied(FORBIDDEN)


@router.get(
    "/figures",
    response={200: TerritoryFiguresOut, 403: ErrorOut},
    summary="Chiffres de suivi des départements de mon périmètre",
)
def territory_figures(request):
    """Candidatures par statut, structures dotées, postes attribués, subventions engagées et
    versées, par département, avec l’avancement national (plafond de postes, enveloppe).

    Équipe nationale et opérateur financier : tous les départements ; préfecture : ceux de
    son territoire ; autres rôles : 403. Montants en euros, chaînes à deux décimales."""
    departements = _departements_in_scope(request.user)
    rows = departement_figures(Structure.objects.visible_to(request.user), departements)
    return {"departements": rows, "total": total(rows), "national": national_progress()}
