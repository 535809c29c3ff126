from django.conf import settings
from django.db import models
from django.db.models import Q

from cnfs.accounts.scope import scope_filter
from cnfs.committee.enums import Decision, SessionStatus
from cnfs.common.workflow import Transition, Workflow
from cnfs.funding.enums import PostKind

SESSION_WORKFLOW = Workflow(
    Transition("close", {SessionStatus.OPEN}, SessionStatus.CLOSED, "Clôturer la session"),
)


class Session(models.Model):
    """A selection committee session (« COSELEC 12 »)."""

    number = models.PositiveIntegerField("numéro", unique=True)
    date = models.DateField("date")
    status = models.CharField(
        "statut", max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    workflow = SESSION_WORKFLOW

    class Meta:
        verbose_name = "session du comité de sélection"
        verbose_name_plural = "sessions du comité de sélection"
        ordering = ["-number"]

    def __str__(self):
        return f"COSELEC {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="request__structure__departement_id",
            region="request__structure__departement__region_id",
            pk="request__structure_id",
        )

    def pending(self):
        """Decided in a session not yet closed: posts and money reserved, not yet applied."""
        return self.filter(session__status=SessionStatus.OPEN, decision=Decision.GRANTED)


class AgendaItem(models.Model):
    """One request on a session's agenda and the committee's decision on it.

    Decisions are recorded (and the posts and money they grant reserved against the cap
    and the envelope) while the session is open; closing the session applies them.
    """

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items")
    request = models.ForeignKey(
        "structures.PostRequest", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveIntegerField("ordre", default=0)
    decision = models.CharField("décision", max_length=24, choices=Decision.choices, blank=True)
    posts = models.PositiveSmallIntegerField("postes accordés", null=True, blank=True)
    post_kind = models.CharField(
        "nature des postes accordés",
        max_length=12,
        choices=PostKind.choices,
        default=PostKind.ADVISOR,
    )
    # What applying the decision changes nationally (negative for posts given back).
    posts_delta = models.IntegerField("variation des postes", default=0)
    subsidy_delta_cents = models.BigIntegerField("variation de la subvention", default=0)
    priority = models.BooleanField("prioritaire", default=False)
    observation = models.TextField("observation", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField("appliquée le", null=True, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = "point de l’ordre du jour"
        verbose_name_plural = "ordre du jour"
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "request"], name="request_once_per_session"),
            models.CheckConstraint(
                name="granted_has_posts",
                condition=~Q(decision="granted") | Q(posts__gte=1),
                violation_error_message="Une attribution porte sur au moins 1 poste.",
            ),
        ]

    def __str__(self):
        return f"{self.session} — {self.request}"
