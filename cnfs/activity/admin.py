"""Reports are read-only here: every write goes through the services, which keep the
daily counters in step (an admin edit or delete would make them drift)."""

from django.contrib import admin

from cnfs.activity.models import Report
from cnfs.common.admin import ReadOnlyAdmin


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "participants", "channel", "advisor", "structure"]
    list_filter = ["kind", "channel", "duration", "aidants_connect"]
    date_hierarchy = "date"
    list_select_related = ["advisor", "structure"]
    raw_id_fields = ["advisor", "structure", "place", "commune"]
    search_fields = ["advisor__email", "structure__name"]
    show_full_result_count = False
