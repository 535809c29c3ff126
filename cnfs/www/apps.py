from django.apps import AppConfig


class WwwConfig(AppConfig):
    """The web pages of the domain apps: views, forms, urls, page templates and static
    files (the domain apps keep their models, services and e-mail templates)."""

    name = "cnfs.www"
    label = "www"
    verbose_name = "Pages des applications métier"
