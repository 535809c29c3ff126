"""Deployment figures of the public pages (DOMAIN §5.3, §6): posts granted, advisors
recruited, in post, in training and operational, per territory or nationally.

Each function runs a fixed number of grouped queries, whatever the data size.
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cnfs.contracts.enums import VALIDATED_STATUSES
from cnfs.contracts.models import Contract, in_post_q, operational_q, training_in_progress_q
from cnfs.posts.models import Post
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure

# Contracts the national team validated, whether in force, to come or ended since.
RECRUITED = VALIDATED_STATUSES

# How each level groups structures (and, through ``structure__``, contracts).
LEVELS = {"departement": "departement_id", "region": "departement__region_id"}


@dataclass
class Deployment:
    posts_granted: int = 0
    validated_structures: int = 0  # structures with posts granted
    committed_cents: int = 0
    recruited: int = 0  # people whose recruitment was validated (ever)
    hosting_structures: int = 0  # structures that recruited
    in_post: int = 0
    in_training: int = 0
    operational: int = 0

    @property
    def committed_euros(self) -> int:
        return self.committed_cents // 100

    @property
    def awaiting_training(self) -> int:
        return max(0, self.in_post - self.in_training - self.operational)

    @property
    def occupancy_percent(self) -> float | None:
        if not self.posts_granted:
            return None
        return round(100 * self.in_post / self.posts_granted, 1)


def _structures(departement: str | None, region: str | None):
    structures = Structure.objects.filter(status=StructureStatus.VALIDATED)
    if departement:
        structures = structures.filter(departement_id=departement)
    if region:
        structures = structures.filter(departement__region_id=region)
    return structures


def _contracts(departement: str | None, region: str | None):
    contracts = Contract.objects.filter(status__in=RECRUITED)
    if departement:
        contracts = contracts.filter(structure__departement_id=departement)
    if region:
        contracts = contracts.filter(structure__departement__region_id=region)
    return contracts


STRUCTURE_SUMS = {
    "posts": Sum("granted_posts"),
    "n_structures": Count("id", filter=Q(granted_posts__gt=0)),
    "cents": Sum("committed_subsidy_cents"),
}


def contract_sums(today=None) -> dict:
    """A person has at most one contract in post on a day, so the in-post counts add up
    across territories; "recruited" counts each person once, whatever his or her contracts.
    In post, in training and operational follow the dates (``today`` by default)."""
    today = today or timezone.localdate()
    in_post = in_post_q(today)
    return {
        "n_recruited": Count("candidate", distinct=True),
        "n_hosting": Count("structure", distinct=True),
        "n_in_post": Count("id", filter=in_post),
        "n_in_training": Count(
            "id", filter=in_post & training_in_progress_q(today, prefix="training__")
        ),
        "n_operational": Count("id", filter=in_post & operational_q(today, prefix="training__")),
    }


def _fill(figures: Deployment, structures: dict | None, contracts: dict | None):
    if structures:
        figures.posts_granted = structures["posts"] or 0
        figures.validated_structures = structures["n_structures"] or 0
        figures.committed_cents = structures["cents"] or 0
    if contracts:
        figures.recruited = contracts["n_recruited"] or 0
        figures.hosting_structures = contracts["n_hosting"] or 0
        figures.in_post = contracts["n_in_post"] or 0
        figures.in_training = contracts["n_in_training"] or 0
        figures.operational = contracts["n_operational"] or 0
    return figures


def deployment(*, departement: str | None = None, region: str | None = None) -> Deployment:
    """The figures of one département, one région, or (neither) the whole country:
    two queries."""
    structures = _structures(departement, region).aggregate(**STRUCTURE_SUMS)
    contracts = _contracts(departement, region).aggregate(**contract_sums())
    return _fill(Deployment(), structures, contracts)


def deployment_by(level: str, *, region: str | None = None) -> dict[str, Deployment]:
    """The figures of every département or every région (``level``) having any, optionally
    within ``region``: two grouped queries."""
    key = LEVELS[level]
    rows: dict[str, Deployment] = {}
    for row in _structures(None, region).values(key).annotate(**STRUCTURE_SUMS).order_by():
        _fill(rows.setdefault(row[key], Deployment()), row, None)
    contract_key = f"structure__{key}"
    sums = contract_sums()
    for row in _contracts(None, region).values(contract_key).annotate(**sums).order_by():
        _fill(rows.setdefault(row[contract_key], Deployment()), None, row)
    return rows


def _post_count(posts) -> Coalesce:
    """The number of ``posts`` of each structure, as a subquery (0 when none)."""
    per_structure = (
        posts.filter(structure=OuterRef("pk"))
        .order_by()
        .values("structure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_structure), 0, output_field=IntegerField())


def hosting_structures(*, departement: str | None = None, region: str | None = None):
    """The structures that host or will host advisors: those with posts granted (from the
    posts themselves: ``Structure.granted_posts`` and ``occupied_posts`` are caches of
    them) or that recruited; each with its commune, its posts granted and open (granted,
    held by no contract), and its advisors recruited and in post. One query."""
    structures = Structure.objects.all()
    if departement:
        structures = structures.filter(departement_id=departement)
    if region:
        structures = structures.filter(departement__region_id=region)
    recruited = Q(contracts__status__in=RECRUITED)
    return (
        structures.annotate(
            recruited=Count("contracts__candidate", distinct=True, filter=recruited),
            in_post=Count("contracts", filter=in_post_q(timezone.localdate(), "contracts__")),
            posts_granted=_post_count(Post.objects.granted()),
            posts_open=_post_count(Post.objects.free()),
        )
        .filter(Q(recruited__gt=0) | Q(posts_granted__gt=0))
        .select_related("commune", "departement")
        .order_by("departement_id", "name", "pk")
    )


def total(rows) -> Deployment:
    """The sum of ``rows`` (for the in-post and posts figures: a person recruited in two
    territories counts in both for "recruited")."""
    result = Deployment()
    for row in rows:
        for name in Deployment.__dataclass_fields__:
            setattr(result, name, getattr(result, name) + getattr(row, name))
    return result
