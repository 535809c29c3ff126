from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cnfs.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"
