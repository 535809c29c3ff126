"""The programme's figures are data, edited here; the money itself is read-only here:
agreements, posts and instalments change through the services, payments never change."""

from django.contrib import admin

from cnfs.common.admin import ReadOnlyAdmin
from cnfs.common.money import euros
from cnfs.funding.models import (
    FundingAgreement,
    Instalment,
    Payment,
    PostFunding,
    ProgrammeBudget,
    SubsidyRate,
)


@admin.register(ProgrammeBudget)
class ProgrammeBudgetAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "posts_cap", "envelope", "label"]

    @admin.display(description="enveloppe", ordering="envelope_cents")
    def envelope(self, obj):
        return euros(obj.envelope_cents)


@admin.register(SubsidyRate)
class SubsidyRateAdmin(admin.ModelAdmin):
    list_display = ["employer_category", "zone", "effective_from", "amount"]
    list_filter = ["employer_category", "zone"]

    @admin.display(description="montant par poste", ordering="amount_cents")
    def amount(self, obj):
        return euros(obj.amount_cents)


@admin.register(FundingAgreement)
class FundingAgreementAdmin(ReadOnlyAdmin):
    list_display = ["number", "structure", "created_at"]
    list_select_related = ["structure"]
    search_fields = ["number", "structure__name", "structure__siret"]


@admin.register(PostFunding)
class PostFundingAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "post", "start_date", "amount", "status", "ended_on"]
    list_select_related = ["agreement__structure"]
    list_filter = ["status", "unspent_outcome"]
    search_fields = ["agreement__number", "agreement__structure__name", "=post__id"]

    @admin.display(description="subvention", ordering="amount_cents")
    def amount(self, obj):
        return euros(obj.amount_cents)


@admin.register(Instalment)
class InstalmentAdmin(ReadOnlyAdmin):
    list_display = ["post", "due_date", "amount", "cancelled"]
    list_select_related = ["post__agreement__structure"]
    list_filter = ["cancelled"]
    date_hierarchy = "due_date"
    search_fields = ["post__agreement__number", "post__agreement__structure__name"]

    @admin.display(description="montant", ordering="amount_cents")
    def amount(self, obj):
        return euros(obj.amount_cents)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "paid_on", "amount", "instalment", "corrects", "recorded_by"]
    list_select_related = ["instalment__post__agreement__structure", "corrects", "recorded_by"]
    date_hierarchy = "paid_on"
    search_fields = ["reference", "instalment__post__agreement__number"]

    @admin.display(description="montant", ordering="amount_cents")
    def amount(self, obj):
        return euros(obj.amount_cents)
