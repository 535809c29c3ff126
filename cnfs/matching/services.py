"""What a structure does with its proposals: shortlist, decline, find a candidate by hand."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cnfs.candidates.models import Candidate
from cnfs.matching.engine import distance_reason, great_circle_km, metres, territory, unit_vectors
from cnfs.matching.enums import OPEN_STATUSES, DeclineReason, Origin, ProposalStatus
from cnfs.matching.models import PROPOSAL_WORKFLOW, Proposal
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.structures.perms import can_request_amendment as manages_structure

MANUAL_SEARCH_MAX_KM = 100


def _require_manager(by, structure):
    if not manages_structure(by, structure):
        raise PermissionDenied("Réservé aux gestionnaires de la structure.")


@transaction.atomic
def shortlist(proposal: Proposal, *, by) -> Proposal:
    _require_manager(by, proposal.structure)
    PROPOSAL_WORKFLOW.apply(proposal, "shortlist", by=by)
    return proposal


@transaction.atomic
def decline(proposal: Proposal, *, reason: str, comment: str = "", by) -> Proposal:
    """Refuse a profile: it never comes back unless the candidate's zone or availability
    changes."""
    _require_manager(by, proposal.structure)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Choisissez un motif de refus."})
    label = DeclineReason(reason).label + (f" — {comment}" if comment else "")
    PROPOSAL_WORKFLOW.apply(
        proposal,
        "decline",
        by=by,
        reason=label,
        extra={"decline_reason": reason, "declined_zone_version": proposal.candidate.zone_version},
    )
    # The next profile takes its place in the structure's list (the workflow's listener).
    return proposal


@transaction.atomic
def shortlist_manually(structure, candidate: Candidate, *, by) -> Proposal:
    """A structure shortlists an available candidate it found by search: only while it
    recruits, and only among the candidates of its territory living within
    MANUAL_SEARCH_MAX_KM (a structure cannot reveal anyone's contact details at will)."""
    _require_manager(by, structure)
    if not Candidate.objects.matchable().filter(pk=candidate.pk).exists():
        raise ValidationError("Ce candidat n’est plus disponible.")
    structure = Structure.objects.select_related("commune").get(pk=structure.pk)
    if structure.status != StructureStatus.VALIDATED or structure.open_posts < 1:
        raise ValidationError(
            "Votre structure n’a pas de poste ouvert : vous ne pouvez pas présélectionner."
        )
    if territory(candidate.commune.departement_id, candidate.commune.postal_codes) != territory(
        structure.commune.departement_id, structure.commune.postal_codes
    ):
        raise ValidationError("Ce candidat réside dans un autre territoire.")
    existing = Proposal.objects.filter(candidate=candidate, structure=structure).first()
    if existing is not None:
        if existing.status == ProposalStatus.PROPOSED:
            return shortlist(existing, by=by)
        if existing.status in (ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN):
            PROPOSAL_WORKFLOW.apply(existing, "repropose", by=by, reason="Recherche manuelle")
            return shortlist(existing, by=by)
        return existing
    a = unit_vectors([candidate.commune.latitude], [candidate.commune.longitude])
    b = unit_vectors([structure.commune.latitude], [structure.commune.longitude])
    m = int(metres(great_circle_km(a, b))[0])
    km = m / 1000
    if m > MANUAL_SEARCH_MAX_KM * 1000:
        raise ValidationError(
            f"Ce candidat réside à plus de {MANUAL_SEARCH_MAX_KM} km de votre structure."
        )
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                candidate=candidate,
                structure=structure,
                origin=Origin.MANUAL,
                status=ProposalStatus.PROPOSED,
                distance_km=km,
                score=0,
                reasons=[distance_reason(km), "Trouvé par la structure (recherche)"],
            )
    except IntegrityError:
        raise ValidationError("Ce candidat est déjà proposé à votre structure.") from None
    return shortlist(proposal, by=by)


def withdraw_open_proposals(candidate, *, by=None, reason: str, keep=None):
    """Withdraw the candidate's open proposals (recruited elsewhere, or left)."""
    for proposal in candidate.proposals.filter(status__in=OPEN_STATUSES).exclude(
        pk=getattr(keep, "pk", None)
    ):
        PROPOSAL_WORKFLOW.apply(proposal, "withdraw", by=by, reason=reason)
