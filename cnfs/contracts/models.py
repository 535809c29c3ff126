from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from cnfs.accounts.scope import scope_filter
from cnfs.common.workflow import Transition, Workflow
from cnfs.contracts.enums import (
    OCCUPYING_STATUSES,
    VALIDATED_STATUSES,
    ContractKind,
    ContractStatus,
    EndReason,
    TrainingStatus,
)

C = ContractStatus

CONTRACT_WORKFLOW = Workflow(
    Transition("validate", {C.REQUESTED}, C.ACTIVE, "Valider le recrutement"),
    Transition("reject", {C.REQUESTED}, C.REJECTED, "Refuser le recrutement", requires_reason=True),
    Transition("request_end", {C.ACTIVE}, C.END_REQUESTED, "Demander la fin du contrat"),
    Transition("validate_end", {C.END_REQUESTED}, C.ENDED, "Valider la fin du contrat"),
    Transition(
        "refuse_end", {C.END_REQUESTED}, C.ACTIVE, "Refuser la fin du contrat", requires_reason=True
    ),
    Transition("renew", {C.ACTIVE}, C.ENDED, "Renouveler (nouveau contrat sur le même poste)"),
    Transition("reach_term", {C.ACTIVE}, C.ENDED, "Arrivée à terme sans renouvellement"),
)


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def in_post_q(on: date, prefix: str = "") -> Q:
    """A contract in post on ``on``: validated, started, not yet ended (by its effective
    end — the validated end — or, failing that, its planned end date)."""
    p = prefix
    return (
        Q(**{f"{p}status__in": VALIDATED_STATUSES, f"{p}start_date__lte": on})
        & (Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": on}))
        & (
            Q(**{f"{p}ended_on__isnull": False})
            | Q(**{f"{p}end_date__isnull": True})
            | Q(**{f"{p}end_date__gte": on})
        )
    )


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
            self,
            user,
            departement="structure__departement_id",
            region="structure__departement__region_id",
            pk="structure_id",
            advisor="candidate__user_id",
        )

    def in_post(self, on: date | None = None):
        """Advisors in post on ``on`` (today by default), by the contracts' dates."""
        return self.filter(in_post_q(_today(on)))

    def recruited(self):
        """Contracts the national team validated (in post, to come, or ended)."""
        return self.filter(status__in=VALIDATED_STATUSES)

    def holding(self):
        """Contracts holding their post (requested, validated, end awaiting validation)."""
        return self.filter(status__in=OCCUPYING_STATUSES)

    def ending_between(self, first: date, last: date):
        """Validated contracts whose last day in post falls between ``first`` and ``last``."""
        return self.recruited().filter(
            Q(ended_on__range=(first, last))
            | Q(ended_on__isnull=True, end_date__range=(first, last))
        )


class Contract(models.Model):
    proposal = models.ForeignKey(
        "matching.Proposal", on_delete=models.PROTECT, related_name="contracts"
    )
    post = models.ForeignKey(
        "posts.Post", verbose_name="poste", on_delete=models.PROTECT, related_name="contracts"
    )
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="contracts"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="contracts"
    )
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
        verbose_name="contrat précédent (renouvellement, prolongation)",
    )
    kind = models.CharField("type de contrat", max_length=12, choices=ContractKind.choices)
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin", null=True, blank=True)
    weekly_hours = models.DecimalField(
        "heures par semaine",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    part_time_derogation = models.TextField(
        "dérogation au temps plein (motif)",
        blank=True,
        help_text="Enregistrée par l’équipe nationale pour un contrat de moins de 35 h.",
    )
    gross_monthly_salary_cents = models.PositiveIntegerField("salaire brut mensuel (centimes)")
    status = models.CharField(
        "statut", max_length=16, choices=ContractStatus.choices, default=ContractStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField("fin effective le", null=True, blank=True)
    end_reason = models.CharField(
        "motif de fin", max_length=20, choices=EndReason.choices, blank=True
    )
    end_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_requested_at = models.DateTimeField("fin demandée le", null=True, blank=True)

    objects = ContractQuerySet.as_manager()
    workflow = CONTRACT_WORKFLOW

    class Meta:
        verbose_name = "contrat"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["structure", "status"])]
        constraints = [
            # A person is never in post (or being recruited) in two structures.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="one_current_contract_per_person",
                violation_error_message=(
                    "Cette personne est déjà en poste ou en cours de recrutement."
                ),
            ),
            # A post is held by one contract at a time.
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="one_holding_contract_per_post",
                violation_error_message="Ce poste est déjà occupé ou en cours de recrutement.",
            ),
            models.CheckConstraint(
                name="contract_end_has_date_and_reason",
                condition=~Q(status__in=["end_requested", "ended"])
                | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                violation_error_message="Une fin de contrat a une date et un motif.",
            ),
            models.CheckConstraint(
                name="contract_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                violation_error_message="La fin ne peut précéder le début du contrat.",
            ),
            models.CheckConstraint(
                name="contract_full_time_or_derogation",
                condition=Q(weekly_hours__gte=35)
                | ~Q(part_time_derogation="")
                | Q(status__in=["requested", "rejected"]),
                violation_error_message=(
                    "Un contrat de moins de 35 h par semaine demande une dérogation de "
                    "l’équipe nationale."
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

    @property
    def last_day(self) -> date | None:
        """The last day in post: the validated end, else the planned end (None: open)."""
        return self.ended_on or self.end_date

    def is_in_post(self, on: date | None = None) -> bool:
        on = _today(on)
        return (
            self.status in VALIDATED_STATUSES
            and self.start_date <= on
            and (self.last_day is None or self.last_day >= on)
        )

    @property
    def in_post(self) -> bool:
        return self.is_in_post()


def training_in_progress_q(on: date, prefix: str = "") -> Q:
    """In progress on ``on``: started, not completed by then, planned end not passed."""
    p = prefix
    return (
        Q(**{f"{p}start_date__lte": on})
        & (Q(**{f"{p}completed_on__isnull": True}) | Q(**{f"{p}completed_on__gt": on}))
        & (Q(**{f"{p}end_date__isnull": True}) | Q(**{f"{p}end_date__gte": on}))
    )


def operational_q(on: date, prefix: str = "") -> Q:
    """Training completed on or before ``on``: the advisor is operational."""
    return Q(**{f"{prefix}completed_on__lte": on})


def training_stage(on: date, prefix: str = ""):
    """The stage of a training on ``on``, from its dates (a query expression)."""
    p = prefix
    return Case(
        When(**{f"{p}completed_on__lte": on}, then=Value(TrainingStatus.COMPLETED)),
        When(**{f"{p}end_date__lt": on}, then=Value(TrainingStatus.LATE)),
        When(**{f"{p}start_date__lte": on}, then=Value(TrainingStatus.IN_PROGRESS)),
        default=Value(TrainingStatus.PLANNED),
        output_field=models.CharField(),
    )


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="contract__structure__departement_id",
            region="contract__structure__departement__region_id",
            pk="contract__structure_id",
        )

    def with_stage(self, on: date | None = None):
        return self.annotate(stage=training_stage(_today(on)))

    def in_progress(self, on: date | None = None):
        return self.filter(training_in_progress_q(_today(on)))

    def operational(self, on: date | None = None):
        """Completed on or before ``on``: the advisor is operational."""
        return self.filter(operational_q(_today(on)))

    def certified(self, on: date | None = None):
        return self.filter(certified=True, certified_on__lte=_today(on))


class Training(models.Model):
    """Initial training and certification of an advisor (DOMAIN §4.5)."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="training")
    positioning_level = models.PositiveSmallIntegerField(
        "résultat du positionnement",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="1 : débutant (3 mois) … 3 : confirmé (3 semaines).",
    )
    planned_weeks = models.PositiveSmallIntegerField(
        "durée prévue (semaines)",
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(13)],
    )
    organisation = models.CharField("organisme de formation", max_length=200, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin prévue", null=True, blank=True)
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

    def stage(self, on: date | None = None) -> str:
        on = _today(on)
        if self.completed_on and self.completed_on <= on:
            return TrainingStatus.COMPLETED
        if self.end_date and self.end_date < on:
            return TrainingStatus.LATE
        if self.start_date and self.start_date <= on:
            return TrainingStatus.IN_PROGRESS
        return TrainingStatus.PLANNED

    @property
    def status(self) -> str:
        """Today's stage (derived from the dates; there is no stored status)."""
        return self.stage()

    def get_status_display(self) -> str:
        return TrainingStatus(self.status).label

    @property
    def audit_label(self) -> str:
        return f"Formation du candidat n° {self.contract.candidate_id}"

    @property
    def operational(self) -> bool:
        return self.stage() == TrainingStatus.COMPLETED

    @property
    def is_certified(self) -> bool:
        return bool(self.certified and self.certified_on and self.certified_on <= _today(None))
