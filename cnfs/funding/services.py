"""Funding agreements, per-post schedules, payments and counter-entries, early ends."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import has_active_role
from cnfs.common import audit
from cnfs.common.money import euros, to_cents
from cnfs.funding import signals
from cnfs.funding.enums import PostFundingStatus, UnspentOutcome
from cnfs.funding.models import FUNDING_WORKFLOW, FundingAgreement, Instalment, Payment, PostFunding
from cnfs.structures.models import Structure

SUBSIDY_YEARS = 2


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def schedule(amount_cents: int, start: date) -> list[tuple[date, int]]:
    """Instalments of a post's subsidy: settings.FUNDING_SCHEDULE as (months after the
    start, share in %); the last one takes the rounding so the sum is exact."""
    parts = settings.FUNDING_SCHEDULE
    if sum(share for _, share in parts) != 100:
        raise ValueError("FUNDING_SCHEDULE must add up to 100 %.")
    result, allotted = [], 0
    for index, (months, share) in enumerate(parts):
        cents = amount_cents - allotted if index == len(parts) - 1 else amount_cents * share // 100
        allotted += cents
        result.append((add_months(start, months), cents))
    return [(due, cents) for due, cents in result if cents > 0]


def _require_operator_or_national(by):
    if not has_active_role(by, Role.FINANCIAL, Role.NATIONAL):
        raise PermissionDenied("Réservé à l’opérateur financier et à l’équipe nationale.")


@transaction.atomic
def agreement_for(structure: Structure, *, by=None) -> FundingAgreement:
    agreement = FundingAgreement.objects.filter(structure=structure).first()
    if agreement is None:
        agreement = FundingAgreement.objects.create(
            structure=structure, number=f"CNFS-{structure.pk:06d}"
        )
        audit.record("funding.agreement", by=by, obj=structure, summary=f"{agreement}")
    return agreement


def carried_remainder(post) -> PostFunding | None:
    """The unspent subsidy the post's previous advisor left, waiting for the next one."""
    return (
        PostFunding.objects.filter(
            post=post, unspent_outcome=UnspentOutcome.CARRIED, carried_to__isnull=True
        )
        .order_by("-ended_on", "-pk")
        .first()
    )


@transaction.atomic
def start_post_funding(contract, *, by=None) -> PostFunding:
    """A validated contract starts on its post: schedule that post's subsidy, two years
    from the contract start — the amount the committee decided, or, when a previous advisor
    of the same post left early, the unspent part carried to this one."""
    structure = Structure.objects.select_for_update().get(pk=contract.structure_id)
    agreement = agreement_for(structure, by=by)
    carried_from = carried_remainder(contract.post)
    amount = carried_from.unspent_cents if carried_from else contract.post.amount_cents
    if amount <= 0:
        return None
    funding = PostFunding.objects.create(
        agreement=agreement,
        post=contract.post,
        contract=contract,
        start_date=contract.start_date,
        amount_cents=amount,
        carried_from=carried_from,
    )
    Instalment.objects.bulk_create(
        Instalment(post=funding, due_date=due, amount_cents=cents)
        for due, cents in schedule(amount, contract.start_date)
    )
    audit.record(
        "funding.post_start",
        by=by,
        obj=structure,
        summary=f"Financement du poste n° {contract.post_id} à partir du "
        f"{contract.start_date:%d/%m/%Y} : {euros(amount)}"
        + (f" (reliquat reporté du financement n° {carried_from.pk})" if carried_from else ""),
    )
    return funding


def end_with_contract(contract, *, by=None):
    """A contract's end was validated (called by the contracts service, in its
    transaction): the funding of the post (renewals continue their first contract's
    funding) ends early if the contract ends within its two years; the unspent part waits
    for the next advisor of that post."""
    funding = PostFunding.objects.filter(
        post_id=contract.post_id, status=PostFundingStatus.RUNNING
    ).first()
    if funding is not None and contract.ended_on < add_years(funding.start_date, SUBSIDY_YEARS):
        _end_post_funding(funding, end_date=contract.ended_on, carry=True, by=by)


def paid_cents(post: PostFunding) -> int:
    return Payment.objects.filter(instalment__post=post).aggregate(s=Sum("amount_cents"))["s"] or 0


def end_post_funding(post: PostFunding, *, end_date: date, carry: bool, by) -> PostFunding:
    """A post's funding ends early (decided by the operator or the national team)."""
    _require_operator_or_national(by)
    return _end_post_funding(post, end_date=end_date, carry=carry, by=by)


@transaction.atomic
def _end_post_funding(post: PostFunding, *, end_date: date, carry: bool, by) -> PostFunding:
    """The unspent part of the subsidy, pro rata of the days left in the two years, is
    carried to the next advisor or marked to recover."""
    post = PostFunding.objects.select_for_update().get(pk=post.pk)
    if post.status != PostFundingStatus.RUNNING:
        raise ValidationError("Ce financement est déjà terminé.")
    period_end = add_years(post.start_date, SUBSIDY_YEARS)
    if not post.start_date <= end_date < period_end:
        raise ValidationError(
            {"end_date": "La fin anticipée tombe entre le début du contrat et la fin des deux ans."}
        )
    total_days = (period_end - post.start_date).days
    used_days = (end_date - post.start_date).days + 1
    spent = (post.amount_cents * used_days * 2 + total_days) // (2 * total_days)
    outcome = UnspentOutcome.CARRIED if carry else UnspentOutcome.TO_RECOVER
    FUNDING_WORKFLOW.apply(
        post,
        "end_early",
        by=by,
        reason=UnspentOutcome(outcome).label,
        extra={
            "unspent_cents": post.amount_cents - spent,
            "ended_on": end_date,
            "unspent_outcome": outcome,
        },
    )
    # Instalments not yet due are not paid for a post that ended.
    post.instalments.filter(due_date__gt=end_date, payments__isnull=True).update(cancelled=True)
    audit.record(
        "funding.post_end",
        by=by,
        obj=post.agreement.structure,
        summary=f"Fin anticipée au {end_date:%d/%m/%Y} : reliquat {euros(post.unspent_cents)} "
        f"({post.get_unspent_outcome_display().lower()})",
    )
    return post


def to_recover_cents(post: PostFunding) -> int:
    """What the structure owes back: paid beyond the part of the subsidy it used."""
    return PostFunding.objects.with_recovery().values_list("to_recover", flat=True).get(pk=post.pk)


@transaction.atomic
def record_payment(instalment: Instalment, *, paid_on: date, amount, reference: str, by):
    """Record a payment (amount in euros, Decimal or str): never more than what is due."""
    _require_operator_or_national(by)
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    cents = to_cents(amount)
    if cents <= 0:
        raise ValidationError({"amount": "Le montant d’un versement est positif."})
    if instalment.cancelled:
        raise ValidationError("Cette échéance est annulée (fin anticipée du contrat).")
    if not reference.strip():
        raise ValidationError({"reference": "Indiquez la référence du versement."})
    if paid_on > date.today():
        raise ValidationError({"paid_on": "La date du versement ne peut être dans le futur."})
    already = instalment.payments.aggregate(s=Sum("amount_cents"))["s"] or 0
    if already + cents > instalment.amount_cents:
        raise ValidationError(
            {
                "amount": f"Ce versement dépasserait l’échéance : reste à verser "
                f"{euros(instalment.amount_cents - already)}."
            }
        )
    payment = Payment.objects.create(
        instalment=instalment,
        paid_on=paid_on,
        amount_cents=cents,
        reference=reference.strip(),
        recorded_by=by,
    )
    audit.record(
        "funding.payment",
        by=by,
        obj=instalment.post.agreement.structure,
        summary=f"Versement {payment.reference} : {euros(cents)} le {paid_on:%d/%m/%Y}",
    )
    signals.payment_recorded.send(sender=Payment, payment=payment)
    return payment


@transaction.atomic
def counter_entry(payment: Payment, *, reason: str, by) -> Payment:
    """Cancel a payment by a negative entry (a payment is never edited nor deleted)."""
    _require_operator_or_national(by)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.corrects_id or hasattr(payment, "correction"):
        raise ValidationError("Ce versement est déjà contre-passé (ou est une contre-passation).")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif de la contre-passation."})
    correction = Payment.objects.create(
        instalment=payment.instalment,
        paid_on=date.today(),
        amount_cents=-payment.amount_cents,
        reference=f"{payment.reference} (contre-passation)",
        corrects=payment,
        recorded_by=by,
    )
    audit.record(
        "funding.counter_entry",
        by=by,
        obj=payment.instalment.post.agreement.structure,
        summary=f"Contre-passation de {payment.reference} : {reason}",
    )
    return correction
