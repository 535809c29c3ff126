from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from cnfs.accounts.enums import Role
from cnfs.common.models import AppendOnlyError
from cnfs.common.money import euros, to_cents
from cnfs.contracts.models import Contract
from cnfs.funding import services
from cnfs.funding.enums import PostFundingStatus, UnspentOutcome
from cnfs.funding.models import Instalment, Payment, PostFunding
from tests import factories
from tests.funding.conftest import grant


@pytest.fixture
def operator(db):
    return factories.UserFactory(roles=[(Role.FINANCIAL, {})])


@pytest.fixture
def granted(structure):
    return grant(structure, 2)


def start(structure, day: date, **fields):
    """A contract validated on a free post of ``structure`` from ``day``; its funding."""
    contract = factories.validated_contract(structure, start=day, **fields)
    return services.start_post_funding(contract)


def test_money_is_exact():
    assert to_cents("25000,00".replace(",", ".")) == 2_500_000
    assert to_cents("0.1") + to_cents("0.2") == to_cents("0.3")
    assert euros(90_000_000) == "900\u202f000,00 €"


def test_a_post_is_paid_half_at_the_start_half_at_the_first_anniversary(granted):
    post = start(granted, date(2021, 3, 15))
    assert post.amount_cents == 50_000_00
    assert [(i.due_date, i.amount_cents) for i in post.instalments.order_by("due_date")] == [
        (date(2021, 3, 15), 25_000_00),
        (date(2022, 3, 15), 25_000_00),
    ]
    assert post.agreement.structure == granted
    assert start(granted, date(2021, 4, 1)).agreement == post.agreement


def test_the_schedule_is_configurable_and_always_adds_up(settings):
    settings.FUNDING_SCHEDULE = [(0, 33), (6, 33), (12, 34)]
    parts = services.schedule(50_000_01, date(2021, 1, 31))
    assert sum(cents for _, cents in parts) == 50_000_01
    assert [due for due, _ in parts] == [date(2021, 1, 31), date(2021, 7, 31), date(2022, 1, 31)]


def test_one_running_funding_per_post(granted):
    funding = start(granted, date(2021, 3, 1))
    Contract.objects.filter(pk=funding.contract_id).update(
        status="ended", ended_on=date(2021, 3, 1), end_reason="resignation"
    )
    renewal = factories.validated_contract(granted, start=date(2021, 3, 2), post=funding.post)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFunding.objects.create(
            agreement=funding.agreement,
            post=funding.post,
            contract=renewal,
            start_date=renewal.start_date,
            amount_cents=1,
        )


def test_payments_never_exceed_the_instalment(granted, operator):
    post = start(granted, date(2021, 1, 1))
    first = post.instalments.order_by("due_date").first()
    services.record_payment(
        first, paid_on=date(2021, 1, 5), amount="20000", reference="V1", by=operator
    )
    with pytest.raises(ValidationError) as error:
        services.record_payment(
            first, paid_on=date(2021, 1, 6), amount="5000.01", reference="V2", by=operator
        )
    assert "reste à verser 5\u202f000,00 €" in error.value.message_dict["amount"][0]
    assert Payment.objects.count() == 1


def test_only_the_operator_or_national_team_records_payments(granted, owner):
    post = start(granted, date(2021, 1, 1))
    with pytest.raises(PermissionDenied):
        services.record_payment(
            post.instalments.first(), paid_on=date(2021, 1, 5), amount="1", reference="X", by=owner
        )


def test_corrections_are_counter_entries(granted, operator):
    post = start(granted, date(2021, 1, 1))
    instalment = post.instalments.first()
    payment = services.record_payment(
        instalment, paid_on=date(2021, 1, 5), amount="25000", reference="V1", by=operator
    )
    with pytest.raises(AppendOnlyError):
        payment.delete()
    correction = services.counter_entry(payment, reason="Erreur de RIB", by=operator)
    assert correction.amount_cents == -payment.amount_cents
    assert instalment.payments.aggregate(s=Sum("amount_cents"))["s"] == 0
    with pytest.raises(ValidationError, match="déjà contre-passé"):
        services.counter_entry(payment, reason="Encore", by=operator)
    services.record_payment(
        instalment, paid_on=date(2021, 1, 9), amount="25000", reference="V2", by=operator
    )


def test_early_end_carries_the_unspent_part_pro_rata_to_the_same_post(granted, operator):
    post = start(granted, date(2021, 1, 1))
    ended = services.end_post_funding(post, end_date=date(2021, 12, 31), carry=True, by=operator)
    # 365 of the 730 days of the two years were used.
    assert ended.unspent_cents == 25_000_00
    assert ended.status == PostFundingStatus.ENDED_EARLY
    assert Instalment.objects.get(post=post, due_date=date(2022, 1, 1)).cancelled
    # An advisor on the other post starts a fresh subsidy; the next one on this post
    # receives the remainder, once.
    other_post = start(granted, date(2022, 1, 15))
    assert other_post.post != post.post and other_post.amount_cents == 50_000_00
    Contract.objects.filter(pk=post.contract_id).update(
        status="ended", ended_on=date(2021, 12, 31), end_reason="resignation"
    )
    nxt = start(granted, date(2022, 2, 1), post=post.post)
    assert (nxt.amount_cents, nxt.carried_from) == (25_000_00, ended)
    services.end_post_funding(nxt, end_date=date(2022, 3, 1), carry=False, by=operator)
    Contract.objects.filter(pk=nxt.contract_id).update(
        status="ended", ended_on=date(2022, 3, 1), end_reason="resignation"
    )
    third = start(granted, date(2022, 4, 1), post=post.post)
    assert third.carried_from is None and third.amount_cents == 50_000_00


def test_early_end_marks_what_was_overpaid_to_recover(granted, operator):
    post = start(granted, date(2021, 1, 1))
    for instalment in post.instalments.all():
        services.record_payment(
            instalment,
            paid_on=date(2021, 1, 2),
            amount="25000",
            reference=f"V{instalment.pk}",
            by=operator,
        )
    ended = services.end_post_funding(post, end_date=date(2021, 6, 30), carry=False, by=operator)
    assert ended.unspent_outcome == UnspentOutcome.TO_RECOVER
    spent = 50_000_00 - ended.unspent_cents
    assert spent == round(50_000_00 * 181 / 730)
    assert services.to_recover_cents(ended) == 50_000_00 - spent


def test_end_date_must_be_within_the_two_years(granted, operator):
    post = start(granted, date(2021, 1, 1))
    with pytest.raises(ValidationError):
        services.end_post_funding(post, end_date=date(2023, 1, 1), carry=False, by=operator)
