from django.contrib import admin
from django.db import models

from cnfs.common import audit
from cnfs.publicpages.models import Question, Resource, ResourceTag, TerritoryContact


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
            "territory_contact_saved",
            by=request.user,
            obj=obj,
            summary=f"Contact de {obj.territory} modifié (administration)",
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )


@admin.register(ResourceTag)
class ResourceTagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    """The kits of the public resources page, managed by the national team."""

    list_display = ["title", "audience", "published", "updated_at"]
    list_filter = ["published", "audience", "tags"]
    search_fields = ["title", "description"]
    filter_horizontal = ["tags"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            "resource_saved",
            by=request.user,
            obj=obj,
            summary=f"Ressource « {obj.title} » enregistrée (administration)",
        )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The public FAQ, managed by the national team."""

    list_display = ["question", "category", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["published", "category"]
    search_fields = ["question", "answer"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            "question_saved",
            by=request.user,
            obj=obj,
            summary=f"Question fréquente n° {obj.pk} enregistrée (administration)",
        )
