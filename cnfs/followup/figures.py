"""Territory follow-up figures: one grouped query per source, whatever the data size."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from cnfs.funding.models import Payment
from cnfs.funding.rates import budget_in_force
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement, Region


@dataclass
class TerritoryFigures:
    code: str
    name: str
    region_code: str = ""
    applications: dict = field(default_factory=dict)  # status → count
    structures: int = 0  # validated structures (with posts)
    posts_granted: int = 0
    committed_cents: int = 0
    paid_cents: int = 0

    @property
    def applications_total(self) -> int:
        return sum(self.applications.values())

    def add(self, other: "TerritoryFigures"):
        for status, count in other.applications.items():
            self.applications[status] = self.applications.get(status, 0) + count
        self.structures += other.structures
        self.posts_granted += other.posts_granted
        self.committed_cents += other.committed_cents
        self.paid_cents += other.paid_cents


def departement_figures(structures=None, departements=None) -> list[TerritoryFigures]:
    """Figures of each département (of ``departements``, default all), computed over
    ``structures`` (default all; pass a scoped queryset). Three queries in all."""
    structures = Structure.objects.all() if structures is None else structures
    departements = Departement.objects.all() if departements is None else departements
    rows = {
        d.code: TerritoryFigures(d.code, d.name, d.region_id) for d in departements.order_by("code")
    }
    grouped = (
        structures.filter(departement__in=list(rows))
        .values("departement_id", "status")
        .annotate(
            n=Count("id"),
            with_posts=Count("id", filter=Q(granted_posts__gt=0)),
            posts=Sum("granted_posts"),
            cents=Sum("committed_subsidy_cents"),
        )
        .order_by()
    )
    for g in grouped:
        row = rows[g["departement_id"]]
        row.applications[g["status"]] = g["n"]
        row.structures += g["with_posts"]
        row.posts_granted += g["posts"] or 0
        row.committed_cents += g["cents"] or 0
    paid = (
        Payment.objects.filter(
            instalment__post__agreement__structure__in=structures.values("pk"),
            instalment__post__agreement__structure__departement__in=list(rows),
        )
        .values("instalment__post__agreement__structure__departement_id")
        .annotate(cents=Sum("amount_cents"))
        .order_by()
    )
    for p in paid:
        rows[p["instalment__post__agreement__structure__departement_id"]].paid_cents = p["cents"]
    return list(rows.values())


def region_figures(departement_rows: list[TerritoryFigures]) -> list[TerritoryFigures]:

    names = dict(Region.objects.values_list("code", "name"))
    regions: dict[str, TerritoryFigures] = {}
    for row in departement_rows:
        region = regions.setdefault(
            row.region_code, TerritoryFigures(row.region_code, names.get(row.region_code, ""))
        )
        region.add(row)
    return sorted(regions.values(), key=lambda r: r.name)


def total(rows: list[TerritoryFigures], label="Total") -> TerritoryFigures:
    result = TerritoryFigures("", label)
    for row in rows:
        result.add(row)
    return result


def national_progress() -> dict:
    """Posts granted and subsidies committed and paid against the cap and the envelope."""
    budget = budget_in_force()
    totals = Structure.objects.aggregate(
        posts=Sum("granted_posts"), cents=Sum("committed_subsidy_cents")
    )
    paid = Payment.objects.aggregate(cents=Sum("amount_cents"))["cents"] or 0
    posts, cents = totals["posts"] or 0, totals["cents"] or 0
    return {
        "posts_granted": posts,
        "posts_cap": budget.posts_cap,
        "posts_percent": round(100 * posts / budget.posts_cap, 1) if budget.posts_cap else 0,
        "committed_cents": cents,
        "paid_cents": paid,
        "envelope_cents": budget.envelope_cents,
        "committed_percent": round(100 * cents / budget.envelope_cents, 1)
        if budget.envelope_cents
        else 0,
        "validated_structures": Structure.objects.filter(status=StructureStatus.VALIDATED).count(),
    }
