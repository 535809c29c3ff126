from django.contrib import admin

from cnfs.common.admin import ReadOnlyAdmin
from cnfs.structures.models import PostRequest, Structure

# Statuses, posts and money change only through the services (workflow, committee,
# recruitment): the administration shows them without letting anyone edit them.
COMPUTED_FIELDS = [
    "status",
    "departement",
    "possible_duplicate_of",
    "granted_posts",
    "committed_subsidy_cents",
    "occupied_posts",
    "commitments_accepted_at",
    "email_confirmed_at",
    "created_at",
]


class PostRequestInline(admin.TabularInline):
    model = PostRequest
    fields = ["created_at", "kind", "posts", "reason", "status", "opinion"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "siret",
        "legal_type",
        "commune",
        "departement",
        "status",
        "granted_posts",
        "occupied_posts",
        "created_at",
        "is_email_confirmed",
        "is_possible_duplicate",
    ]
    list_select_related = ["commune", "departement"]
    list_filter = [
        "status",
        "legal_type",
        ("possible_duplicate_of", admin.EmptyFieldListFilter),
        ("email_confirmed_at", admin.EmptyFieldListFilter),
        "label_france_services",
        "label_aidants_connect",
        "is_library",
        "departement__region",
    ]
    search_fields = ["name", "siret", "contact_email", "contact_last_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    autocomplete_fields = ["commune"]
    readonly_fields = COMPUTED_FIELDS
    inlines = [PostRequestInline]
    show_full_result_count = False

    @admin.display(boolean=True, description="e-mail confirmé", ordering="email_confirmed_at")
    def is_email_confirmed(self, structure):
        return structure.email_confirmed_at is not None

    @admin.display(boolean=True, description="doublon possible")
    def is_possible_duplicate(self, structure):
        return structure.possible_duplicate_of_id is not None


@admin.register(PostRequest)
class PostRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests are filed, given an opinion and decided through the services."""

    list_display = ["structure", "kind", "posts", "reason", "status", "opinion", "created_at"]
    list_select_related = ["structure"]
    list_filter = ["kind", "status", "opinion"]
    search_fields = ["structure__name", "structure__siret"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
