from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import active_role, scope_filter
from cnfs.contracts.models import Contract
from cnfs.places import freshness
from cnfs.places.enums import Access, Fees


class PlaceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visible_on_map=True, active=True)

    def with_freshness(self, day=None):
        """Each place annotated with ``freshness_band``, its band on ``day`` (DOMAIN §8)."""
        return self.annotate(freshness_band=freshness.band_case(day or timezone.localdate()))

    def freshness_counts(self, day=None) -> dict:
        """The number of places in each freshness band on ``day``, in one query."""
        day = day or timezone.localdate()
        return self.aggregate(
            **{
                band.value: Count("pk", filter=freshness.band_q(band, day))
                for band in freshness.Freshness
            }
        )

    def visible_to(self, user):
        """The places ``user`` may see in his or her active role: an advisor, those where
        he or she works and those of the employing structure."""
        role = active_role(user)
        if role is not None and role.kind == Role.ADVISOR:
            employer = (
                Contract.objects.in_post().filter(candidate__user=user).values("structure_id")
            )
            works_at = PlaceAdvisor.objects.filter(advisor=user).values("place_id")
            return self.filter(Q(pk__in=works_at) | Q(structure__in=employer))
        return scope_filter(
            self,
            user,
            departement="commune__departement_id",
            region="commune__region_id",
            pk="structure_id",
            national_only=True,
        )


class Place(models.Model):
    """A place of activity ("lieu", "permanence") where advisors work (DOMAIN §5.1)."""

    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=250)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="places"
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    siret = models.CharField("SIRET du lieu", max_length=14, blank=True)
    phone = models.CharField("téléphone (format international)", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    website = models.URLField("site web", blank=True)
    appointment_url = models.URLField(
        "lien de prise de rendez-vous",
        max_length=500,
        blank=True,
        help_text="Adresse https d’un service de rendez-vous en ligne (RDV Service Public…).",
    )
    opening_hours = models.CharField(
        "horaires (format OpenStreetMap)",
        max_length=500,
        blank=True,
        help_text="Par exemple : Mo-Fr 09:00-12:00,14:00-17:00",
    )
    access = models.CharField("accès", max_length=12, choices=Access.choices)
    itinerant = models.BooleanField("itinérant", default=False)
    services = models.JSONField("services proposés", default=list)
    publics = models.JSONField("publics accueillis", default=list)
    fees = models.CharField("tarifs", max_length=30, choices=Fees.choices, default=Fees.FREE)
    labels = models.JSONField("labels", default=list)
    visible_on_map = models.BooleanField("visible sur la carte publique", default=True)
    active = models.BooleanField("actif", default=True)
    structure = models.ForeignKey(
        "structures.Structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    checked_at = models.DateTimeField(
        "informations vérifiées le",
        null=True,
        blank=True,
        help_text="Dernière confirmation ou modification par un conseiller ou la structure.",
    )
    freshness_reminded_at = models.DateTimeField(
        "rappel de vérification envoyé le", null=True, blank=True, editable=False
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d’activité"
        verbose_name_plural = "lieux d’activité"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["commune"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.commune.name})"

    def freshness_status(self, day=None) -> dict:
        """The band, label, badge and last check date a page shows (DOMAIN §8)."""
        return freshness.describe(self.checked_at, day)


class PlaceAdvisor(models.Model):
    """An advisor working at a place; one main place per advisor."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="advisors")
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="places"
    )
    main = models.BooleanField("lieu principal", default=False)
    shown_publicly = models.BooleanField("nom affiché sur la carte", default=False)

    class Meta:
        verbose_name = "conseiller du lieu"
        constraints = [
            models.UniqueConstraint(fields=["place", "advisor"], name="advisor_once_per_place"),
            models.UniqueConstraint(
                fields=["advisor"],
                condition=Q(main=True),
                name="one_main_place_per_advisor",
                violation_error_message="Un conseiller a un seul lieu principal.",
            ),
        ]

    def __str__(self):
        return f"{self.advisor} @ {self.place}"
