from django.conf import settings
from django.db import models

from cnfs.notifications.kinds import Kind


class Notification(models.Model):
    """What a person was told (shown in the person's space, e-mailed unless switched off)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("type", max_length=32, choices=Kind.choices)
    text = models.CharField("texte", max_length=300)
    link = models.CharField("lien", max_length=300, blank=True)
    #: What the notification is about (``contract:12``): the same event is never told twice.
    about = models.CharField(max_length=80, blank=True)
    created = models.DateTimeField("créée le", auto_now_add=True)
    read = models.BooleanField("lue", default=False)

    class Meta:
        verbose_name = "notification"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "-created"])]

    def __str__(self):
        return self.text


class OptOut(models.Model):
    """A kind of notification a person no longer wants by e-mail (non-essential kinds)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField("type", max_length=32, choices=Kind.choices)

    class Meta:
        verbose_name = "notification désactivée"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self):
        return self.get_kind_display()
