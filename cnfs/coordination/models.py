"""Coordination (DOMAIN §8): coordinators and the advisors they lead, territorial hubs,
national networks and their members.

A coordinator's advisors are those of an accepted link (the advisor's structure accepted
the invitation) and those in post in the coordinator's territory (départements). A hub sees
its territory (départements, or a whole région). A network sees its confirmed members.
These scopes are resolved in the database (``resolvers``), so they follow the links as they
change.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cnfs.common.workflow import Transition, Workflow
from cnfs.coordination.enums import ActivityKind, LinkStatus, MembershipStatus

L, M = LinkStatus, MembershipStatus

LINK_WORKFLOW = Workflow(
    Transition("accept", {L.INVITED}, L.ACCEPTED, "Accepter la coordination"),
    Transition("decline", {L.INVITED}, L.DECLINED, "Refuser la coordination"),
    Transition("end", {L.INVITED, L.ACCEPTED}, L.ENDED, "Mettre fin à la coordination"),
)

MEMBERSHIP_WORKFLOW = Workflow(
    Transition("confirm", {M.DECLARED}, M.CONFIRMED, "Confirmer l’adhésion"),
    Transition("refuse", {M.DECLARED}, M.REFUSED, "Refuser l’adhésion"),
    Transition("end", {M.DECLARED, M.CONFIRMED}, M.ENDED, "Mettre fin à l’adhésion"),
)


class Coordinator(models.Model):
    """An advisor whose contract holds a coordination post, with his or her territory."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator"
    )
    departements = models.ManyToManyField(
        "territories.Departement",
        verbose_name="territoire coordonné",
        blank=True,
        related_name="coordinators",
    )
    shown_publicly = models.BooleanField(
        "nom affiché sur les pages territoires publiques", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "coordinateur"

    def __str__(self):
        return f"Coordinateur n° {self.pk}"

    audit_label = property(__str__)


class CoordinationLink(models.Model):
    """An advisor coordinated by a coordinator: invited, then accepted (or declined) by a
    manager of the advisor's structure."""

    coordinator = models.ForeignKey(Coordinator, on_delete=models.CASCADE, related_name="links")
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordination_links"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="coordination_links"
    )
    status = models.CharField(
        "statut", max_length=10, choices=LinkStatus.choices, default=L.INVITED
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    workflow = LINK_WORKFLOW

    class Meta:
        verbose_name = "conseiller coordonné"
        verbose_name_plural = "conseillers coordonnés"
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "advisor"],
                condition=Q(status__in=["invited", "accepted"]),
                name="one_live_link_per_advisor",
                violation_error_message="Ce conseiller est déjà invité ou coordonné.",
            ),
        ]

    def __str__(self):
        return f"Coordination n° {self.pk}"


class CoordinationActivity(models.Model):
    """One of a coordinator's own activities (counted apart from the activity reports)."""

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="activities"
    )
    date = models.DateField("date")
    kind = models.CharField("nature", max_length=12, choices=ActivityKind.choices)
    title = models.CharField("intitulé", max_length=200)
    participants = models.PositiveIntegerField(
        "nombre de participants", validators=[MaxValueValidator(10_000)]
    )
    duration_minutes = models.PositiveIntegerField(
        "durée (minutes)", validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "activité de coordination"
        verbose_name_plural = "activités de coordination"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["coordinator", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class Hub(models.Model):
    """A territorial hub (« hub territorial pour un numérique inclusif »)."""

    name = models.CharField("nom", max_length=200)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région couverte",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hubs",
    )
    departements = models.ManyToManyField(
        "territories.Departement",
        verbose_name="départements couverts",
        blank=True,
        related_name="hubs",
    )
    email = models.EmailField("e-mail de contact")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    website = models.URLField("site web", blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="équipe", blank=True, related_name="hubs"
    )

    class Meta:
        verbose_name = "hub territorial"
        verbose_name_plural = "hubs territoriaux"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Network(models.Model):
    """A national network (federation whose local branches host advisors)."""

    name = models.CharField("nom", max_length=200, unique=True)
    website = models.URLField("site web", blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="équipe", blank=True, related_name="networks"
    )

    class Meta:
        verbose_name = "réseau national"
        verbose_name_plural = "réseaux nationaux"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A structure's membership of a network: declared by the structure, confirmed by the
    network."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="network_memberships"
    )
    status = models.CharField(
        "statut", max_length=10, choices=MembershipStatus.choices, default=M.DECLARED
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    workflow = MEMBERSHIP_WORKFLOW

    class Meta:
        verbose_name = "adhésion à un réseau"
        verbose_name_plural = "adhésions aux réseaux"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "structure"],
                condition=Q(status__in=["declared", "confirmed"]),
                name="one_live_membership",
                violation_error_message="Cette structure a déjà déclaré cette adhésion.",
            ),
        ]

    def __str__(self):
        return f"{self.structure} — {self.network}"
