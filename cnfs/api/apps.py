from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cnfs.api"
    label = "api"
    verbose_name = "API"
