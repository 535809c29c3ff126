from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cnfs.matching"
    label = "matching"
    verbose_name = "Mise en relation"
