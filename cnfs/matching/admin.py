"""Proposals, read-only: every change goes through the matching services (workflow, log)."""

from django.contrib import admin

from cnfs.common.admin import ReadOnlyAdmin
from cnfs.matching.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "structure", "status", "origin", "distance_km", "score"]
    list_filter = ["status", "origin", "decline_reason"]
    list_select_related = ["candidate", "structure"]
    search_fields = ["structure__name", "structure__siret", "candidate__email"]
    raw_id_fields = ["candidate", "structure", "updated_by"]
