from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "cnfs.committee"
    label = "committee"
    verbose_name = "Comité de sélection"
