from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cnfs.accounts.perms import can_use_admin


class CnfsAdminSite(admin.AdminSite):
    site_header = "Conseiller numérique — administration"
    site_title = "Administration Conseiller numérique"

    def has_permission(self, request):
        """The national team only (as active role), whatever the account's flags."""
        return can_use_admin(request.user)

    def login(self, request, extra_context=None):
        """One door: the site's login page, which counts and locks failed attempts."""
        if request.user.is_authenticated:
            messages.error(
                request,
                "L'administration est réservée à l'équipe nationale : choisissez ce rôle "
                "comme rôle actif si vous le détenez.",
            )
            return redirect("accounts:dashboard")
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, {request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("accounts:login"))
