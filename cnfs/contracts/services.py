"""Recruitment, contracts and their end; initial training and certification.

Guarantees, held by row locks and database constraints: a person is never in post (or
being recruited) in two structures; a structure never has more contracts requested or in
force than granted posts (``Structure.occupied_posts <= granted_posts``).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from cnfs.accounts import services as accounts
from cnfs.accounts.enums import Role
from cnfs.candidates.models import Candidate
from cnfs.common import audit
from cnfs.common.money import euros
from cnfs.contracts import signals
from cnfs.contracts.enums import (
    FULL_TIME_HOURS,
    OCCUPYING_STATUSES,
    OPEN_ENDED_KINDS,
    VALIDATED_STATUSES,
    ContractStatus,
    EndReason,
    TrainingStatus,
)
from cnfs.contracts.models import CONTRACT_WORKFLOW, Contract, SmicRate, Training
from cnfs.funding import services as funding
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import PROPOSAL_WORKFLOW, Proposal
from cnfs.matching.services import withdraw_open_proposals
from cnfs.matching.tasks import refresh_candidate_task, refresh_structure_task
from cnfs.posts import services as posts
from cnfs.posts.models import Post
from cnfs.structures.models import Structure
from cnfs.structures.perms import can_decide, can_request_amendment

# Positioning result → planned training length in weeks (3 weeks to 3 months).
TRAINING_WEEKS = {1: 13, 2: 8, 3: 3}


def _refresh_structure(structure_pk: int):
    transaction.on_commit(lambda: refresh_structure_task.enqueue(structure_pk))


def _refresh_candidate(candidate_pk: int):
    transaction.on_commit(lambda: refresh_candidate_task.enqueue(candidate_pk))


def check_contract_terms(*, kind, start_date, end_date, weekly_hours, salary_cents):
    """The contract's own coherence. Full time is the rule: under 35 h a week the national
    team must record a derogation when it validates (``validate_recruitment``)."""
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


def is_part_time(weekly_hours) -> bool:
    return Decimal(str(weekly_hours)) < FULL_TIME_HOURS


def _free_post(structure: Structure, start_date: date) -> Post:
    """The post a new recruitment takes: a free one whose previous advisor has left by
    ``start_date``; a post that already had an advisor first (its unspent subsidy waits)."""
    previous = Contract.objects.filter(post=OuterRef("pk"), status__in=VALIDATED_STATUSES)
    busy_after = previous.filter(ended_on__gte=start_date)
    free = (
        Post.objects.free()
        .filter(structure=structure)
        .annotate(had_advisor=Exists(previous), busy=Exists(busy_after))
        .order_by("busy", "-had_advisor", "pk")
    )
    post = free.first()
    if post is None:
        raise ValidationError(
            f"Tous les postes attribués à {structure} sont occupés ou en cours de recrutement "
            f"({structure.granted_posts}). Demandez un avenant pour en obtenir d’autres."
        )
    if post.busy:
        last_day = Contract.objects.filter(post=post, status__in=VALIDATED_STATUSES).aggregate(
            day=Max("ended_on")
        )["day"]
        raise ValidationError(
            {
                "start_date": f"Le poste est occupé jusqu’au {last_day:%d/%m/%Y} : le contrat "
                "commence après."
            }
        )
    return post


@transaction.atomic
def request_recruitment(
    proposal: Proposal,
    *,
    kind,
    start_date: date,
    end_date: date | None,
    weekly_hours,
    salary_cents: int,
    by,
) -> Contract:
    """The structure fills the contract of a shortlisted candidate: a free post is held
    until the national team validates or refuses."""
    if not can_request_amendment(by, proposal.structure):
        raise PermissionDenied("Réservé aux gestionnaires de la structure.")
    check_contract_terms(
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        weekly_hours=weekly_hours,
        salary_cents=salary_cents,
    )
    structure = Structure.objects.select_for_update().get(pk=proposal.structure_id)
    candidate = Candidate.objects.select_for_update().get(pk=proposal.candidate_id)
    post = _free_post(structure, start_date)
    if candidate.in_post or candidate.contracts.filter(status__in=OCCUPYING_STATUSES).exists():
        raise ValidationError(
            "Cette personne est déjà en poste ou en cours de recrutement ailleurs."
        )
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                proposal=proposal,
                post=post,
                candidate=candidate,
                structure=structure,
                kind=kind,
                start_date=start_date,
                end_date=end_date,
                weekly_hours=weekly_hours,
                gross_monthly_salary_cents=salary_cents,
                requested_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            "Cette personne est déjà en poste ou en cours de recrutement ailleurs."
        ) from None
    posts.recount(structure.pk)
    PROPOSAL_WORKFLOW.apply(proposal, "request_recruitment", by=by)
    audit.record(
        "contract.request",
        by=by,
        obj=structure,
        summary=f"Recrutement demandé : candidat n° {candidate.pk} sur le poste n° {post.pk} "
        f"({contract.get_kind_display()}"
        + (
            f", {weekly_hours} h : dérogation au temps plein à accorder)"
            if is_part_time(weekly_hours)
            else ")"
        ),
    )
    signals.recruitment_requested.send(sender=Contract, contract=contract)
    return contract


def _require_national(by):
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale valide les recrutements.")


@transaction.atomic
def validate_recruitment(contract: Contract, *, by, derogation: str = "") -> Contract:
    """The national team validates: the candidate becomes an advisor, the other open
    proposals are withdrawn, the post's funding starts, the training is planned.

    A contract under 35 h a week needs ``derogation``, the reason the national team
    accepts a part-time post."""
    _require_national(by)
    contract = Contract.objects.select_for_update().select_related("candidate").get(pk=contract.pk)
    if contract.status != ContractStatus.REQUESTED:
        raise ValidationError("Ce recrutement n’est plus en attente de validation.")
    derogation = derogation.strip()
    if is_part_time(contract.weekly_hours) and not derogation:
        raise ValidationError(
            {
                "derogation": (
                    f"Ce contrat prévoit {contract.weekly_hours:g} h par semaine : le programme "
                    f"finance des postes à temps plein ({FULL_TIME_HOURS} h). Indiquez le motif "
                    "de la dérogation pour le valider."
                )
            }
        )
    candidate = contract.candidate
    CONTRACT_WORKFLOW.apply(
        contract,
        "validate",
        by=by,
        reason=derogation,
        extra={
            "validated_by": by,
            "validated_at": timezone.now(),
            "part_time_derogation": derogation if is_part_time(contract.weekly_hours) else "",
        },
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
        contract=contract,
        training_cost_cents=costs["training"],
        certification_cost_cents=costs["certification"],
        equipment_cost_cents=costs["equipment"],
    )
    funding.start_post_funding(contract, by=by)
    audit.record(
        "contract.validate",
        by=by,
        obj=contract.structure,
        summary=f"Recrutement validé : candidat n° {candidate.pk}, poste n° {contract.post_id}, "
        f"à partir du {contract.start_date:%d/%m/%Y}",
    )
    contract.refresh_from_db()
    signals.recruitment_validated.send(sender=Contract, contract=contract)
    return contract


@transaction.atomic
def reject_recruitment(contract: Contract, *, reason: str, by) -> Contract:
    _require_national(by)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.REQUESTED:
        raise ValidationError("Ce recrutement n’est plus en attente de validation.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif du refus."})
    CONTRACT_WORKFLOW.apply(contract, "reject", by=by, reason=reason)
    posts.recount(contract.structure_id)
    PROPOSAL_WORKFLOW.apply(contract.proposal, "back_to_shortlist", by=by, reason=reason)
    audit.record(
        "contract.reject",
        by=by,
        obj=contract.structure,
        summary=f"Recrutement refusé : candidat n° {contract.candidate_id} — {reason}",
    )
    contract.refresh_from_db()
    signals.recruitment_rejected.send(sender=Contract, contract=contract, reason=reason)
    return contract


@transaction.atomic
def request_contract_end(contract: Contract, *, ended_on: date, reason: str, by) -> Contract:
    """The structure (or the national team) asks to end a contract on ``ended_on``, its
    last day; the national team validates (``validate_contract_end``)."""
    if not (can_decide(by) or can_request_amendment(by, contract.structure)):
        raise PermissionDenied("Réservé à la structure employeuse et à l’équipe nationale.")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE:
        raise ValidationError("Seul un contrat validé, sans fin déjà demandée, peut prendre fin.")
    if reason not in EndReason.values:
        raise ValidationError({"reason": "Choisissez le motif de la fin du contrat."})
    if ended_on < contract.start_date:
        raise ValidationError({"ended_on": "La fin ne peut précéder le début du contrat."})
    if contract.end_date and ended_on > contract.end_date:
        raise ValidationError(
            {"ended_on": f"Le contrat s’achève au plus tard le {contract.end_date:%d/%m/%Y}."}
        )
    CONTRACT_WORKFLOW.apply(
        contract,
        "request_end",
        by=by,
        reason=EndReason(reason).label,
        extra={
            "ended_on": ended_on,
            "end_reason": reason,
            "end_requested_by": by,
            "end_requested_at": timezone.now(),
        },
    )
    audit.record(
        "contract.request_end",
        by=by,
        obj=contract.structure,
        summary=f"Fin demandée pour le contrat n° {contract.pk} (candidat n° "
        f"{contract.candidate_id}) au {ended_on:%d/%m/%Y} ({EndReason(reason).label})",
    )
    signals.contract_end_requested.send(sender=Contract, contract=contract)
    return contract


@transaction.atomic
def refuse_contract_end(contract: Contract, *, reason: str, by) -> Contract:
    _require_national(by)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.END_REQUESTED:
        raise ValidationError("Aucune fin n’est demandée pour ce contrat.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif du refus."})
    CONTRACT_WORKFLOW.apply(
        contract,
        "refuse_end",
        by=by,
        reason=reason,
        extra={
            "ended_on": None,
            "end_reason": "",
            "end_requested_by": None,
            "end_requested_at": None,
        },
    )
    return contract


@transaction.atomic
def validate_contract_end(contract: Contract, *, by) -> Contract:
    """The national team validates the end: the post is free for the next recruitment
    (who starts after ``ended_on``), the person is available again from the day after,
    the funding computes the unspent part (it listens), the matching refreshes."""
    _require_national(by)
    contract = Contract.objects.select_for_update().select_related("candidate").get(pk=contract.pk)
    if contract.status != ContractStatus.END_REQUESTED:
        raise ValidationError("Aucune fin n’est demandée pour ce contrat.")
    CONTRACT_WORKFLOW.apply(
        contract, "validate_end", by=by, reason=contract.get_end_reason_display()
    )
    _free_after_end(contract, by=by)
    audit.record(
        "contract.end",
        by=by,
        obj=contract.structure,
        summary=f"Fin du contrat n° {contract.pk} (candidat n° {contract.candidate_id}) "
        f"validée au {contract.ended_on:%d/%m/%Y} ({EndReason(contract.end_reason).label})",
    )
    signals.contract_end_validated.send(sender=Contract, contract=contract)
    if contract.ended_on < timezone.localdate():
        leave(contract)
    contract.refresh_from_db()
    return contract


def end_contract(contract: Contract, *, ended_on: date, reason: str, by) -> Contract:
    """Ask for a contract's end; the national team's request is validated at once."""
    contract = request_contract_end(contract, ended_on=ended_on, reason=reason, by=by)
    if can_decide(by):
        contract = validate_contract_end(contract, by=by)
    return contract


def leave(contract: Contract) -> None:
    """The last day of a contract has passed: announced to the apps above (the places no
    longer count the person among their advisors unless another contract keeps him or her
    in post). Idempotent."""
    signals.contract_left.send(sender=Contract, contract=contract)


def _free_after_end(contract: Contract, *, by=None) -> None:
    """What a validated end frees: the post (recount), the person (available from the day
    after), the proposal, the funding (it listens), the matching."""
    posts.recount(contract.structure_id)
    Candidate.objects.filter(pk=contract.candidate_id).update(
        in_post=False,
        former_advisor=True,
        available=True,
        available_from=contract.ended_on + timedelta(days=1),
        zone_version=F("zone_version") + 1,
    )
    PROPOSAL_WORKFLOW.apply(
        contract.proposal, "end", by=by, reason=EndReason(contract.end_reason).label
    )
    if contract.candidate.user_id:
        # Available again: the person keeps the advisor's history and manages the profile.
        accounts.grant_role(contract.candidate.user, Role.CANDIDATE, by=by)
    funding.end_with_contract(contract, by=by)
    _refresh_structure(contract.structure_id)
    _refresh_candidate(contract.candidate_id)


@transaction.atomic
def reach_term(contract: Contract) -> Contract:
    """A fixed-term contract passed its end date without renewal nor declared end: it
    ends at its term (the daily command), as a validated end on that date would."""
    contract = Contract.objects.select_for_update().select_related("candidate").get(pk=contract.pk)
    CONTRACT_WORKFLOW.apply(
        contract,
        "reach_term",
        extra={"ended_on": contract.end_date, "end_reason": EndReason.END_OF_TERM},
    )
    _free_after_end(contract)
    leave(contract)
    return contract


def days_events(first: date, last: date, *, apply: bool) -> dict[str, int]:
    """What the days ``first`` … ``last`` set off for contracts (the daily command).

    A contract whose last day was yesterday: at term without renewal nor declared end, it
    ends (the post is free, the person available); after a validated end, the person
    leaves the places and the matching refreshes. A training whose planned end was
    yesterday without completion is late. Each event belongs to one day: idempotent."""
    days = (first - timedelta(days=1), last - timedelta(days=1))
    at_term = Contract.objects.filter(
        status=ContractStatus.ACTIVE, end_date__range=days
    ).select_related("candidate")
    left = Contract.objects.filter(
        status=ContractStatus.ENDED, ended_on__range=days
    ).select_related("candidate")
    late = Training.objects.filter(end_date__range=days).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=F("end_date"))
    )
    counts = {
        "contrats arrivés à terme sans renouvellement": at_term.count(),
        "départs après une fin de contrat validée": left.count(),
        "formations passées en retard": late.count(),
    }
    if apply:
        for contract in list(at_term):
            reach_term(contract)
        for contract in left:
            leave(contract)
            _refresh_structure(contract.structure_id)
            _refresh_candidate(contract.candidate_id)
    return counts


@transaction.atomic
def renew_contract(
    contract: Contract, *, kind, end_date: date | None, weekly_hours, salary_cents: int, by
) -> Contract:
    """Renewal or extension: a new contract on the same post linked to the previous one,
    from the day after its end; the person stays in post without a new validation (a
    part-time renewal keeps the derogation the national team recorded)."""
    if not can_request_amendment(by, contract.structure) and not can_decide(by):
        raise PermissionDenied("Réservé à la structure employeuse et à l’équipe nationale.")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE or contract.end_date is None:
        raise ValidationError("Seul un contrat à durée déterminée en cours se renouvelle.")
    start = contract.end_date + timedelta(days=1)
    check_contract_terms(
        kind=kind,
        start_date=start,
        end_date=end_date,
        weekly_hours=weekly_hours,
        salary_cents=salary_cents,
    )
    derogation = contract.part_time_derogation if is_part_time(weekly_hours) else ""
    if is_part_time(weekly_hours) and not derogation:
        raise ValidationError(
            {
                "weekly_hours": "Le programme finance des postes à temps plein "
                f"({FULL_TIME_HOURS} h)."
            }
        )
    CONTRACT_WORKFLOW.apply(
        contract,
        "renew",
        by=by,
        extra={"ended_on": contract.end_date, "end_reason": EndReason.END_OF_TERM},
    )
    renewed = Contract.objects.create(
        proposal=contract.proposal,
        post=contract.post,
        candidate=contract.candidate,
        structure=contract.structure,
        previous=contract,
        kind=kind,
        start_date=start,
        end_date=end_date,
        weekly_hours=weekly_hours,
        gross_monthly_salary_cents=salary_cents,
        part_time_derogation=derogation,
        status=ContractStatus.ACTIVE,
        requested_by=by,
        validated_by=by,
        validated_at=timezone.now(),
    )
    audit.record(
        "contract.renew",
        by=by,
        obj=contract.structure,
        summary=f"Contrat n° {contract.pk} renouvelé par le contrat n° {renewed.pk} "
        f"du {start:%d/%m/%Y}",
    )
    return renewed


@transaction.atomic
def record_training(
    training: Training,
    *,
    by,
    positioning_level=None,
    organisation=None,
    start_date=None,
    end_date=None,
    completed_on=None,
    certified=None,
    certified_on=None,
) -> Training:
    """Positioning sets the planned length; completion makes the advisor operational."""
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale suit les formations.")
    training = Training.objects.select_for_update().get(pk=training.pk)
    before = (training.start_date, training.end_date, training.certified)
    if positioning_level is not None:
        if positioning_level not in TRAINING_WEEKS:
            raise ValidationError({"positioning_level": "Le positionnement va de 1 à 3."})
        training.positioning_level = positioning_level
        training.planned_weeks = TRAINING_WEEKS[positioning_level]
    for field, value in (
        ("organisation", organisation),
        ("start_date", start_date),
        ("end_date", end_date),
    ):
        if value is not None:
            setattr(training, field, value)
    if training.start_date and training.end_date and training.end_date < training.start_date:
        raise ValidationError({"end_date": "La fin de la formation suit son début."})
    if completed_on is not None:
        if training.start_date and completed_on < training.start_date:
            raise ValidationError({"completed_on": "La formation se termine après son début."})
        training.completed_on = completed_on
    if certified is not None:
        if certified and certified_on is None:
            raise ValidationError({"certified_on": "Indiquez la date de la certification."})
        training.certified, training.certified_on = certified, certified_on if certified else None
    training.full_clean()
    training.save()
    audit.record(
        "training.update",
        by=by,
        obj=training.contract.structure,
        summary=f"Formation du contrat n° {training.contract_id} : {training.get_status_display()}",
    )
    if training.start_date and (training.start_date, training.end_date) != before[:2]:
        signals.training_scheduled.send(sender=Training, training=training)
    if training.certified and not before[2]:
        signals.training_certified.send(sender=Training, training=training)
    return training


def current_contract(user):
    """The contract of an advisor (``user``) in post today, or None."""
    return (
        Contract.objects.in_post().filter(candidate__user=user).select_related("structure").first()
    )


def late_trainings(today: date | None = None):
    """Trainings whose planned end has passed without completion."""
    return Training.objects.with_stage(today).filter(stage=TrainingStatus.LATE)


def is_recruited(proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.RECRUITED
