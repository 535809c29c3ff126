from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "cnfs.stats"
    label = "stats"
    verbose_name = "Statistiques d’activité"
