"""The scopes of the coordination roles, registered with accounts (``apps.py``).

Each part is a ``values()`` subquery: the scope is read in the same query as what it
filters, and follows the links and memberships as they change.
"""

from django.db.models import Q

from cnfs.accounts.models import User
from cnfs.accounts.scope import ResolvedScope
from cnfs.contracts.models import Contract
from cnfs.coordination.enums import LinkStatus, MembershipStatus
from cnfs.coordination.models import CoordinationLink, Membership
from cnfs.territories.models import Departement


def coordinated_advisors(user):
    """The user ids of the advisors ``user`` coordinates: accepted links, and advisors in
    post in the coordinator's territory (the coordinator excluded)."""
    links = CoordinationLink.objects.filter(
        coordinator__user=user, status=LinkStatus.ACCEPTED
    ).values("advisor_id")
    territory = (
        Contract.objects.in_post()
        .filter(structure__departement__coordinators__user=user, candidate__user__isnull=False)
        .values("candidate__user_id")
    )
    return (
        User.objects.filter(Q(pk__in=links) | Q(pk__in=territory))
        .exclude(pk=getattr(user, "pk", None))
        .values("pk")
    )


def hub_departements(user):
    """The codes of the départements of the hubs ``user`` works for (a région: all its
    départements)."""
    return (
        Departement.objects.filter(Q(hubs__staff=user) | Q(region__hubs__staff=user))
        .values("code")
        .distinct()
    )


def network_members(user):
    """The ids of the structures whose membership of ``user``'s networks is confirmed."""
    return Membership.objects.filter(network__staff=user, status=MembershipStatus.CONFIRMED).values(
        "structure_id"
    )


def coordinator_scope(user) -> ResolvedScope:
    return ResolvedScope(advisors=coordinated_advisors(user))


def hub_scope(user) -> ResolvedScope:
    return ResolvedScope(departements=hub_departements(user))


def network_scope(user) -> ResolvedScope:
    return ResolvedScope(structures=network_members(user))
