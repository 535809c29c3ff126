"""Who may see or change a candidate's personal data (DOMAIN §2 and §4.1)."""

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role
from cnfs.matching.enums import ProposalStatus

# A structure sees the CV once it has shortlisted the candidate, and keeps it while recruiting.
CV_SHARING_STATUSES = [
    ProposalStatus.SHORTLISTED,
    ProposalStatus.RECRUITMENT_REQUESTED,
    ProposalStatus.RECRUITED,
]


def is_own_profile(user, candidate) -> bool:
    return bool(getattr(user, "is_authenticated", False) and candidate.user_id == user.pk)


def can_edit_profile(user, candidate) -> bool:
    """The candidate himself or herself, or the national team."""
    if is_own_profile(user, candidate):
        return True
    role = active_role(user) if getattr(user, "is_authenticated", False) else None
    return role is not None and role.kind == Role.NATIONAL


def can_see_cv(user, candidate) -> bool:
    """The candidate, the national team, and the structures that shortlisted the candidate."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_own_profile(user, candidate):
        return True
    role = active_role(user)
    if role is None:
        return False
    if role.kind == Role.NATIONAL:
        return True
    if role.kind == Role.STRUCTURE and role.structures:
        return candidate.proposals.filter(
            structure_id__in=role.structures, status__in=CV_SHARING_STATUSES
        ).exists()
    return False
