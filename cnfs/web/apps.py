from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cnfs.web"
    label = "web"
    verbose_name = "Site"
