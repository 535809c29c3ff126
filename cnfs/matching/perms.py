"""Who may see what of a candidate once proposals exist (DOMAIN §2 and §4.1)."""

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role
from cnfs.candidates.perms import is_own_profile
from cnfs.matching.enums import ProposalStatus

# A structure sees the CV once it has shortlisted the candidate, and keeps it while recruiting.
CV_SHARING_STATUSES = [
    ProposalStatus.SHORTLISTED,
    ProposalStatus.RECRUITMENT_REQUESTED,
    ProposalStatus.RECRUITED,
]


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
