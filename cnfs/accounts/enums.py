from django.db import models


class Role(models.TextChoices):
    NATIONAL = "national", "Équipe nationale (ANCT)"
    PREFECTURE = "prefecture", "Préfecture"
    STRUCTURE = "structure", "Structure accueillante"
    CANDIDATE = "candidate", "Candidat"
    ADVISOR = "advisor", "Conseiller numérique"
    FINANCIAL = "financial", "Opérateur financier"
    # Their scope is a set of people or of members, which the coordination app resolves
    # (registered in ``cnfs.accounts.scope``): a coordinator's advisors, a hub's territory,
    # a network's confirmed members.
    COORDINATOR = "coordinator", "Conseiller numérique coordinateur"
    HUB = "hub", "Hub territorial"
    NETWORK = "network", "Réseau national"


# Who gives a second factor after the password (the administration's only users).
SECOND_FACTOR_ROLES = frozenset({Role.NATIONAL, Role.FINANCIAL})
