from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from cnfs.accounts.scope import scope_filter
from cnfs.common.models import AppendOnlyModel
from cnfs.common.money import euros
from cnfs.common.workflow import Transition, Workflow
from cnfs.funding.enums import PostFundingStatus, PostKind, RateZone, UnspentOutcome
from cnfs.structures.enums import EmployerCategory


class ProgrammeBudget(models.Model):
    """The national cap of posts and the envelope, with their effective dates.

    Every decision that grants posts locks the budget row in force: that serialises
    decisions nationally, so the limits hold whatever the concurrency.
    """

    effective_from = models.DateField("en vigueur à partir du", unique=True)
    posts_cap = models.PositiveIntegerField("plafond de postes")
    envelope_cents = models.BigIntegerField("enveloppe (centimes)")
    label = models.CharField("libellé", max_length=200, blank=True)

    class Meta:
        verbose_name = "budget du programme"
        verbose_name_plural = "budgets du programme"
        ordering = ["-effective_from"]

    def __str__(self):
        return self.label or f"Budget au {self.effective_from:%d/%m/%Y}"

    @classmethod
    def in_force(cls, on: date | None = None):
        on = on or date.today()
        return cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


class SubsidyRate(models.Model):
    """Subsidy per post for two years, by employer category and territory, with dates."""

    employer_category = models.CharField(
        "catégorie d’employeur", max_length=10, choices=EmployerCategory.choices
    )
    zone = models.CharField("territoire", max_length=20, choices=RateZone.choices)
    post_kind = models.CharField(
        "nature du poste", max_length=12, choices=PostKind.choices, default=PostKind.ADVISOR
    )
    effective_from = models.DateField("en vigueur à partir du")
    amount_cents = models.BigIntegerField("montant par poste (centimes)")

    class Meta:
        verbose_name = "taux de subvention"
        verbose_name_plural = "taux de subvention"
        ordering = ["employer_category", "zone", "post_kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer_category", "zone", "post_kind", "effective_from"],
                name="one_rate_per_date",
            ),
            models.CheckConstraint(name="rate_positive", condition=Q(amount_cents__gt=0)),
        ]

    def __str__(self):

        return (
            f"{self.get_employer_category_display()} — {self.get_zone_display()} — "
            f"{self.get_post_kind_display()} : "
            f"{euros(self.amount_cents)} au {self.effective_from:%d/%m/%Y}"
        )


class FundingAgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="structure__departement_id",
            region="structure__departement__region_id",
            pk="structure_id",
        )


class FundingAgreement(models.Model):
    """The convention: one per structure, made at its first recruitment."""

    structure = models.OneToOneField(
        "structures.Structure", on_delete=models.PROTECT, related_name="funding_agreement"
    )
    number = models.CharField("numéro", max_length=30, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FundingAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de financement"
        verbose_name_plural = "conventions de financement"
        ordering = ["number"]

    def __str__(self):
        return f"Convention {self.number} — {self.structure}"


FUNDING_WORKFLOW = Workflow(
    Transition(
        "end_early",
        {PostFundingStatus.RUNNING},
        PostFundingStatus.ENDED_EARLY,
        "Fin anticipée (reliquat calculé)",
    ),
)


class PostFundingQuerySet(models.QuerySet):
    def with_recovery(self):
        """Annotate ``paid`` and ``to_recover``: what a structure owes back when a post
        ended early and its unspent part is to recover (paid beyond the part used)."""
        paid = (
            Payment.objects.filter(instalment__post=OuterRef("pk"))
            .order_by()
            .values("instalment__post")
            .annotate(total=Sum("amount_cents"))
            .values("total")
        )
        cents = models.BigIntegerField()
        owed = Greatest(
            Value(0), F("paid") - F("amount_cents") + F("unspent_cents"), output_field=cents
        )
        return self.annotate(paid=Coalesce(Subquery(paid), Value(0), output_field=cents)).annotate(
            to_recover=Case(
                When(unspent_outcome=UnspentOutcome.TO_RECOVER, then=owed),
                default=Value(0),
                output_field=cents,
            )
        )


class PostFunding(models.Model):
    """The subsidy of one post for one advisor: two years from the contract start."""

    agreement = models.ForeignKey(FundingAgreement, on_delete=models.PROTECT, related_name="posts")
    post = models.ForeignKey(
        "posts.Post", verbose_name="poste", on_delete=models.PROTECT, related_name="fundings"
    )
    contract = models.OneToOneField(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.PROTECT,
        related_name="funding",
        help_text="Le contrat dont le début ouvre ces deux ans de subvention.",
    )
    start_date = models.DateField("début du contrat")
    amount_cents = models.BigIntegerField("subvention du poste (centimes)")
    status = models.CharField(
        max_length=12, choices=PostFundingStatus.choices, default=PostFundingStatus.RUNNING
    )
    ended_on = models.DateField("fin anticipée le", null=True, blank=True)
    unspent_cents = models.BigIntegerField("reliquat (centimes)", default=0)
    unspent_outcome = models.CharField(
        "devenir du reliquat", max_length=12, choices=UnspentOutcome.choices, blank=True
    )
    carried_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
        verbose_name="reliquat reporté depuis",
    )

    objects = PostFundingQuerySet.as_manager()
    workflow = FUNDING_WORKFLOW

    class Meta:
        verbose_name = "financement d’un poste"
        verbose_name_plural = "financements des postes"
        ordering = ["agreement", "start_date", "id"]
        constraints = [
            models.CheckConstraint(name="post_funding_positive", condition=Q(amount_cents__gt=0)),
            models.CheckConstraint(
                name="unspent_within_amount",
                condition=Q(unspent_cents__gte=0, unspent_cents__lte=models.F("amount_cents")),
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status="running"),
                name="one_running_funding_per_post",
                violation_error_message="Ce poste est déjà financé pour un conseiller.",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.structure} — poste n° {self.post_id} du {self.start_date:%d/%m/%Y}"


class InstalmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="post__agreement__structure__departement_id",
            region="post__agreement__structure__departement__region_id",
            pk="post__agreement__structure_id",
        )


class Instalment(models.Model):
    """A scheduled payment of a post's subsidy (versement)."""

    post = models.ForeignKey(PostFunding, on_delete=models.PROTECT, related_name="instalments")
    due_date = models.DateField("échéance", db_index=True)
    amount_cents = models.BigIntegerField("montant (centimes)")
    cancelled = models.BooleanField("annulé (fin anticipée)", default=False)

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        verbose_name = "échéance"
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(name="instalment_positive", condition=Q(amount_cents__gt=0)),
        ]

    def __str__(self):
        return f"{self.post} — échéance du {self.due_date:%d/%m/%Y}"


class Payment(AppendOnlyModel):
    """A payment entry. Never edited: a correction is a counter-entry (negative amount)."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField("date du versement")
    amount_cents = models.BigIntegerField("montant (centimes)")
    reference = models.CharField("référence", max_length=100)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        verbose_name="contre-passation de",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "versement"
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="payment_not_zero",
                condition=~Q(amount_cents=0),
                violation_error_message="Un versement n’est jamais nul.",
            ),
            models.CheckConstraint(
                name="counter_entry_is_negative",
                condition=Q(corrects__isnull=True, amount_cents__gt=0)
                | Q(corrects__isnull=False, amount_cents__lt=0),
                violation_error_message=(
                    "Un versement est positif ; seule une contre-passation est négative."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.paid_on:%d/%m/%Y})"
