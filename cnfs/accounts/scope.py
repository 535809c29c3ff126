"""The active role of a request and the scope of what it may see.

The scope of most roles is written on their role assignment (a département, a région, a
structure). The roles whose scope is a set of people or of members (a coordinator's
advisors, a hub's territory, a network's confirmed members) are resolved by the app that
owns those links: it registers a resolver here from its ``AppConfig.ready()``
(``register_scope_resolver``); this module imports nothing from it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from cnfs.accounts.enums import Role

SESSION_KEY = "active_role"


@dataclass(frozen=True)
class ActiveRole:
    kind: str
    departements: frozenset = field(default_factory=frozenset)
    regions: frozenset = field(default_factory=frozenset)
    structures: frozenset = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        return Role(self.kind).label

    @property
    def is_national(self) -> bool:
        return self.kind == Role.NATIONAL


NO_ROLE = None


@dataclass(frozen=True)
class ResolvedScope:
    """What a resolver answers for a person: each part an iterable or a ``values()``
    subquery (evaluated in the database, so the scope follows its links as they change).
    ``None`` for a part the role does not cover."""

    departements: object = None
    regions: object = None
    structures: object = None
    advisors: object = None


_RESOLVERS: dict[str, Callable] = {}


def register_scope_resolver(kind: str, resolver: Callable) -> None:
    """Declare how the scope of role ``kind`` is found: ``resolver(user) -> ResolvedScope``."""
    _RESOLVERS[str(kind)] = resolver


def resolved_scope(user, kind: str) -> ResolvedScope:
    """The scope of ``user`` in role ``kind`` by its registered resolver (empty if none)."""
    resolver = _RESOLVERS.get(str(kind))
    return resolver(user) if resolver is not None else ResolvedScope()


def resolve_active_role(user, wanted: str | None):
    """The active role among those ``user`` holds: ``wanted`` if held, else the first."""
    if not user.is_authenticated:
        return NO_ROLE
    assignments = list(user.roles.all())
    kinds = [r.value for r in Role if any(a.role == r for a in assignments)]
    if not kinds:
        return NO_ROLE
    kind = wanted if wanted in kinds else kinds[0]
    mine = [a for a in assignments if a.role == kind]
    return ActiveRole(
        kind=kind,
        departements=frozenset(a.departement_id for a in mine if a.departement_id),
        regions=frozenset(a.region_id for a in mine if a.region_id),
        structures=frozenset(a.structure_id for a in mine if a.structure_id),
    )


def active_role(user):
    """The active role attached to the user by ActiveRoleMiddleware (or the first held)."""
    role = getattr(user, "active_role", None)
    if role is None and getattr(user, "is_authenticated", False):
        role = resolve_active_role(user, None)
    return role


def _resolved_filter(queryset, user, kind, *, departement, region, pk, advisor):
    scope = resolved_scope(user, kind)
    condition = Q(pk__in=[])
    parts = (
        (departement, scope.departements),
        (region, scope.regions),
        (pk, scope.structures),
        (advisor, scope.advisors),
    )
    for lookup, values in parts:
        if lookup and values is not None:
            condition |= Q(**{f"{lookup}__in": values})
    return queryset.filter(condition)


def scope_filter(
    queryset, user, *, departement=None, region=None, pk=None, advisor=None, national_only=False
):
    """Restrict ``queryset`` to what ``user``'s active role covers.

    ``departement``, ``region``, ``pk`` and ``advisor`` name the lookups that lead from the
    queryset's model to a département code, a région code, a structure id and an advisor's
    user id.
    """
    role = active_role(user)
    if role is None:
        return queryset.none()
    if role.kind == Role.NATIONAL or (role.kind == Role.FINANCIAL and not national_only):
        return queryset
    if role.kind == Role.PREFECTURE and departement and region:
        return queryset.filter(
            Q(**{f"{departement}__in": role.departements}) | Q(**{f"{region}__in": role.regions})
        )
    if role.kind == Role.STRUCTURE and pk:
        return queryset.filter(**{f"{pk}__in": role.structures})
    if role.kind in _RESOLVERS:
        return _resolved_filter(
            queryset,
            user,
            role.kind,
            departement=departement,
            region=region,
            pk=pk,
            advisor=advisor,
        )
    return queryset.none()
