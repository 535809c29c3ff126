from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "cnfs.activity"
    label = "activity"
    verbose_name = "Activité des conseillers"
