"""The programme's figures in force on a date (cap, envelope, subsidy per post)."""

from datetime import date

from django.db.models import Sum

from cnfs.funding.enums import PostKind, zone_of
from cnfs.funding.models import ProgrammeBudget, SubsidyRate
from cnfs.structures.models import Structure


class NoRateError(Exception):
    pass


def rate_cents(structure, on: date, kind: str = PostKind.ADVISOR) -> int:
    """Subsidy of one post of ``kind`` of ``structure`` for two years, by the rate in force
    ``on`` (the national team sets one per employer category, zone and post kind)."""
    rate = (
        SubsidyRate.objects.filter(
            employer_category=structure.employer_category,
            zone=zone_of(structure.departement_id),
            post_kind=kind,
            effective_from__lte=on,
        )
        .order_by("-effective_from")
        .values_list("amount_cents", flat=True)
        .first()
    )
    if rate is None:
        raise NoRateError(
            f"Aucun taux de subvention en vigueur au {on:%d/%m/%Y} pour cette structure "
            f"({PostKind(kind).label.lower()})."
        )
    return rate


def budget_in_force(on: date | None = None, *, lock: bool = False) -> ProgrammeBudget:
    on = on or date.today()
    queryset = ProgrammeBudget.objects.filter(effective_from__lte=on).order_by("-effective_from")
    if lock:
        queryset = queryset.select_for_update()
    budget = queryset.first()
    if budget is None:
        raise NoRateError("Aucun budget du programme en vigueur.")
    return budget


def national_commitments() -> tuple[int, int]:
    """(posts granted, subsidies committed in cents), as applied by closed sessions."""

    totals = Structure.objects.aggregate(
        posts=Sum("granted_posts"), cents=Sum("committed_subsidy_cents")
    )
    return totals["posts"] or 0, totals["cents"] or 0
