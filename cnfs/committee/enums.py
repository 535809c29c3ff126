from django.db import models


class SessionStatus(models.TextChoices):
    OPEN = "open", "En préparation"
    CLOSED = "closed", "Clôturée"


class Decision(models.TextChoices):
    GRANTED = "granted", "Postes accordés"
    REFUSED = "refused", "Refus"
    COMPLEMENTARY_REVIEW = "complementary_review", "Examen complémentaire"
