from django.db import models


class PostKind(models.TextChoices):
    """The nature of a post (DOMAIN §8): it sets the subsidy rate; a coordination post
    counts within the cap and the envelope like any other (re-exported by
    ``cnfs.posts.enums``, the posts' home)."""

    ADVISOR = "advisor", "Conseiller numérique"
    COORDINATION = "coordination", "Conseiller numérique coordinateur"


class RateZone(models.TextChoices):
    """Territories with their own subsidy rate (DOMAIN §1)."""

    MAINLAND = "mainland", "Métropole"
    ANTILLES_GUYANE = "antilles_guyane", "Guadeloupe, Martinique, Guyane"
    REUNION_MAYOTTE = "reunion_mayotte", "La Réunion, Mayotte"


ZONE_OF_DEPARTEMENT = {
    "971": RateZone.ANTILLES_GUYANE,
    "972": RateZone.ANTILLES_GUYANE,
    "973": RateZone.ANTILLES_GUYANE,
    "974": RateZone.REUNION_MAYOTTE,
    "976": RateZone.REUNION_MAYOTTE,
}


def zone_of(departement_code: str) -> str:
    return ZONE_OF_DEPARTEMENT.get(departement_code, RateZone.MAINLAND)


class PostFundingStatus(models.TextChoices):
    RUNNING = "running", "En cours"
    COMPLETED = "completed", "Terminé"
    ENDED_EARLY = "ended_early", "Interrompu"


class UnspentOutcome(models.TextChoices):
    CARRIED = "carried", "Reporté sur le conseiller suivant"
    TO_RECOVER = "to_recover", "À reverser"
