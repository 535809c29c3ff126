from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "cnfs.posts"
    label = "posts"
    verbose_name = "Postes"

    def ready(self):
        from cnfs.committee.signals import decision_applied
        from cnfs.posts import services

        decision_applied.connect(services.apply_decision, dispatch_uid="posts.apply_decision")
