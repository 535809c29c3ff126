from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "cnfs.contracts"
    label = "contracts"
    verbose_name = "Recrutements, contrats et formation"
