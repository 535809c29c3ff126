from django.contrib import admin

from cnfs.territories.models import Commune, Departement, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee", "name", "postal_codes", "departement", "population"]
    list_select_related = ["departement"]
    search_fields = ["insee", "search_name", "postal_codes"]
    list_filter = ["region"]
    readonly_fields = ["search_name"]
