from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "cnfs.bench"
    label = "bench"
    verbose_name = "Mesures de performance"
