from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cnfs.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Imported here: models may be imported only once the app registry is ready.
        from cnfs.notifications import listeners

        listeners.connect()
