from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "cnfs.structures"
    label = "structures"
    verbose_name = "Structures accueillantes"
