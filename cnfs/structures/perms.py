from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role


def covers_structure(user, structure) -> bool:
    """Whether the active role's scope includes ``structure``."""
    role = active_role(user)
    if role is None:
        return False
    if role.kind in (Role.NATIONAL, Role.FINANCIAL):
        return True
    if role.kind == Role.PREFECTURE:
        return (
            structure.departement_id in role.departements
            or structure.departement.region_id in role.regions
        )
    if role.kind == Role.STRUCTURE:
        return structure.pk in role.structures
    return False


def can_give_opinion(user, post_request) -> bool:
    role = active_role(user)
    return (
        role is not None
        and role.kind == Role.PREFECTURE
        and covers_structure(user, post_request.structure)
    )


def can_request_amendment(user, structure) -> bool:
    role = active_role(user)
    return role is not None and role.kind == Role.STRUCTURE and structure.pk in role.structures


def can_decide(user) -> bool:
    role = active_role(user)
    return role is not None and role.kind == Role.NATIONAL
