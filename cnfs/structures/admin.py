from django.contrib import admin

from cnfs.structures.models import Structure


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "commune", "departement"]
    list_select_related = ["commune", "departement"]
    search_fields = ["name", "siret"]
    list_filter = ["departement__region"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["departement"]
