from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from cnfs.candidates.models import Candidate, CandidateCount
from cnfs.common.admin import ReadOnlyAdmin

# Set by the services (confirmation, recruitment, matching): shown, never edited here.
COMPUTED_FIELDS = [
    "user",
    "status",
    "in_post",
    "former_advisor",
    "zone_version",
    "consent_at",
    "email_confirmed_at",
    "created_at",
    "updated_at",
    "cv_link",
]


# Profiles change in the candidate's space and through the services (proposals follow);
# deleting is the erasure service (anonymous count, CV file removed). Here: read only.
@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = [
        "last_name",
        "first_name",
        "email",
        "commune",
        "max_distance_km",
        "available",
        "available_from",
        "status",
        "in_post",
        "is_email_confirmed",
        "created_at",
    ]
    list_select_related = ["commune"]
    list_filter = [
        "status",
        "available",
        "in_post",
        "former_advisor",
        "situation",
        "has_diploma",
        "has_experience",
        "max_distance_km",
        ("email_confirmed_at", admin.EmptyFieldListFilter),
        "pix_level",
        "commune__departement__region",
    ]
    search_fields = ["last_name", "first_name", "email"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    readonly_fields = COMPUTED_FIELDS
    # The file is replaced through the candidate's space; here it is only read (protected view).
    exclude = ["cv", "cv_token"]
    show_full_result_count = False

    @admin.display(boolean=True, description="e-mail confirmé", ordering="email_confirmed_at")
    def is_email_confirmed(self, candidate):
        return candidate.email_confirmed_at is not None

    @admin.display(description="CV")
    def cv_link(self, candidate):
        if not candidate.cv:
            return "Aucun CV"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Voir le CV (PDF, nouvelle fenêtre)</a>',
            reverse("candidates:cv", args=[candidate.pk]),
        )


@admin.register(CandidateCount)
class CandidateCountAdmin(ReadOnlyAdmin):
    """Anonymous counts kept after erasure: read-only."""

    list_display = ["month", "deleted"]
    ordering = ["-month"]
