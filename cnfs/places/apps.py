from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "cnfs.places"
    label = "places"
    verbose_name = "Lieux d’activité"
