from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cnfs.demo"
    label = "demo"
    verbose_name = "Démonstration"
