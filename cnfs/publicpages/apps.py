from django.apps import AppConfig


class PublicPagesConfig(AppConfig):
    name = "cnfs.publicpages"
    label = "publicpages"
    verbose_name = "Pages publiques des territoires"
