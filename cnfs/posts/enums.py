from django.db import models

from cnfs.funding.enums import PostKind

__all__ = ["PostKind"]


class PostStatus(models.TextChoices):
    """What the committee decided; whether the post is vacant, being filled or occupied on
    a given day follows from its contracts' statuses and dates (``PostQuerySet``)."""

    GRANTED = "granted", "Attribué"
    GIVEN_BACK = "given_back", "Rendu"
    CLOSED = "closed", "Clos"


class Occupancy(models.TextChoices):
    VACANT = "vacant", "Vacant"
    RECRUITING = "recruiting", "Recrutement en cours"
    OCCUPIED = "occupied", "Occupé"


# The contract statuses that hold a post: no second contract may be requested on it
# (a contract whose end was validated frees the post for the next recruitment).
HOLDING_CONTRACT_STATUSES = ("requested", "active", "end_requested")
# The statuses of a contract the national team validated (in post between its dates).
VALIDATED_CONTRACT_STATUSES = ("active", "end_requested", "ended")
