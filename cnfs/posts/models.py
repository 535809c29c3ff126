from django.db import models
from django.db.models import Q

from cnfs.accounts.scope import scope_filter
from cnfs.common.workflow import Transition, Workflow
from cnfs.posts.enums import HOLDING_CONTRACT_STATUSES, PostKind, PostStatus

P = PostStatus

POST_WORKFLOW = Workflow(
    Transition("give_back", {P.GRANTED}, P.GIVEN_BACK, "Rendre le poste"),
    Transition("close", {P.GRANTED}, P.CLOSED, "Clore le poste", requires_reason=True),
)


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="structure__departement_id",
            region="structure__departement__region_id",
            pk="structure_id",
        )

    def granted(self):
        return self.filter(status=PostStatus.GRANTED)

    def held(self):
        """Granted posts a contract holds (requested, in force, or whose end awaits).

        At most one contract holds a post (a unique constraint): no duplicate rows."""
        return self.granted().filter(contracts__status__in=HOLDING_CONTRACT_STATUSES)

    def free(self):
        """Granted posts no contract holds: open to a recruitment."""
        return self.granted().exclude(contracts__status__in=HOLDING_CONTRACT_STATUSES)


class Post(models.Model):
    """One post granted to a structure by a committee decision (DOMAIN §3.4).

    The committee grants it (status ``granted``) and takes it back (``given_back``) or the
    agreement closes it (``closed``). Which contract holds it, and whether it is vacant,
    being filled or occupied on a given day, follows from its contracts and their dates.
    """

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(
        "nature du poste", max_length=12, choices=PostKind.choices, default=PostKind.ADVISOR
    )
    granted_by = models.ForeignKey(
        "committee.AgendaItem",
        verbose_name="décision d’attribution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="granted_post_set",
        help_text="Vide pour les postes repris des données antérieures au registre des postes.",
    )
    granted_on = models.DateField("attribué le")
    amount_cents = models.BigIntegerField("subvention décidée (centimes, deux ans)")
    status = models.CharField(
        "statut", max_length=12, choices=PostStatus.choices, default=P.GRANTED, db_index=True
    )
    ended_on = models.DateField("rendu ou clos le", null=True, blank=True)
    ended_by = models.ForeignKey(
        "committee.AgendaItem",
        verbose_name="décision de retrait",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="removed_post_set",
    )

    objects = PostQuerySet.as_manager()
    workflow = POST_WORKFLOW

    class Meta:
        verbose_name = "poste"
        ordering = ["structure", "id"]
        indexes = [models.Index(fields=["structure", "status"])]
        constraints = [
            models.CheckConstraint(
                name="post_amount_positive",
                condition=Q(amount_cents__gt=0),
                violation_error_message="La subvention d’un poste est positive.",
            ),
            models.CheckConstraint(
                name="post_end_date_follows_status",
                condition=Q(status=P.GRANTED, ended_on__isnull=True)
                | (~Q(status=P.GRANTED) & Q(ended_on__isnull=False)),
                violation_error_message="Un poste rendu ou clos a une date de fin, pas un autre.",
            ),
            models.CheckConstraint(
                name="post_ends_after_grant",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("granted_on")),
                violation_error_message="Un poste ne peut être rendu avant d’être attribué.",
            ),
        ]

    def __str__(self):
        return f"Poste n° {self.pk} — {self.structure}"
