from django.db import models


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposé"
    SHORTLISTED = "shortlisted", "Présélectionné"
    DECLINED = "declined", "Refusé par la structure"
    RECRUITMENT_REQUESTED = "recruitment_requested", "Recrutement demandé"
    RECRUITED = "recruited", "Recruté"
    ENDED = "ended", "Contrat terminé"
    WITHDRAWN = "withdrawn", "Retiré"


OPEN_STATUSES = [ProposalStatus.PROPOSED, ProposalStatus.SHORTLISTED]

# From shortlisting on, the structure knows who the candidate is and may contact him or her.
REVEALED_STATUSES = {
    ProposalStatus.SHORTLISTED,
    ProposalStatus.RECRUITMENT_REQUESTED,
    ProposalStatus.RECRUITED,
    ProposalStatus.ENDED,
}


class DeclineReason(models.TextChoices):
    PROFILE = "profile", "Le profil ne correspond pas au poste"
    DISTANCE = "distance", "Trop éloigné du lieu de travail"
    AVAILABILITY = "availability", "Disponibilité incompatible"
    NO_ANSWER = "no_answer", "Le candidat ne répond pas"
    CANDIDATE_DECLINED = "candidate_declined", "Le candidat a décliné"
    OTHER = "other", "Autre motif"


class Origin(models.TextChoices):
    ENGINE = "engine", "Proposé par la plateforme"
    NAMED = "named", "Candidat nommé par la structure"
    MANUAL = "manual", "Trouvé par la structure"
