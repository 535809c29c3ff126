from django.db import models


class Role(models.TextChoices):
    NATIONAL = "national", "Équipe nationale (ANCT)"
    PREFECTURE = "prefecture", "Préfecture"
    STRUCTURE = "structure", "Structure accueillante"
    CANDIDATE = "candidate", "Candidat"
    ADVISOR = "advisor", "Conseiller numérique"
    FINANCIAL = "financial", "Opérateur financier"
