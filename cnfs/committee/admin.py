"""Read-only views of the sessions: every change goes through the committee's pages
(and so through its services, which check the cap and the envelope and log each step)."""

from django.contrib import admin

from cnfs.committee.models import AgendaItem, Session
from cnfs.common.admin import ReadOnlyAdmin


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["request", "decision", "posts", "priority", "observation", "applied_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request__structure")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "date", "status", "closed_at"]
    list_filter = ["status"]
    search_fields = ["number"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["session", "request", "decision", "posts", "priority", "applied_at"]
    list_select_related = ["session", "request__structure"]
    list_filter = ["decision", "session"]
    search_fields = ["request__structure__name", "request__structure__siret"]
