from django.contrib import admin, messages
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import mfa, services
from cnfs.accounts.models import RoleAssignment, User

# Second-factor keys are never shown, not even to the administration: a person's devices are
# reset (the "Réinitialiser le second facteur" action below), never read or edited.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["departement", "region", "structure"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "roles__role"]
    fields = ["email", "first_name", "last_name", "is_active", "date_joined", "last_login"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [RoleAssignmentInline]
    actions = ["send_activation", "reset_second_factor"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
            obj.is_active = False
        super().save_model(request, obj, form, change)

    @admin.action(description="Envoyer le lien d’activation")
    def send_activation(self, request, queryset):
        for user in queryset.filter(is_active=False):
            services.invite(user.email, by=request.user)
        messages.success(request, "Liens d’activation envoyés aux comptes inactifs.")

    @admin.action(description="Réinitialiser le second facteur")
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            mfa.reset(user, by=request.user)
        messages.success(
            request,
            "Second facteur réinitialisé : ces personnes en configureront un nouveau à leur "
            "prochaine connexion.",
        )
