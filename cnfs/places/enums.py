from django.db import models


class Access(models.TextChoices):
    WALK_IN = "walk_in", "Accès libre"
    APPOINTMENT = "appointment", "Sur rendez-vous"
    NOT_PUBLIC = "not_public", "Non ouvert au public"


class Service(models.TextChoices):
    """Services offered, in the words of the "lieux de médiation numérique" standard."""

    EVERYDAY_USES = "Maîtriser les bases du numérique", "Maîtriser les bases du numérique"
    ONLINE_PROCEDURES = (
        "Réaliser des démarches administratives avec un accompagnement",
        "Réaliser des démarches administratives avec un accompagnement",
    )
    SECURITY = "Navigation sécurisée", "Navigation sécurisée"
    DEVICES = (
        "Prendre en main un équipement informatique",
        "Prendre en main un équipement informatique",
    )
    JOB = (
        "Accompagner dans l’insertion professionnelle",
        "Accompagner dans l’insertion professionnelle",
    )
    CHILDREN = (
        "Soutenir la parentalité et l’éducation avec le numérique",
        "Soutenir la parentalité et l’éducation avec le numérique",
    )
    CREATION = "Créer avec le numérique", "Créer avec le numérique"
    AWARENESS = "Comprendre les enjeux du numérique", "Comprendre les enjeux du numérique"


class Public(models.TextChoices):
    EVERYONE = "Tout public", "Tout public"
    YOUTH = "Jeunes (16-26 ans)", "Jeunes (16-26 ans)"
    SENIORS = "Seniors (+ 65 ans)", "Seniors (+ 65 ans)"
    FAMILIES = "Familles et/ou enfants", "Familles et/ou enfants"
    JOB_SEEKERS = "Personnes en insertion professionnelle", "Personnes en insertion professionnelle"
    DISABILITY = "Personnes en situation de handicap", "Personnes en situation de handicap"


class Fees(models.TextChoices):
    FREE = "Gratuit", "Gratuit"
    FREE_UNDER_CONDITIONS = "Gratuit sous condition", "Gratuit sous condition"
    PAID = "Payant", "Payant"
