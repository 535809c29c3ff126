"""The active role of a request and the scope of what it may see."""

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


def scope_filter(queryset, user, *, departement=None, region=None, pk=None, national_only=False):
    """Restrict ``queryset`` to what ``user``'s active role covers.

    ``departement``, ``region`` and ``pk`` name the lookups that lead from the queryset's
    model to a département code, a région code and a structure id.
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
    return queryset.none()
