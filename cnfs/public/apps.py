from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "cnfs.public"
    label = "public"
    verbose_name = "Site public"
