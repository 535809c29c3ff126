from django.db import models
from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast

from cnfs.territories import rurality
from cnfs.territories.search import search_communes

# Départements that are overseas territories: each one is a closed world for matching.
OVERSEAS_DEPARTEMENTS = {"971", "972", "973", "974", "976"}
SAINT_MARTIN_POSTAL_CODE = "97150"


class ChefLieu(models.IntegerChoices):
    NONE = 0, "aucun"
    ARRONDISSEMENT = 1, "sous-préfecture"
    DEPARTEMENT = 2, "préfecture"
    REGION = 3, "chef-lieu de région"


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def density(self) -> float | None:
        """Inhabitants per km² (None without an area)."""
        return rurality.density(self.population, self.area_km2)

    @property
    def is_rural(self) -> bool | None:
        """Rural by the platform's proxy (``cnfs.territories.rurality``), not INSEE's grid."""
        return rurality.is_rural(self.population, self.area_km2)

    @property
    def is_overseas(self) -> bool:
        return self.code in OVERSEAS_DEPARTEMENTS


def closed_world(departement: str, postal_codes: str) -> str:
    """The closed world (DOMAIN §4.2) of a commune: '' for mainland France with Corsica,
    'saint-martin' for Saint-Martin (postal code 97150), else the overseas département."""
    if SAINT_MARTIN_POSTAL_CODE in postal_codes.split():
        return "saint-martin"
    return departement if departement in OVERSEAS_DEPARTEMENTS else ""


def in_closed_world(world: str, *, prefix: str = "") -> Q:
    """The condition on communes (``prefix``: the path to them, e.g. ``"commune__"``) of
    the closed world ``world``, as ``closed_world`` names it."""
    postal_codes = prefix + "postal_codes"
    saint_martin = Q(**{postal_codes + "__startswith": SAINT_MARTIN_POSTAL_CODE}) | Q(
        **{postal_codes + "__contains": " " + SAINT_MARTIN_POSTAL_CODE}
    )
    if world == "saint-martin":
        return saint_martin
    if world:
        return Q(**{prefix + "departement_id": world}) & ~saint_martin
    return ~Q(**{prefix + "departement_id__in": OVERSEAS_DEPARTEMENTS})


class CommuneQuerySet(models.QuerySet):
    def search(self, query: str, *, limit: int = 20):

        return search_communes(self, query, limit=limit)

    def nearest_to(self, latitude: float, longitude: float):
        """The commune whose centre is nearest to the point (flat-earth approximation, good
        enough to tell the closed world of a position), or None. One query, two when no
        commune is within a degree of latitude (at sea)."""
        approx = (F("latitude") - latitude) * (F("latitude") - latitude) + (
            F("longitude") - longitude
        ) * (F("longitude") - longitude)
        ordered = self.alias(approx=Cast(approx, FloatField())).order_by("approx", "pk")
        near = ordered.filter(latitude__range=(latitude - 1, latitude + 1)).first()
        return near or ordered.first()


class Commune(models.Model):
    insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    # Lower-case, unaccented, words separated by single spaces, "st" spelled "saint".
    search_name = models.CharField(max_length=100, db_index=True)
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    population = models.PositiveIntegerField("population", default=0)
    chef_lieu = models.PositiveSmallIntegerField(
        "chef-lieu", choices=ChefLieu.choices, default=ChefLieu.NONE
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    area_km2 = models.FloatField("superficie (km²)", null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["departement", "-population"]),
            # Searches around a point: a latitude range, then longitude.
            models.Index(fields=["latitude", "longitude"], name="commune_position"),
        ]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()

    @property
    def main_postal_code(self) -> str:
        return self.postal_codes.split()[0] if self.postal_codes else ""

    @property
    def overseas_territory(self) -> str:
        """The closed world this commune belongs to: '' for mainland France."""
        return closed_world(self.departement_id, self.postal_codes)

    @property
    def density(self) -> float | None:
        """Inhabitants per km² (None without an area)."""
        return rurality.density(self.population, self.area_km2)

    @property
    def is_rural(self) -> bool | None:
        """Rural by the platform's proxy (``cnfs.territories.rurality``), not INSEE's grid."""
        return rurality.is_rural(self.population, self.area_km2)

    @property
    def is_overseas(self) -> bool:
        return bool(self.overseas_territory)

    @property
    def label(self) -> str:
        """How the commune is shown and typed back in the autocomplete."""
        return f"{self.name} ({self.main_postal_code or self.departement_id}) – {self.insee}"
