from django.db import models


class MaxDistance(models.IntegerChoices):
    KM_5 = 5, "5 km"
    KM_10 = 10, "10 km"
    KM_15 = 15, "15 km"
    KM_20 = 20, "20 km"
    KM_40 = 40, "40 km"
    KM_100 = 100, "100 km"
    ANYWHERE = 2000, "Partout"


class Situation(models.TextChoices):
    JOB_SEEKER = "job_seeker", "Demandeur d’emploi"
    EMPLOYED = "employed", "En emploi"
    IN_TRAINING = "in_training", "En formation"


class CandidateStatus(models.TextChoices):
    ACTIVE = "active", "Candidature active"
    WITHDRAWN = "withdrawn", "Candidature retirée"
