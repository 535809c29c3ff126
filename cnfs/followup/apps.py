from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "cnfs.followup"
    label = "followup"
    verbose_name = "Suivi des territoires"
