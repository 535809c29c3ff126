from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cnfs.territories.search import normalize


class TerritoryContact(models.Model):
    """Who the public and the structures contact about the programme in a département or
    a région (a DDT, a prefecture, a sub-prefecture…), shown on the territory's page."""

    departement = models.OneToOneField(
        "territories.Departement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="public_contact",
        verbose_name="département",
    )
    region = models.OneToOneField(
        "territories.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="public_contact",
        verbose_name="région",
    )
    organisation = models.CharField(
        "organisme",
        max_length=200,
        help_text="Par exemple : Direction départementale des territoires du Jura (DDT).",
    )
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField(
        "téléphone", max_length=20, blank=True, help_text="Par exemple : 03 84 86 80 00."
    )
    url = models.URLField("page web", blank=True, help_text="Adresse commençant par https://")
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="modifié par",
    )

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


def _search_key(*texts: str) -> str:
    """Lower case, no accents: what the public searches in."""
    return normalize(" ".join(text for text in texts if text))


class ResourceAudience(models.TextChoices):
    """Who a kit is for: the local structures the programme names, the advisors, the
    professional helpers and the public."""

    LOCAL_STRUCTURES = "structures", "Structures de proximité (mairies, centres sociaux…)"
    LIBRARIES = "bibliotheques", "Bibliothèques et médiathèques"
    ADVISORS = "conseillers", "Conseillers numériques"
    HELPERS = "aidants", "Aidants professionnels"
    PUBLIC = "public", "Grand public"


class ResourceTag(models.Model):
    name = models.CharField("étiquette", max_length=60, unique=True)

    class Meta:
        verbose_name = "étiquette de ressource"
        verbose_name_plural = "étiquettes de ressources"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Resource(models.Model):
    """A digital-inclusion kit (a file or a link) the national team publishes for local
    structures, advisors and helpers."""

    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    audience = models.CharField("public visé", max_length=20, choices=ResourceAudience.choices)
    file = models.FileField(
        "fichier",
        upload_to="ressources/",
        blank=True,
        help_text="PDF, document ou archive ; ou bien un lien ci-dessous.",
    )
    url = models.URLField(
        "lien", blank=True, help_text="Adresse commençant par https:// ; ou bien un fichier."
    )
    tags = models.ManyToManyField(ResourceTag, blank=True, verbose_name="étiquettes")
    published = models.BooleanField("publiée", default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "ressource (kit d’inclusion numérique)"
        verbose_name_plural = "ressources (kits d’inclusion numérique)"
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                name="resource_file_or_link",
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                violation_error_message="Une ressource a un fichier ou un lien (un seul).",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = _search_key(self.title, self.description)
        super().save(*args, **kwargs)

    def clean(self):
        if bool(self.file) == bool(self.url):
            raise ValidationError(
                {"url": "Joignez un fichier ou indiquez un lien (l’un ou l’autre)."}
            )


class Question(models.Model):
    """A question of the public FAQ, answered by the national team."""

    question = models.CharField("question", max_length=250)
    answer = models.TextField("réponse", help_text="Paragraphes séparés par une ligne vide.")
    category = models.CharField(
        "rubrique", max_length=80, help_text="Par exemple : Structures, Candidats."
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    published = models.BooleanField("publiée", default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "question fréquente"
        verbose_name_plural = "questions fréquentes"
        ordering = ["category", "position", "pk"]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.search_text = _search_key(self.question, self.answer, self.category)
        super().save(*args, **kwargs)
