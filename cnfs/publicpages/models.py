from django.conf import settings
from django.db import models
from django.db.models import Q


class TerritoryContact(models.Model):
    """Who the public and the structures contact about the programme in a département or
    a région (a DDT, a prefecture, a sub-prefecture…), shown on the territory's page."""

    departement = models.OneToOneField(
        "territories.Departement", null=True, blank=True, on_delete=models.CASCADE,
        related_name="public_contact", verbose_name="département",
    )  # fmt: skip
    region = models.OneToOneField(
        "territories.Region", null=True, blank=True, on_delete=models.CASCADE,
        related_name="public_contact", verbose_name="région",
    )  # fmt: skip
    organisation = models.CharField(
        "organisme", max_length=200,
        help_text="Par exemple : Direction départementale des territoires du Jura (DDT).",
    )  # fmt: skip
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField(
        "téléphone", max_length=20, blank=True, help_text="Par exemple : 03 84 86 80 00."
    )
    url = models.URLField("page web", blank=True, help_text="Adresse commençant par https://")
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="modifié par",
    )  # fmt: skip

    class Meta:
        verbose_name = "contact d’un territoire"
        verbose_name_plural = "contacts des territoires"
        ordering = ["departement_id", "region_id"]
        constraints = [
            models.CheckConstraint(
                name="territory_contact_one_territory",
                condition=Q(departement__isnull=False, region__isnull=True)
                | Q(departement__isnull=True, region__isnull=False),
                violation_error_message="Un contact concerne un département ou une région.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.territory}"

    @property
    def territory(self):
        return self.departement or self.region
