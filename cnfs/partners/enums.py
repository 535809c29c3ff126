from django.db import models


class Scope(models.TextChoices):
    """What a partner's key may read. The first three are public data anyway (a key raises
    the rate limit); ``structures:read`` opens non-public data, within the key's territory."""

    PLACES = "places:read", "Lieux d’activité (données publiques)"
    TERRITORIES = "territories:read", "Chiffres des territoires (données publiques)"
    STATS = "stats:read", "Statistiques d’activité (données publiques)"
    STRUCTURES = "structures:read", "Structures accueillantes (données non publiques)"
