from django.db import models

from cnfs.accounts.scope import scope_filter


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The structures ``user`` may see in his or her active role."""
        return scope_filter(
            self, user, departement="departement_id", region="departement__region_id", pk="pk"
        )


class Structure(models.Model):
    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="structures"
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, related_name="structures"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure accueillante"
        verbose_name_plural = "structures accueillantes"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.departement_id = self.commune.departement_id
        super().save(*args, **kwargs)
