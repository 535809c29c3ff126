from django.contrib.admin.apps import AdminConfig


class CnfsAdminConfig(AdminConfig):
    # The site class lives with the accounts app (it imports models, loaded after settings).
    default_site = "cnfs.accounts.admin_site.CnfsAdminSite"
