from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class CnfsAdminSite(admin.AdminSite):
    site_header = "Conseiller numérique — administration"
    site_title = "Administration Conseiller numérique"

    def has_permission(self, request):
        """The national team only (as active role), whatever the account's flags."""
        from cnfs.accounts.perms import can_use_admin

        return can_use_admin(request.user)


class CnfsAdminConfig(AdminConfig):
    default_site = "cnfs.admin_site.CnfsAdminSite"
