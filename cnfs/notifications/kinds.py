from django.db import models


class Kind(models.TextChoices):
    APPLICATION_RECEIVED = "application_received", "Candidature de structure enregistrée"
    OPINION_REQUESTED = "opinion_requested", "Avis du préfet demandé"
    OPINION_GIVEN = "opinion_given", "Avis du préfet rendu"
    COMMITTEE_DECISION = "committee_decision", "Décision du comité de sélection"
    NEW_PROPOSALS = "new_proposals", "Nouvelles propositions de candidats"
    RECRUITMENT_REQUESTED = "recruitment_requested", "Demande de recrutement"
    RECRUITMENT_VALIDATED = "recruitment_validated", "Recrutement validé"
    RECRUITMENT_REJECTED = "recruitment_rejected", "Recrutement refusé"
    CONTRACT_END_REQUESTED = "contract_end_requested", "Demande de fin de contrat"
    CONTRACT_END_VALIDATED = "contract_end_validated", "Fin de contrat validée"
    CONTRACT_ENDED = "contract_ended", "Contrat terminé"
    TRAINING_SCHEDULED = "training_scheduled", "Formation initiale programmée"
    TRAINING_CERTIFIED = "training_certified", "Certification obtenue"
    PAYMENT_MADE = "payment_made", "Versement effectué"
    INACTIVITY_REMINDER = "inactivity_reminder", "Relance : aucun compte rendu d’activité"
    CV_DELETION_WARNING = "cv_deletion_warning", "Suppression prochaine du CV"
    COORDINATION_INVITED = "coordination_invited", "Invitation d’un coordinateur"
    COORDINATION_ANSWERED = "coordination_answered", "Réponse à une invitation de coordination"
    MEMBERSHIP_DECLARED = "membership_declared", "Adhésion déclarée à un réseau"
    MEMBERSHIP_ANSWERED = "membership_answered", "Réponse d’un réseau à une adhésion"


#: Decisions that change a person's rights or money, and warnings before a deletion: they
#: are always sent (a person cannot switch them off).
ESSENTIAL = frozenset(
    {
        Kind.APPLICATION_RECEIVED,
        Kind.COMMITTEE_DECISION,
        Kind.RECRUITMENT_VALIDATED,
        Kind.RECRUITMENT_REJECTED,
        Kind.CONTRACT_END_VALIDATED,
        Kind.CONTRACT_ENDED,
        Kind.PAYMENT_MADE,
        Kind.CV_DELETION_WARNING,
    }
)

OPTIONAL = [kind for kind in Kind if kind not in ESSENTIAL]
