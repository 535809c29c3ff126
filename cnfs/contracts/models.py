from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cnfs.accounts.scope import scope_filter
from cnfs.contracts.enums import ContractKind, ContractStatus, EndReason, TrainingStatus


class SmicRate(models.Model):
    """The legal minimum wage (gross hourly), dated: data, not a constant."""

    effective_from = models.DateField("en vigueur à partir du", unique=True)
    hourly_cents = models.PositiveIntegerField("SMIC horaire brut (centimes)")

    class Meta:
        verbose_name = "SMIC"
        verbose_name_plural = "barème du SMIC"
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.hourly_cents / 100:.2f} €/h au {self.effective_from:%d/%m/%Y}"

    @classmethod
    def monthly_minimum_cents(cls, on: date, weekly_hours) -> int | None:
        """Gross monthly minimum for these weekly hours (52 weeks / 12 months)."""
        rate = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if rate is None:
            return None
        return round(rate.hourly_cents * float(weekly_hours) * 52 / 12)


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self, user, departement="structure__departement_id",
            region="structure__departement__region_id", pk="structure_id",
        )  # fmt: skip


class Contract(models.Model):
    proposal = models.ForeignKey(
        "matching.Proposal", on_delete=models.PROTECT, related_name="contracts"
    )
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="contracts"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="contracts"
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next",
        verbose_name="contrat précédent (renouvellement, prolongation)",
    )  # fmt: skip
    kind = models.CharField("type de contrat", max_length=12, choices=ContractKind.choices)
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin", null=True, blank=True)
    weekly_hours = models.DecimalField(
        "heures par semaine", max_digits=4, decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )  # fmt: skip
    gross_monthly_salary_cents = models.PositiveIntegerField("salaire brut mensuel (centimes)")
    status = models.CharField(
        "statut", max_length=10, choices=ContractStatus.choices, default=ContractStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    validated_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField("fin effective le", null=True, blank=True)
    end_reason = models.CharField(
        "motif de fin", max_length=20, choices=EndReason.choices, blank=True
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["structure", "status"])]
        constraints = [
            # A person is never in post (or being recruited) in two structures.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status__in=["requested", "active"]),
                name="one_current_contract_per_person",
                violation_error_message=(
                    "Cette personne est déjà en poste ou en cours de recrutement."
                ),
            ),
            models.CheckConstraint(
                name="contract_dates_coherent",
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                violation_error_message="La date de fin suit la date de début.",
            ),
            models.CheckConstraint(
                name="fixed_term_has_end_date",
                condition=Q(kind__in=["cdi", "secondment"]) | Q(end_date__isnull=False),
                violation_error_message="Un contrat à durée déterminée a une date de fin.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.candidate} chez {self.structure}"

    @property
    def audit_label(self) -> str:
        return f"{self.get_kind_display()} — candidat n° {self.candidate_id} chez {self.structure}"

    @property
    def is_open_ended(self) -> bool:
        return self.kind in (ContractKind.CDI, ContractKind.SECONDMENT)


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self, user, departement="contract__structure__departement_id",
            region="contract__structure__departement__region_id", pk="contract__structure_id",
        )  # fmt: skip


class Training(models.Model):
    """Initial training and certification of an advisor (DOMAIN §4.5)."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="training")
    positioning_level = models.PositiveSmallIntegerField(
        "résultat du positionnement", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="1 : débutant (3 mois) … 3 : confirmé (3 semaines).",
    )  # fmt: skip
    planned_weeks = models.PositiveSmallIntegerField(
        "durée prévue (semaines)", null=True, blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(13)],
    )  # fmt: skip
    organisation = models.CharField("organisme de formation", max_length=200, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin prévue", null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=TrainingStatus.choices, default=TrainingStatus.PLANNED
    )
    completed_on = models.DateField("terminée le", null=True, blank=True)
    certified = models.BooleanField("certifié(e)", null=True, blank=True)
    certified_on = models.DateField("certification obtenue le", null=True, blank=True)
    training_cost_cents = models.PositiveIntegerField("coût de la formation", default=0)
    certification_cost_cents = models.PositiveIntegerField("coût de la certification", default=0)
    equipment_cost_cents = models.PositiveIntegerField("coût de l’équipement", default=0)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "formation initiale"
        verbose_name_plural = "formations initiales"
        constraints = [
            models.CheckConstraint(
                name="training_weeks_range",
                condition=Q(planned_weeks__isnull=True)
                | Q(planned_weeks__gte=3, planned_weeks__lte=13),
                violation_error_message="La formation dure de 3 semaines à 3 mois.",
            ),
            models.CheckConstraint(
                name="certified_has_date",
                condition=~Q(certified=True) | Q(certified_on__isnull=False),
                violation_error_message="Indiquez la date de la certification.",
            ),
        ]

    def __str__(self):
        return f"Formation de {self.contract.candidate}"

    @property
    def audit_label(self) -> str:
        return f"Formation du candidat n° {self.contract.candidate_id}"

    @property
    def operational(self) -> bool:
        return self.status == TrainingStatus.COMPLETED
