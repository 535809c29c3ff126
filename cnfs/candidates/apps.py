from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "cnfs.candidates"
    label = "candidates"
    verbose_name = "Candidats"
