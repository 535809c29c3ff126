from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "cnfs.partners"
    label = "partners"
    verbose_name = "API des partenaires"
