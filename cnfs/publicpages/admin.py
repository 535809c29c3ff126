from django.contrib import admin
from django.db import models

from cnfs.common import audit
from cnfs.publicpages.models import TerritoryContact


@admin.register(TerritoryContact)
class TerritoryContactAdmin(admin.ModelAdmin):
    list_display = ["organisation", "departement", "region", "email", "phone", "updated_at"]
    list_select_related = ["departement", "region"]
    search_fields = ["organisation", "departement__name", "region__name", "email"]
    autocomplete_fields = ["departement", "region"]
    readonly_fields = ["updated_at", "updated_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            "territory_contact_saved", by=request.user, obj=obj,
            summary=f"Contact de {obj.territory} modifié (administration)",
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )  # fmt: skip
