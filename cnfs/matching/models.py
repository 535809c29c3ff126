from django.conf import settings
from django.db import models

from cnfs.accounts.scope import scope_filter
from cnfs.common.workflow import Transition, Workflow
from cnfs.matching.enums import DeclineReason, Origin, ProposalStatus

P = ProposalStatus


class ProposalWorkflow(Workflow):
    """The proposals' workflow tells its listeners of every move: the proposal, the
    transition's name and the status it left (the engine keeps the list's length and refills
    the structure's list once the transaction commits)."""

    def __init__(self, *transitions: Transition):
        super().__init__(*transitions)
        self.listeners = []

    def apply(self, obj, name: str, **kwargs):
        before = str(obj.status)
        log = super().apply(obj, name, **kwargs)
        for listener in self.listeners:
            listener(obj, name, before)
        return log


PROPOSAL_WORKFLOW = ProposalWorkflow(
    Transition("shortlist", {P.PROPOSED}, P.SHORTLISTED, "Présélectionner"),
    Transition("decline", {P.PROPOSED, P.SHORTLISTED}, P.DECLINED, "Refuser", requires_reason=True),
    Transition("repropose", {P.DECLINED, P.WITHDRAWN, P.ENDED}, P.PROPOSED, "Proposer à nouveau"),
    Transition(
        "request_recruitment", {P.SHORTLISTED}, P.RECRUITMENT_REQUESTED, "Demander le recrutement"
    ),
    Transition("back_to_shortlist", {P.RECRUITMENT_REQUESTED}, P.SHORTLISTED, "Recrutement refusé"),
    Transition("recruit", {P.RECRUITMENT_REQUESTED}, P.RECRUITED, "Valider le recrutement"),
    Transition("end", {P.RECRUITED}, P.ENDED, "Fin de contrat"),
    Transition(
        "withdraw", {P.PROPOSED, P.SHORTLISTED, P.RECRUITMENT_REQUESTED}, P.WITHDRAWN, "Retirer"
    ),
)


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_filter(
            self,
            user,
            departement="structure__departement_id",
            region="structure__departement__region_id",
            pk="structure_id",
        )


class Proposal(models.Model):
    """A candidate put before a validated structure with open posts (mise en relation)."""

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="proposals"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="proposals"
    )
    status = models.CharField(
        "statut", max_length=24, choices=ProposalStatus.choices, default=P.PROPOSED
    )
    origin = models.CharField(
        "origine", max_length=10, choices=Origin.choices, default=Origin.ENGINE
    )
    distance_km = models.FloatField("distance (km)")
    score = models.FloatField("pertinence", default=0, db_index=True)
    reasons = models.JSONField("raisons", default=list)
    decline_reason = models.CharField(
        "motif du refus", max_length=20, choices=DeclineReason.choices, blank=True
    )
    # The candidate's zone_version when declined: a change of zone lets it come back.
    declined_zone_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProposalQuerySet.as_manager()
    workflow = PROPOSAL_WORKFLOW

    class Meta:
        verbose_name = "mise en relation"
        verbose_name_plural = "mises en relation"
        ordering = ["structure", "-score"]
        indexes = [
            models.Index(fields=["structure", "status", "-score"]),
            models.Index(fields=["candidate", "status"]),
            # The engine's lists in their order, last first: a list's length and its last
            # profile without sorting it (a candidate's update).
            models.Index(
                fields=["structure", "score", "-candidate"],
                name="engine_list_rank",
                condition=models.Q(status=P.PROPOSED, origin=Origin.ENGINE),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "structure"], name="one_proposal_per_pair"
            ),
        ]

    def __str__(self):
        return f"{self.candidate} → {self.structure}"

    @property
    def audit_label(self) -> str:
        return f"Candidat n° {self.candidate_id} → {self.structure}"


class ListLength(models.Model):
    """How many profiles each structure's list holds (its proposals from the engine still to
    consider): kept by the engine as it writes them (``engine.count_moves``), counted again
    from scratch by every refresh of a structure's list and every full recomputation, so a
    candidate's update reads one number per list instead of counting them all. No row: an
    empty list."""

    structure = models.OneToOneField(
        "structures.Structure", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    length = models.PositiveIntegerField("profils dans la liste", default=0)

    class Meta:
        verbose_name = "longueur de liste"
        verbose_name_plural = "longueurs de liste"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(length__gte=0), name="list_length_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.structure_id} : {self.length}"


class BackgroundResult(models.Model):
    """A national computation kept for the pages (they never compute it): the result, when
    it was computed, and since when it is out of date (``dirty_since``: set by the changes it
    depends on, cleared by the worker or the periodic command that computes it again)."""

    SHORTAGE = "shortage"

    name = models.CharField("calcul", max_length=40, unique=True)
    dirty_since = models.DateTimeField("à recalculer depuis", null=True, blank=True)
    computed_at = models.DateTimeField("calculé le", null=True, blank=True)
    result = models.JSONField("résultat", null=True, blank=True)

    class Meta:
        verbose_name = "calcul de fond"
        verbose_name_plural = "calculs de fond"

    def __str__(self):
        return self.name
