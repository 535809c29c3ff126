"""Who may see or change a candidate's personal data (DOMAIN §2 and §4.1)."""

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role


def is_own_profile(user, candidate) -> bool:
    return bool(getattr(user, "is_authenticated", False) and candidate.user_id == user.pk)


def can_edit_profile(user, candidate) -> bool:
    """The candidate himself or herself, or the national team."""
    if is_own_profile(user, candidate):
        return True
    role = active_role(user) if getattr(user, "is_authenticated", False) else None
    return role is not None and role.kind == Role.NATIONAL
