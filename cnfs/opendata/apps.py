from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "cnfs.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"
