"""Recording payments and correcting them by counter-entry only."""

from datetime import date, timedelta

from django.urls import reverse

from cnfs.common.models import AuditEntry
from cnfs.funding import services
from cnfs.funding.models import Payment
from tests.funding.conftest import HALF_CENTS


def pay(client, instalment, amount, *, paid_on="2021-01-15", reference="VIR-2021-001"):
    return client.post(
        reverse("funding:pay", args=[instalment.pk]),
        {"paid_on": paid_on, "amount": amount, "reference": reference},
    )


class TestRecordPayment:
    def test_a_french_amount_is_recorded_exactly(self, client, operator, first_instalment):
        client.force_login(operator)
        response = pay(client, first_instalment, "25 000,00")
        assert response.status_code == 302
        payment = Payment.objects.get()
        assert payment.amount_cents == HALF_CENTS
        assert (payment.instalment, payment.paid_on, payment.reference) == (
            first_instalment,
            date(2021, 1, 15),
            "VIR-2021-001",
        )
        assert payment.recorded_by == operator

    def test_a_partial_amount_with_cents(self, client, operator, first_instalment):
        client.force_login(operator)
        pay(client, first_instalment, "12\u202f500,55 €")
        assert Payment.objects.get().amount_cents == 1_250_055

    def test_more_than_due_is_refused_at_the_field_and_nothing_is_written(
        self, client, operator, first_instalment
    ):
        client.force_login(operator)
        audit_before = AuditEntry.objects.count()
        response = pay(client, first_instalment, "25 000,01")
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "Ce versement dépasserait l’échéance" in errors["amount"][0]
        assert "25\u202f000,00 €" in errors["amount"][0]
        assert not Payment.objects.exists()
        assert AuditEntry.objects.count() == audit_before

    def test_more_than_what_remains_after_a_partial_payment(
        self, client, operator, first_instalment
    ):
        client.force_login(operator)
        pay(client, first_instalment, "20000")
        response = pay(client, first_instalment, "5000,01", reference="VIR-2")
        assert "reste à verser 5\u202f000,00 €" in response.context["form"].errors["amount"][0]
        assert Payment.objects.count() == 1

    def test_a_date_in_the_future_is_refused(self, client, operator, first_instalment):
        client.force_login(operator)
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        response = pay(client, first_instalment, "100", paid_on=tomorrow)
        assert "futur" in response.context["form"].errors["paid_on"][0]
        assert not Payment.objects.exists()

    def test_an_amount_that_is_not_a_number_is_refused(self, client, operator, first_instalment):
        client.force_login(operator)
        response = pay(client, first_instalment, "vingt-cinq mille")
        assert response.context["form"].errors["amount"]
        assert not Payment.objects.exists()

    def test_a_fully_paid_instalment_leaves_the_list_due(self, client, operator, first_instalment):
        client.force_login(operator)
        pay(client, first_instalment, "25 000,00")
        listed = client.get(reverse("funding:index")).context["page_obj"].object_list
        assert first_instalment not in listed

    def test_a_cancelled_instalment_is_not_paid(self, client, operator, post):
        services.end_post_funding(post, end_date=date(2021, 6, 30), carry=True, by=operator)
        cancelled = post.instalments.get(cancelled=True)
        client.force_login(operator)
        response = pay(client, cancelled, "100")
        assert "annulée" in response.context["form"].non_field_errors()[0]
        assert not Payment.objects.exists()


class TestCounterEntry:
    def url(self, payment):
        return reverse("funding:counter_entry", args=[payment.pk])

    def test_creates_a_negative_entry_and_the_instalment_is_due_again(
        self, client, operator, paid, first_instalment
    ):
        client.force_login(operator)
        listed = client.get(reverse("funding:index")).context["page_obj"].object_list
        assert first_instalment not in listed

        response = client.post(self.url(paid), {"reason": "Virement rejeté par la banque"})

        assert response.status_code == 302
        correction = Payment.objects.get(corrects=paid)
        assert correction.amount_cents == -HALF_CENTS
        paid.refresh_from_db()
        assert paid.amount_cents == HALF_CENTS  # the original entry is untouched
        listed = client.get(reverse("funding:index")).context["page_obj"].object_list
        assert first_instalment in listed
        assert listed[0].paid == 0

    def test_a_second_counter_entry_is_refused(self, client, operator, paid):
        client.force_login(operator)
        client.post(self.url(paid), {"reason": "Virement rejeté"})
        response = client.post(self.url(paid), {"reason": "Encore"})
        assert response.status_code == 200
        assert "déjà contre-passé" in response.context["form"].non_field_errors()[0]
        assert "déjà contre-passé" in response.content.decode()
        assert Payment.objects.count() == 2

    def test_a_reason_is_required(self, client, operator, paid):
        client.force_login(operator)
        response = client.post(self.url(paid), {"reason": "  "})
        assert response.context["form"].errors["reason"]
        assert Payment.objects.count() == 1

    def test_the_agreement_page_shows_both_entries(self, client, operator, paid):
        client.force_login(operator)
        client.post(self.url(paid), {"reason": "Virement rejeté"})
        page = client.get(reverse("funding:agreement", args=[paid.instalment.post.agreement_id]))
        content = page.content.decode()
        assert "-25\u202f000,00 €" in content
        assert "Contre-passé" in content and "Contre-passation" in content
        assert self.url(paid) not in content
