from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnfs.candidates.enums import CandidateStatus, MaxDistance, Situation
from cnfs.common.workflow import Transition, Workflow

CANDIDATE_WORKFLOW = Workflow(
    Transition(
        "withdraw", {CandidateStatus.ACTIVE}, CandidateStatus.WITHDRAWN, "Retirer la candidature"
    ),
)

MOTIVATION_MAX_LENGTH = 2500
CV_MAX_BYTES = 5 * 1024 * 1024


def private_storage():
    """CVs are never public: they live outside the static and media files."""
    from django.core.files.storage import storages

    return storages["private"]


def cv_path(candidate, filename):
    return f"cv/{candidate.pk or 'new'}-{candidate.cv_token}.pdf"


class CandidateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=CandidateStatus.ACTIVE, email_confirmed_at__isnull=False)

    def matchable(self):
        """Who may be proposed: active, available, not in post (DOMAIN §4.2)."""
        return self.active().filter(available=True, in_post=False)


class Candidate(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse e-mail")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune de résidence",
        on_delete=models.PROTECT,
        related_name="+",
    )
    max_distance_km = models.PositiveSmallIntegerField(
        "distance maximale acceptée", choices=MaxDistance.choices, default=MaxDistance.KM_20
    )
    available = models.BooleanField("disponible", default=True)
    available_from = models.DateField("disponible à partir du")
    situation = models.CharField("situation", max_length=12, choices=Situation.choices)
    has_diploma = models.BooleanField("diplômé(e) en médiation numérique", default=False)
    diploma_name = models.CharField("intitulé du diplôme", max_length=200, blank=True)
    has_experience = models.BooleanField("expérience en médiation numérique", default=False)
    motivation = models.TextField(
        "motivation", validators=[MaxLengthValidator(MOTIVATION_MAX_LENGTH)]
    )
    cv = models.FileField("CV (PDF)", upload_to=cv_path, blank=True, storage=private_storage)
    cv_token = models.CharField(max_length=32, blank=True)
    pix_level = models.PositiveSmallIntegerField(
        "niveau Pix",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    pix_use = models.PositiveSmallIntegerField("Pix : usages", null=True, blank=True)
    pix_communication = models.PositiveSmallIntegerField(
        "Pix : communication", null=True, blank=True
    )
    pix_creation = models.PositiveSmallIntegerField("Pix : création", null=True, blank=True)
    consent_at = models.DateTimeField("consentement donné le")
    email_confirmed_at = models.DateTimeField("e-mail confirmé le", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.ACTIVE
    )
    # Kept by the recruitment services: in post now; has been an advisor (already trained).
    in_post = models.BooleanField("en poste", default=False, db_index=True)
    former_advisor = models.BooleanField("ancien conseiller (déjà formé)", default=False)
    # Bumped when the zone or the availability changes: declined proposals may come back.
    zone_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("inscrit le", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by the services (login, profile change, withdrawal): the retention periods run from it.
    last_activity_at = models.DateTimeField(
        "dernière activité le", default=timezone.now, db_index=True
    )
    # The warning e-mail before the CV is deleted (a new activity makes it stale).
    cv_warned_at = models.DateTimeField("suppression du CV annoncée le", null=True, blank=True)
    # A former advisor's personal data, blanked at the end of the period kept.
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    objects = CandidateQuerySet.as_manager()
    workflow = CANDIDATE_WORKFLOW

    class Meta:
        verbose_name = "candidat"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["status", "available", "in_post"])]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status="active"),
                name="one_active_application_per_email",
                violation_error_message="Une candidature active existe déjà pour cette adresse.",
            ),
            models.CheckConstraint(
                name="pix_level_range",
                condition=Q(pix_level__isnull=True) | Q(pix_level__gte=1, pix_level__lte=3),
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def name_for(self, *, revealed: bool) -> str:
        """Full name once revealed to a structure; before, first name and initial only."""
        if revealed:
            return self.full_name
        initial = f"{self.last_name[:1].upper()}." if self.last_name else ""
        return f"{self.first_name} {initial}".strip()

    @property
    def audit_label(self) -> str:
        """How the append-only journal names a candidate: erasure leaves no name behind."""
        return f"Candidat n° {self.pk}"

    @property
    def territory(self) -> str:
        return self.commune.overseas_territory


class CandidateCount(models.Model):
    """Anonymous counts kept when a candidate deletes the application (personal data erased)."""

    month = models.DateField("mois", unique=True)
    deleted = models.PositiveIntegerField("candidatures supprimées", default=0)

    class Meta:
        verbose_name = "décompte anonyme"

    def __str__(self):
        return f"{self.month:%m/%Y} : {self.deleted} suppression(s)"
