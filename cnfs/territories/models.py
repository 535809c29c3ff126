from django.db import models

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


class CommuneQuerySet(models.QuerySet):
    def search(self, query: str, *, limit: int = 20):

        return search_communes(self, query, limit=limit)


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
        if SAINT_MARTIN_POSTAL_CODE in self.postal_code_list:
            return "saint-martin"
        return self.departement_id if self.departement_id in OVERSEAS_DEPARTEMENTS else ""

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
