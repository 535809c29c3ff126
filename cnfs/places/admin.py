from django.contrib import admin

from cnfs.common.admin import ReadOnlyAdmin
from cnfs.places.models import Place, PlaceAdvisor


class PlaceAdvisorInline(admin.TabularInline):
    """Who works there: changed through the services (one main place per advisor)."""

    model = PlaceAdvisor
    fields = ["advisor", "main", "shown_publicly"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    """Read-only: advisors and structures manage their places through the services, which
    validate the hours, normalise the phone and keep the audit journal."""

    list_display = ["name", "commune", "structure", "access", "itinerant", "visible_on_map"]
    list_select_related = ["commune", "structure"]
    list_filter = ["access", "itinerant", "visible_on_map", "active", "commune__departement"]
    search_fields = ["name", "address", "siret", "commune__name", "structure__name"]
    inlines = [PlaceAdvisorInline]
    show_full_result_count = False
