from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se modifie pas.")

    def delete(self):
        raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se supprime pas.")


class AppendOnlyModel(models.Model):
    """A record that can be created, never changed nor deleted.

    The ORM refuses here; database triggers (see the migration) refuse underneath.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se supprime pas.")


class AuditEntry(AppendOnlyModel):
    """Who did what, when, on which object: the platform's journal."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("action", max_length=100)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=255, blank=True)
    summary = models.TextField("résumé", blank=True)
    changes = models.JSONField("changements", default=dict, blank=True)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class TransitionLog(AppendOnlyModel):
    """One status change of any workflow object (see cnfs.common.workflow)."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    transition = models.CharField("transition", max_length=64)
    from_state = models.CharField("de", max_length=64)
    to_state = models.CharField("vers", max_length=64)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"


class PeriodicRun(models.Model):
    """The last day a periodic command handled (with ``--apply``): the next run handles
    the days after it, so a day is handled once and missed days are caught up."""

    command = models.CharField("commande", max_length=100, unique=True)
    last_day = models.DateField("dernier jour traité")
    ran_at = models.DateTimeField("exécutée le", auto_now=True)

    class Meta:
        verbose_name = "exécution périodique"
        verbose_name_plural = "exécutions périodiques"

    def __str__(self):
        return f"{self.command} : {self.last_day:%d/%m/%Y}"
