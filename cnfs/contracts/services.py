"""Recruitment, contracts and their end; initial training and certification.

Guarantees, held by row locks and database constraints: a person is never in post (or
being recruited) in two structures; a structure never has more contracts requested or in
force than granted posts (``Structure.occupied_posts <= granted_posts``).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cnfs.accounts import services as accounts
from cnfs.accounts.enums import Role
from cnfs.candidates.models import Candidate
from cnfs.common import audit
from cnfs.common.mail import send_templated_email
from cnfs.contracts.enums import (
    OCCUPYING_STATUSES,
    OPEN_ENDED_KINDS,
    ContractStatus,
    EndReason,
    TrainingStatus,
)
from cnfs.contracts.models import Contract, SmicRate, Training
from cnfs.funding.money import euros
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import PROPOSAL_WORKFLOW, Proposal
from cnfs.matching.services import withdraw_open_proposals
from cnfs.places.models import PlaceAdvisor
from cnfs.structures.models import Structure
from cnfs.structures.perms import can_decide, can_request_amendment

# Positioning result → planned training length in weeks (3 weeks to 3 months).
TRAINING_WEEKS = {1: 13, 2: 8, 3: 3}


def _refresh_structure(structure_pk: int):
    from cnfs.matching.tasks import refresh_structure_task

    transaction.on_commit(lambda: refresh_structure_task.enqueue(structure_pk))


def _refresh_candidate(candidate_pk: int):
    from cnfs.matching.tasks import refresh_candidate_task

    transaction.on_commit(lambda: refresh_candidate_task.enqueue(candidate_pk))


def check_contract_terms(*, kind, start_date, end_date, weekly_hours, salary_cents):
    errors = {}
    if kind not in OPEN_ENDED_KINDS and end_date is None:
        errors["end_date"] = "Un contrat à durée déterminée a une date de fin."
    if end_date is not None and end_date <= start_date:
        errors["end_date"] = "La date de fin suit la date de début."
    if not Decimal("1") <= Decimal(str(weekly_hours)) <= Decimal("48"):
        errors["weekly_hours"] = "La durée hebdomadaire est comprise entre 1 et 48 heures."
    else:
        minimum = SmicRate.monthly_minimum_cents(start_date, weekly_hours)
        if minimum is not None and salary_cents < minimum:
            errors["gross_monthly_salary"] = (
                f"Le salaire brut ne peut être inférieur au SMIC pour {weekly_hours} h par "
                f"semaine : {euros(minimum)} par mois au {start_date:%d/%m/%Y}."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def request_recruitment(
    proposal: Proposal, *, kind, start_date: date, end_date: date | None, weekly_hours,
    salary_cents: int, by,
) -> Contract:  # fmt: skip
    """The structure fills the contract of a shortlisted candidate: the post is taken
    until the national team validates or refuses."""
    if not can_request_amendment(by, proposal.structure):
        raise PermissionDenied("Réservé aux gestionnaires de la structure.")
    check_contract_terms(
        kind=kind, start_date=start_date, end_date=end_date, weekly_hours=weekly_hours,
        salary_cents=salary_cents,
    )  # fmt: skip
    structure = Structure.objects.select_for_update().get(pk=proposal.structure_id)
    candidate = Candidate.objects.select_for_update().get(pk=proposal.candidate_id)
    if structure.occupied_posts >= structure.granted_posts:
        raise ValidationError(
            f"Tous les postes attribués à {structure} sont occupés ou en cours de recrutement "
            f"({structure.granted_posts}). Demandez un avenant pour en obtenir d’autres."
        )
    if candidate.in_post or candidate.contracts.filter(status__in=OCCUPYING_STATUSES).exists():
        raise ValidationError(
            "Cette personne est déjà en poste ou en cours de recrutement ailleurs."
        )
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                proposal=proposal, candidate=candidate, structure=structure, kind=kind,
                start_date=start_date, end_date=end_date, weekly_hours=weekly_hours,
                gross_monthly_salary_cents=salary_cents, requested_by=by,
            )  # fmt: skip
            Structure.objects.filter(pk=structure.pk).update(occupied_posts=F("occupied_posts") + 1)
    except IntegrityError:
        raise ValidationError(
            "Cette personne est déjà en poste ou en cours de recrutement ailleurs."
        ) from None
    PROPOSAL_WORKFLOW.apply(proposal, "request_recruitment", by=by)
    audit.record(
        "contract.request", by=by, obj=structure,
        summary=f"Recrutement demandé : candidat n° {candidate.pk} ({contract.get_kind_display()})",
    )  # fmt: skip
    return contract


def _require_national(by):
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale valide les recrutements.")


@transaction.atomic
def validate_recruitment(contract: Contract, *, by) -> Contract:
    """The national team validates: the candidate becomes an advisor, the other open
    proposals are withdrawn, the post's funding starts, the training is planned."""
    from cnfs.funding.services import start_post_funding

    _require_national(by)
    contract = Contract.objects.select_for_update().select_related("candidate").get(pk=contract.pk)
    if contract.status != ContractStatus.REQUESTED:
        raise ValidationError("Ce recrutement n’est plus en attente de validation.")
    candidate = contract.candidate
    Contract.objects.filter(pk=contract.pk).update(
        status=ContractStatus.ACTIVE, validated_by=by, validated_at=timezone.now()
    )
    Candidate.objects.filter(pk=candidate.pk).update(in_post=True, available=False)
    PROPOSAL_WORKFLOW.apply(contract.proposal, "recruit", by=by)
    withdraw_open_proposals(
        candidate, by=by, reason=f"Recruté(e) par {contract.structure}", keep=contract.proposal
    )
    if candidate.user_id:
        # The role changes: the person is an advisor now, no longer a candidate.
        accounts.grant_role(candidate.user, Role.ADVISOR, by=by)
        candidate.user.roles.filter(role=Role.CANDIDATE).delete()
    costs = settings.TRAINING_COSTS_CENTS
    Training.objects.create(
        contract=contract, training_cost_cents=costs["training"],
        certification_cost_cents=costs["certification"], equipment_cost_cents=costs["equipment"],
    )  # fmt: skip
    previous_funding = _carried_funding(contract.structure)
    start_post_funding(
        contract.structure, start_date=contract.start_date, advisor_label=str(candidate), by=by,
        carried_from=previous_funding,
    )  # fmt: skip
    audit.record(
        "contract.validate", by=by, obj=contract.structure,
        summary=f"Recrutement validé : candidat n° {candidate.pk}, "
        f"en poste le {contract.start_date:%d/%m/%Y}",
    )  # fmt: skip
    if candidate.email:
        send_templated_email(
            candidate.email, "contracts/email/validated.txt", {"contract": contract}
        )
    contract.refresh_from_db()
    return contract


def _carried_funding(structure):
    """The unspent subsidy of a post whose advisor left, waiting for the next advisor."""
    from cnfs.funding.enums import UnspentOutcome
    from cnfs.funding.models import PostFunding

    return (
        PostFunding.objects.filter(
            agreement__structure=structure, unspent_outcome=UnspentOutcome.CARRIED,
            carried_to__isnull=True,
        )
        .order_by("ended_on")
        .first()
    )  # fmt: skip


@transaction.atomic
def reject_recruitment(contract: Contract, *, reason: str, by) -> Contract:
    _require_national(by)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.REQUESTED:
        raise ValidationError("Ce recrutement n’est plus en attente de validation.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif du refus."})
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.REJECTED)
    Structure.objects.filter(pk=contract.structure_id).update(
        occupied_posts=F("occupied_posts") - 1
    )
    PROPOSAL_WORKFLOW.apply(contract.proposal, "back_to_shortlist", by=by, reason=reason)
    audit.record(
        "contract.reject", by=by, obj=contract.structure,
        summary=f"Recrutement refusé : candidat n° {contract.candidate_id} — {reason}",
    )  # fmt: skip
    contract.refresh_from_db()
    return contract


@transaction.atomic
def end_contract(contract: Contract, *, ended_on: date, reason: str, by) -> Contract:
    """Contract end (rupture): the post reopens, the person is available again and the
    unspent subsidy of the post waits for the next advisor."""
    from cnfs.funding.models import PostFunding
    from cnfs.funding.services import SUBSIDY_YEARS, add_years, end_post_funding_at_contract_end

    if not (can_decide(by) or can_request_amendment(by, contract.structure)):
        raise PermissionDenied("Réservé à la structure employeuse et à l’équipe nationale.")
    contract = Contract.objects.select_for_update().select_related("candidate").get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE:
        raise ValidationError("Seul un contrat en cours peut prendre fin.")
    if reason not in EndReason.values:
        raise ValidationError({"reason": "Choisissez le motif de la fin du contrat."})
    if ended_on < contract.start_date:
        raise ValidationError({"ended_on": "La fin ne peut précéder le début du contrat."})
    Contract.objects.filter(pk=contract.pk).update(
        status=ContractStatus.ENDED, ended_on=ended_on, end_reason=reason
    )
    Structure.objects.filter(pk=contract.structure_id).update(
        occupied_posts=F("occupied_posts") - 1
    )
    Candidate.objects.filter(pk=contract.candidate_id).update(
        in_post=False, former_advisor=True, available=True, available_from=ended_on,
        zone_version=F("zone_version") + 1,
    )  # fmt: skip
    PROPOSAL_WORKFLOW.apply(contract.proposal, "end", by=by, reason=EndReason(reason).label)
    if contract.candidate.user_id:
        # Available again: the person keeps the advisor's history and manages the profile;
        # the places no longer count him or her among their advisors (map, open data).
        accounts.grant_role(contract.candidate.user, Role.CANDIDATE, by=by)
        PlaceAdvisor.objects.filter(advisor_id=contract.candidate.user_id).delete()
    funding = (
        PostFunding.objects.filter(
            agreement__structure=contract.structure, advisor_label=str(contract.candidate),
            status="running",
        )
        .order_by("-start_date")
        .first()
    )  # fmt: skip
    if funding is not None and ended_on < add_years(funding.start_date, SUBSIDY_YEARS):
        end_post_funding_at_contract_end(funding, end_date=ended_on, by=by)
    audit.record(
        "contract.end", by=by, obj=contract.structure,
        summary=f"Fin de contrat du candidat n° {contract.candidate_id} le {ended_on:%d/%m/%Y} "
        f"({EndReason(reason).label})",
    )  # fmt: skip
    _refresh_structure(contract.structure_id)
    _refresh_candidate(contract.candidate_id)
    contract.refresh_from_db()
    return contract


@transaction.atomic
def renew_contract(
    contract: Contract, *, kind, end_date: date | None, weekly_hours, salary_cents: int, by
) -> Contract:
    """Renewal or extension: a new contract linked to the previous one, from the day after
    its end; the person stays in post without a new validation."""
    if not can_request_amendment(by, contract.structure) and not can_decide(by):
        raise PermissionDenied("Réservé à la structure employeuse et à l’équipe nationale.")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE or contract.end_date is None:
        raise ValidationError("Seul un contrat à durée déterminée en cours se renouvelle.")
    from datetime import timedelta

    start = contract.end_date + timedelta(days=1)
    check_contract_terms(
        kind=kind, start_date=start, end_date=end_date, weekly_hours=weekly_hours,
        salary_cents=salary_cents,
    )  # fmt: skip
    Contract.objects.filter(pk=contract.pk).update(
        status=ContractStatus.ENDED, ended_on=contract.end_date, end_reason=EndReason.END_OF_TERM
    )
    renewed = Contract.objects.create(
        proposal=contract.proposal, candidate=contract.candidate, structure=contract.structure,
        previous=contract, kind=kind, start_date=start, end_date=end_date,
        weekly_hours=weekly_hours, gross_monthly_salary_cents=salary_cents,
        status=ContractStatus.ACTIVE, requested_by=by, validated_by=by,
        validated_at=timezone.now(),
    )  # fmt: skip
    audit.record(
        "contract.renew", by=by, obj=contract.structure,
        summary=f"Contrat du candidat n° {contract.candidate_id} renouvelé du {start:%d/%m/%Y}",
    )  # fmt: skip
    return renewed


@transaction.atomic
def record_training(
    training: Training, *, by, positioning_level=None, organisation=None, start_date=None,
    end_date=None, completed_on=None, certified=None, certified_on=None,
) -> Training:  # fmt: skip
    """Positioning sets the planned length; completion makes the advisor operational."""
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale suit les formations.")
    training = Training.objects.select_for_update().get(pk=training.pk)
    if positioning_level is not None:
        if positioning_level not in TRAINING_WEEKS:
            raise ValidationError({"positioning_level": "Le positionnement va de 1 à 3."})
        training.positioning_level = positioning_level
        training.planned_weeks = TRAINING_WEEKS[positioning_level]
    for field, value in (("organisation", organisation), ("start_date", start_date),
                         ("end_date", end_date)):  # fmt: skip
        if value is not None:
            setattr(training, field, value)
    if training.start_date and training.end_date and training.end_date < training.start_date:
        raise ValidationError({"end_date": "La fin de la formation suit son début."})
    if training.start_date and training.status == TrainingStatus.PLANNED:
        training.status = TrainingStatus.IN_PROGRESS
    if completed_on is not None:
        if training.start_date and completed_on < training.start_date:
            raise ValidationError({"completed_on": "La formation se termine après son début."})
        training.completed_on, training.status = completed_on, TrainingStatus.COMPLETED
    if certified is not None:
        if certified and certified_on is None:
            raise ValidationError({"certified_on": "Indiquez la date de la certification."})
        training.certified, training.certified_on = certified, certified_on if certified else None
    training.full_clean()
    training.save()
    audit.record(
        "training.update", by=by, obj=training.contract.structure,
        summary=f"Formation du candidat n° {training.contract.candidate_id} : "
        f"{training.get_status_display()}",
    )  # fmt: skip
    return training


def current_contract(user):
    """The contract in force of an advisor (``user``), or None."""
    return (
        Contract.objects.filter(candidate__user=user, status=ContractStatus.ACTIVE)
        .select_related("structure")
        .first()
    )


def late_trainings(today: date | None = None):
    """Trainings whose planned end has passed without completion."""
    today = today or timezone.localdate()
    return Training.objects.filter(end_date__lt=today).exclude(status=TrainingStatus.COMPLETED)


def is_recruited(proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.RECRUITED
