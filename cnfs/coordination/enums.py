from django.db import models


class LinkStatus(models.TextChoices):
    INVITED = "invited", "Invitation en attente"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"
    ENDED = "ended", "Terminée"


class MembershipStatus(models.TextChoices):
    DECLARED = "declared", "Déclarée, à confirmer"
    CONFIRMED = "confirmed", "Confirmée"
    REFUSED = "refused", "Refusée"
    ENDED = "ended", "Terminée"


class ActivityKind(models.TextChoices):
    """A coordinator's own activities (DOMAIN §8), counted apart from the advisors' reports."""

    MEETING = "meeting", "Réunion"
    TRAINING = "training", "Formation donnée"
    EVENT = "event", "Événement"
    PARTNERSHIP = "partnership", "Partenariat"
