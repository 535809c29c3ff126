from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cnfs.matching"
    label = "matching"
    verbose_name = "Mise en relation"

    def ready(self):
        # Imported here: models may be imported only once the app registry is ready.
        from cnfs.matching import checks, listeners  # noqa: F401 (checks register)
        from cnfs.matching.models import PROPOSAL_WORKFLOW
        from cnfs.matching.tasks import after_proposal_move

        if after_proposal_move not in PROPOSAL_WORKFLOW.listeners:
            PROPOSAL_WORKFLOW.listeners.append(after_proposal_move)
        listeners.connect()
