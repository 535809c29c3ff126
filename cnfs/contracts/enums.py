from django.db import models


class ContractKind(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    PEC = "pec", "Parcours emploi compétences (PEC)"
    PROJECT = "project", "Contrat de projet (public)"
    SECONDMENT = "secondment", "Fonctionnaire détaché ou mis à disposition"


OPEN_ENDED_KINDS = {ContractKind.CDI, ContractKind.SECONDMENT}


class ContractStatus(models.TextChoices):
    REQUESTED = "requested", "Recrutement demandé"
    ACTIVE = "active", "En poste"
    REJECTED = "rejected", "Recrutement refusé"
    ENDED = "ended", "Terminé"


# A post is taken by a contract requested or in force.
OCCUPYING_STATUSES = [ContractStatus.REQUESTED, ContractStatus.ACTIVE]


class EndReason(models.TextChoices):
    DISMISSAL = "dismissal", "Licenciement"
    CDD_NOT_RENEWED = "cdd_not_renewed", "Non-renouvellement du CDD"
    RESIGNATION = "resignation", "Démission"
    CDI_ELSEWHERE = "cdi_elsewhere", "Passage en CDI dans une autre structure"
    END_OF_FUNDING = "end_of_funding", "Fin du financement"
    END_OF_TERM = "end_of_term", "Arrivée à terme"


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    COMPLETED = "completed", "Terminée"
