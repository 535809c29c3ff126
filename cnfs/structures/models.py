from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cnfs.accounts.scope import scope_filter
from cnfs.common.money import from_cents
from cnfs.common.validators import validate_siret
from cnfs.common.workflow import Transition, Workflow
from cnfs.structures.enums import (
    PRIVATE_LEGAL_TYPES,
    EmployerCategory,
    LegalType,
    Opinion,
    RequestKind,
    RequestStatus,
    StructureStatus,
)

S = StructureStatus

STRUCTURE_WORKFLOW = Workflow(
    Transition("review", {S.SUBMITTED}, S.COMPLEMENTARY_REVIEW, "Examen complémentaire"),
    Transition("resubmit", {S.COMPLEMENTARY_REVIEW}, S.SUBMITTED, "Remettre à l’instruction"),
    Transition("validate", {S.SUBMITTED, S.COMPLEMENTARY_REVIEW}, S.VALIDATED, "Valider"),
    Transition("refuse", {S.SUBMITTED, S.COMPLEMENTARY_REVIEW}, S.REFUSED, "Refuser"),
    Transition("abandon", {S.VALIDATED}, S.ABANDONED, "Abandon (tous les postes rendus)"),
    Transition("cancel", {S.VALIDATED}, S.CANCELLED, "Annuler", requires_reason=True),
    Transition("mark_duplicate", {"*"}, S.DUPLICATE, "Marquer comme doublon", requires_reason=True),
)

R = RequestStatus

REQUEST_WORKFLOW = Workflow(
    Transition("decide", {R.OPEN}, R.DECIDED, "Décision du comité appliquée"),
    Transition("withdraw", {R.OPEN}, R.WITHDRAWN, "Retirer la demande", requires_reason=True),
)

MOTIVATION_MAX_LENGTH = 5000


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The structures ``user`` may see in his or her active role."""
        return scope_filter(
            self, user, departement="departement_id", region="departement__region_id", pk="pk"
        )

    def confirmed(self):
        return self.filter(email_confirmed_at__isnull=False)


class Structure(models.Model):
    legal_type = models.CharField("type juridique", max_length=20, choices=LegalType.choices)
    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, db_index=True, validators=[validate_siret])
    address = models.CharField("adresse", max_length=250, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="structures"
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, related_name="structures"
    )
    is_library = models.BooleanField(
        "bibliothèque ou médiathèque",
        default=False,
        help_text="Prioritaires en commune rurale pour le comité de sélection.",
    )
    contact_first_name = models.CharField("prénom du contact", max_length=100, blank=True)
    contact_last_name = models.CharField("nom du contact", max_length=100, blank=True)
    contact_role = models.CharField("fonction du contact", max_length=150, blank=True)
    contact_email = models.EmailField("e-mail du contact", blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=20, blank=True)
    posts_requested = models.PositiveSmallIntegerField(
        "nombre de conseillers souhaités", default=1, validators=[MinValueValidator(1)]
    )
    desired_start_date = models.DateField("date de démarrage souhaitée", null=True, blank=True)
    motivation = models.TextField(
        "motivation", blank=True, validators=[MaxLengthValidator(MOTIVATION_MAX_LENGTH)]
    )
    label_france_services = models.BooleanField("labellisée France Services", default=False)
    label_aidants_connect = models.BooleanField("habilitée Aidants Connect", default=False)
    identified_candidate = models.CharField(
        "candidat déjà identifié",
        max_length=250,
        blank=True,
        help_text="Nom et e-mail de la personne que la structure souhaite recruter.",
    )
    commitments_accepted_at = models.DateTimeField("engagements acceptés le", null=True)
    email_confirmed_at = models.DateTimeField("e-mail confirmé le", null=True, blank=True)
    status = models.CharField(
        "statut",
        max_length=24,
        choices=StructureStatus.choices,
        default=S.SUBMITTED,
        db_index=True,
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        verbose_name="doublon possible de",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Those of the latest favourable decision (kept by the committee services, under lock).
    granted_posts = models.PositiveSmallIntegerField("postes attribués", default=0)
    committed_subsidy_cents = models.BigIntegerField("subvention engagée (centimes)", default=0)
    # Advisors in post plus recruitments in progress (kept by the recruitment services).
    occupied_posts = models.PositiveSmallIntegerField("postes occupés", default=0)
    created_at = models.DateTimeField("déposée le", auto_now_add=True, db_index=True)

    objects = StructureQuerySet.as_manager()
    workflow = STRUCTURE_WORKFLOW

    class Meta:
        verbose_name = "structure accueillante"
        verbose_name_plural = "structures accueillantes"
        ordering = ["name"]
        indexes = [models.Index(fields=["departement", "status"])]
        constraints = [
            models.CheckConstraint(
                name="structure_posts_requested_positive",
                condition=Q(posts_requested__gte=1),
                violation_error_message="Le nombre de conseillers souhaités est au moins 1.",
            ),
            models.CheckConstraint(
                name="structure_occupied_within_granted",
                condition=Q(occupied_posts__lte=models.F("granted_posts")),
                violation_error_message=(
                    "Une structure ne peut occuper plus de postes qu’attribués."
                ),
            ),
            models.CheckConstraint(
                name="structure_subsidy_not_negative",
                condition=Q(committed_subsidy_cents__gte=0),
                violation_error_message="La subvention engagée ne peut être négative.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.departement_id = self.commune.departement_id
        super().save(*args, **kwargs)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def employer_category(self) -> str:
        if self.legal_type in PRIVATE_LEGAL_TYPES:
            return EmployerCategory.PRIVATE
        return EmployerCategory.PUBLIC

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def open_posts(self) -> int:
        return max(0, self.granted_posts - self.occupied_posts)

    @property
    def committed_subsidy(self):

        return from_cents(self.committed_subsidy_cents)


class PostRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="structure__departement_id",
            region="structure__departement__region_id",
            pk="structure_id",
        )

    def open(self):
        return self.filter(status=RequestStatus.OPEN)

    def awaiting_opinion(self):
        return self.open().filter(opinion="").exclude(kind=RequestKind.GIVEBACK)


class PostRequest(models.Model):
    """What the prefecture gives an opinion on and the committee decides: an application
    (the structure's first request for posts) or an amendment (more or fewer posts)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField("nature", max_length=12, choices=RequestKind.choices)
    posts = models.PositiveSmallIntegerField(
        "postes",
        validators=[MinValueValidator(1)],
        help_text="Postes demandés (candidature, ajout) ou rendus (rendu de postes).",
    )
    reason = models.CharField("motif", max_length=30, blank=True)
    comment = models.TextField("précisions", blank=True, validators=[MaxLengthValidator(2000)])
    status = models.CharField(
        "statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField("déposée le", auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opinion = models.CharField("avis du préfet", max_length=12, choices=Opinion.choices, blank=True)
    opinion_comment = models.TextField(
        "commentaire de l’avis", blank=True, validators=[MaxLengthValidator(2000)]
    )
    opinion_suggested_posts = models.PositiveSmallIntegerField(
        "postes suggérés", null=True, blank=True
    )
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opinion_at = models.DateTimeField("avis donné le", null=True, blank=True)

    objects = PostRequestQuerySet.as_manager()
    workflow = REQUEST_WORKFLOW

    class Meta:
        verbose_name = "demande de postes"
        verbose_name_plural = "demandes de postes"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="post_request_posts_positive",
                condition=Q(posts__gte=1),
                violation_error_message="Le nombre de postes est au moins 1.",
            ),
            # One open amendment per structure at a time (and one open application).
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(status="open"),
                name="one_open_request_per_structure",
                violation_error_message="Cette structure a déjà une demande en cours.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.structure} ({self.posts})"

    @property
    def needs_opinion(self) -> bool:
        return self.kind != RequestKind.GIVEBACK
