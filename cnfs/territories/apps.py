from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "cnfs.territories"
    label = "territories"
    verbose_name = "Territoires"
