from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "cnfs.common"
    label = "common"
    verbose_name = "Journal et workflows"
