from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class CandidatesConfig(AppConfig):
    name = "cnfs.candidates"
    label = "candidates"
    verbose_name = "Candidats"

    def ready(self):
        # Imported here: models may be imported only once the app registry is ready.
        from cnfs.candidates import services

        user_logged_in.connect(services.on_login, dispatch_uid="candidates.last_activity")
