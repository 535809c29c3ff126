"""The minimum wage table is data, edited here; contracts and trainings change only through
``cnfs.contracts.services`` (validation, end, training record), so they are read-only."""

from django.contrib import admin

from cnfs.common.admin import ReadOnlyAdmin
from cnfs.common.money import euros
from cnfs.contracts.models import Contract, SmicRate, Training


@admin.register(SmicRate)
class SmicRateAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "hourly"]

    @admin.display(description="SMIC horaire brut", ordering="hourly_cents")
    def hourly(self, obj):
        return euros(obj.hourly_cents)


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "structure", "kind", "start_date", "end_date", "status"]
    list_select_related = ["candidate", "structure"]
    list_filter = ["status", "kind"]
    date_hierarchy = "start_date"
    search_fields = ["candidate__last_name", "candidate__email", "structure__name"]
    raw_id_fields = ["proposal", "candidate", "structure", "previous"]


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["contract", "positioning_level", "planned_weeks", "end_date", "completed_on"]
    list_select_related = ["contract__candidate", "contract__structure"]
    list_filter = ["certified"]
    search_fields = ["contract__candidate__last_name", "organisation"]
    raw_id_fields = ["contract"]
