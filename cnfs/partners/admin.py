"""The national team creates and revokes the partners' keys here. A key is never edited:
to change its scopes or territory, create another and revoke the old one."""

from django import forms
from django.contrib import admin, messages

from cnfs.partners import services
from cnfs.partners.enums import Scope
from cnfs.partners.models import ApiKey
from cnfs.territories.models import Departement, Region


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="Droits", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    departements = forms.ModelMultipleChoiceField(
        Departement.objects.order_by("code"),
        label="Départements autorisés",
        required=False,
        help_text="Limite le droit « structures:read » à ces départements (et aux régions "
        "ci-dessous). Vide partout : tout le territoire.",
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.order_by("name"), label="Régions autorisées", required=False
    )

    class Meta:
        model = ApiKey
        fields = ["name", "organisation", "contact_email", "scopes", "departements", "regions"]

    def clean_departements(self):
        return sorted(d.code for d in self.cleaned_data["departements"])

    def clean_regions(self):
        return sorted(r.code for r in self.cleaned_data["regions"])


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = [
        "name",
        "organisation",
        "prefix",
        "scope_label",
        "territory_label",
        "created_at",
        "last_used_at",
        "requests",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "organisation", "contact_email", "prefix"]
    readonly_fields = [
        "name",
        "organisation",
        "contact_email",
        "prefix",
        "scope_label",
        "territory_label",
        "created_by",
        "created_at",
        "revoked_at",
        "last_used_at",
        "requests",
    ]
    list_select_related = ["created_by"]
    actions = ["revoke"]

    @admin.display(description="droits")
    def scope_label(self, obj):
        return obj.scope_label()

    @admin.display(description="territoire")
    def territory_label(self, obj):
        return obj.territory_label()

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ApiKeyForm.Meta.fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        clear_key = services.create_key(obj, by=request.user)
        self.message_user(
            request,
            f"Clé créée pour {obj.organisation}. Copiez-la maintenant et transmettez-la par un "
            f"canal sûr : elle ne sera plus jamais affichée. Clé : {clear_key}",
            messages.WARNING,
        )

    @admin.action(description="Révoquer les clés sélectionnées")
    def revoke(self, request, queryset):
        revoked = sum(services.revoke_key(key, by=request.user) for key in queryset)
        self.message_user(request, f"{revoked} clé(s) révoquée(s).", messages.SUCCESS)
