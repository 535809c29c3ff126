"""What coordinators, hubs and networks see, read-only, in a fixed number of queries
whatever the size of their scope; and the territory's support contacts for the public pages.

Scoped querysets go through the models' ``visible_to`` (the resolvers registered with
accounts): an object outside the scope is simply absent (404 on a detail).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from cnfs.contracts.models import Contract
from cnfs.coordination.enums import LinkStatus, MembershipStatus
from cnfs.coordination.models import (
    CoordinationActivity,
    CoordinationLink,
    Coordinator,
    Hub,
    Membership,
)
from cnfs.coordination.resolvers import coordinated_advisors, hub_departements, network_members
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.posts.enums import PostKind
from cnfs.posts.models import Post
from cnfs.stats.inactivity import inactive_contracts
from cnfs.stats.indicators import Indicators, Scope, breakdown, indicators
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement

LIST_LIMIT = 200


# --- Coordinators ---------------------------------------------------------------------------


def advisors_of(user):
    """The contracts in post of the advisors ``user`` coordinates (scoped queryset)."""
    return (
        Contract.objects.visible_to(user)
        .in_post()
        .select_related("candidate", "structure__departement")
        .order_by("structure__name", "candidate__last_name", "pk")
    )


def places_of(user):
    """The places where the advisors ``user`` coordinates work."""
    working = PlaceAdvisor.objects.filter(advisor__in=coordinated_advisors(user))
    return (
        Place.objects.filter(pk__in=working.values("place_id"))
        .select_related("commune")
        .order_by("name", "pk")
    )


def activity_totals(activities) -> dict:
    """A coordinator's own activities, counted apart: per kind and in all (one query)."""
    rows = (
        activities.order_by()
        .values("kind")
        .annotate(n=Count("pk"), people=Sum("participants"), minutes=Sum("duration_minutes"))
    )
    per_kind = {row["kind"]: row for row in rows}
    return {
        "per_kind": per_kind,
        "count": sum(row["n"] for row in per_kind.values()),
        "participants": sum(row["people"] or 0 for row in per_kind.values()),
        "hours": round(sum(row["minutes"] or 0 for row in per_kind.values()) / 60, 1),
    }


@dataclass
class CoordinatorBoard:
    coordinator: Coordinator
    advisors: list
    invitations: list
    places: list
    inactive: list
    activity: Indicators
    table: object
    own: dict
    recent: list = field(default_factory=list)


def coordinator_board(user, coordinator, today: date, start=None, end=None) -> CoordinatorBoard:
    advisors = list(advisors_of(user)[:LIST_LIMIT])
    ids = tuple(coordinated_advisors(user).values_list("pk", flat=True))
    scope = Scope(advisors=ids)
    activities = CoordinationActivity.objects.filter(coordinator=coordinator)
    return CoordinatorBoard(
        coordinator=coordinator,
        advisors=advisors,
        invitations=list(
            CoordinationLink.objects.filter(coordinator=coordinator, status=LinkStatus.INVITED)
            .select_related("advisor", "structure")
            .order_by("-invited_at")
        ),
        places=list(places_of(user)[:LIST_LIMIT]),
        inactive=list(inactive_contracts(user, today)[:LIST_LIMIT]),
        activity=indicators(scope, start, end),
        table=breakdown(scope, start, end),
        own=activity_totals(_in_period(activities, start, end)),
        recent=list(activities[:10]),
    )


def _in_period(queryset, start, end):
    if start:
        queryset = queryset.filter(date__gte=start)
    if end:
        queryset = queryset.filter(date__lte=end)
    return queryset


# --- Hubs and networks ----------------------------------------------------------------------


@dataclass
class Board:
    label: str
    structures: list
    totals: dict
    free_posts: int
    coordination_posts: int
    advisors_in_post: int
    places: int
    activity: Indicators
    table: object
    extra: list = field(default_factory=list)


def structures_of(user):
    """The structures of the scope with their posts (counters kept by the posts app)."""
    return (
        Structure.objects.visible_to(user)
        .filter(granted_posts__gt=0)
        .select_related("departement")
        .order_by("departement_id", "name", "pk")
    )


def _board(user, label: str, scope: Scope, start, end, extra=()) -> Board:
    structures = structures_of(user)
    totals = structures.aggregate(
        count=Count("pk"), granted=Sum("granted_posts"), occupied=Sum("occupied_posts")
    )
    posts = Post.objects.visible_to(user)
    free = posts.free().aggregate(
        n=Count("pk"), coordination=Count("pk", filter=Q(kind=PostKind.COORDINATION))
    )
    return Board(
        label=label,
        structures=list(structures[:LIST_LIMIT]),
        totals={key: value or 0 for key, value in totals.items()},
        free_posts=free["n"],
        coordination_posts=posts.granted().filter(kind=PostKind.COORDINATION).count(),
        advisors_in_post=Contract.objects.visible_to(user).in_post().count(),
        places=Place.objects.visible_to(user).filter(active=True).count(),
        activity=indicators(scope, start, end),
        table=breakdown(scope, start, end),
        extra=list(extra),
    )


def hub_board(user, start=None, end=None) -> Board:
    hubs = list(Hub.objects.filter(staff=user).select_related("region"))
    codes = tuple(hub_departements(user).values_list("code", flat=True))
    label = " ; ".join(hub.name for hub in hubs) or "Votre territoire"
    scope = Scope(departements=codes) if codes else Scope(advisors=())
    return _board(user, label, scope, start, end)


def network_board(user, start=None, end=None) -> Board:
    memberships = list(
        Membership.objects.filter(network__staff=user)
        .exclude(status__in=[MembershipStatus.ENDED, MembershipStatus.REFUSED])
        .select_related("network", "structure__departement")
        .order_by("status", "structure__name")
    )
    ids = tuple(network_members(user).values_list("structure_id", flat=True))
    label = " ; ".join(sorted({m.network.name for m in memberships})) or "Votre réseau"
    # An empty tuple of structures would mean "every structure": a scope of no advisor.
    scope = Scope(structures=ids) if ids else Scope(advisors=())
    return _board(user, label, scope, start, end, extra=memberships)


# --- Public territory pages -----------------------------------------------------------------


@dataclass(frozen=True)
class SupportContact:
    kind: str  # "hub" or "coordinator"
    name: str
    email: str = ""
    phone: str = ""
    website: str = ""
    detail: str = ""


def territory_support(*, departement: str | None = None, region: str | None = None):
    """The hubs covering a territory and the coordinators of it who agreed to be shown
    (two queries): for the public territory pages and the partners' API."""
    if departement:
        dep = Departement.objects.filter(code=departement).values_list("region_id", flat=True)
        hubs = Hub.objects.filter(Q(departements__code=departement) | Q(region_id__in=dep))
        territory = Q(departements__code=departement) | Q(
            user__candidate__contracts__in=Contract.objects.in_post().filter(
                post__kind=PostKind.COORDINATION, structure__departement_id=departement
            )
        )
    else:
        hubs = Hub.objects.filter(Q(region_id=region) | Q(departements__region_id=region))
        territory = Q(departements__region_id=region) | Q(
            user__candidate__contracts__in=Contract.objects.in_post().filter(
                post__kind=PostKind.COORDINATION, structure__departement__region_id=region
            )
        )
    coordinators = (
        Coordinator.objects.filter(territory, shown_publicly=True)
        .exclude(user__first_name="", user__last_name="")
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [
        SupportContact("hub", hub.name, hub.email, hub.phone, hub.website, "Hub territorial")
        for hub in hubs.distinct().order_by("name")
    ] + [
        # A coordinator agreed to have his or her name shown, nothing more.
        SupportContact("coordinator", c.user.full_name, detail="Conseiller numérique coordinateur")
        for c in coordinators
    ]
