from django.db import models


class ContractKind(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    PEC = "pec", "Parcours emploi compétences (PEC)"
    PROJECT = "project", "Contrat de projet (public)"
    SECONDMENT = "secondment", "Fonctionnaire détaché ou mis à disposition"


OPEN_ENDED_KINDS = {ContractKind.CDI, ContractKind.SECONDMENT}


class ContractStatus(models.TextChoices):
    """Where the contract stands in its workflow. Whether the person is in post on a given
    day follows from the dates (``ContractQuerySet.in_post``): a validated contract starting
    next month is not in post yet, one whose end was validated stays in post until then."""

    REQUESTED = "requested", "Recrutement demandé"
    ACTIVE = "active", "Validé"
    END_REQUESTED = "end_requested", "Fin demandée"
    REJECTED = "rejected", "Recrutement refusé"
    ENDED = "ended", "Fin validée"


# A post is held by a contract requested, validated or whose end awaits validation
# (the post model names them: ``cnfs.posts.enums.HOLDING_CONTRACT_STATUSES``).
OCCUPYING_STATUSES = [ContractStatus.REQUESTED, ContractStatus.ACTIVE, ContractStatus.END_REQUESTED]
# Validated by the national team (in post between the contract's dates).
VALIDATED_STATUSES = [ContractStatus.ACTIVE, ContractStatus.END_REQUESTED, ContractStatus.ENDED]

FULL_TIME_HOURS = 35


class EndReason(models.TextChoices):
    DISMISSAL = "dismissal", "Licenciement"
    CDD_NOT_RENEWED = "cdd_not_renewed", "Non-renouvellement du CDD"
    RESIGNATION = "resignation", "Démission"
    CDI_ELSEWHERE = "cdi_elsewhere", "Passage en CDI dans une autre structure"
    END_OF_FUNDING = "end_of_funding", "Fin du financement"
    END_OF_TERM = "end_of_term", "Arrivée à terme"


class TrainingStatus(models.TextChoices):
    """A training's stage on a given day, derived from its dates (never stored)."""

    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    LATE = "late", "En retard"
    COMPLETED = "completed", "Terminée"
