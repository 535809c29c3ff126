from django.db import models


class LegalType(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité (EPCI)"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    OTHER_PUBLIC = "other_public", "Autre organisme public"
    ASSOCIATION = "association", "Association"
    ESS_COMPANY = "ess_company", "Entreprise de l’économie sociale et solidaire"


PRIVATE_LEGAL_TYPES = {LegalType.ASSOCIATION, LegalType.ESS_COMPANY}


class EmployerCategory(models.TextChoices):
    PUBLIC = "public", "Employeur public"
    PRIVATE = "private", "Employeur privé à but non lucratif"


class StructureStatus(models.TextChoices):
    SUBMITTED = "submitted", "Candidature déposée"
    COMPLEMENTARY_REVIEW = "complementary_review", "Examen complémentaire"
    VALIDATED = "validated", "Validée"
    REFUSED = "refused", "Refusée"
    ABANDONED = "abandoned", "Abandonnée"
    CANCELLED = "cancelled", "Annulée"
    DUPLICATE = "duplicate", "Doublon"


class RequestKind(models.TextChoices):
    APPLICATION = "application", "Candidature"
    ADDITION = "addition", "Avenant : ajout de postes"
    GIVEBACK = "giveback", "Avenant : rendu de postes"


class RequestStatus(models.TextChoices):
    OPEN = "open", "En cours d’instruction"
    DECIDED = "decided", "Décidée"
    WITHDRAWN = "withdrawn", "Retirée"


class AdditionReason(models.TextChoices):
    STRENGTHEN_TEAM = "strengthen_team", "Renforcer l’équipe"
    DEVELOP_OFFER = "develop_offer", "Développer l’offre"
    STRONG_DEMAND = "strong_demand", "Forte demande"


class GivebackReason(models.TextChoices):
    NEED_NOT_JUSTIFIED = "need_not_justified", "Besoin plus justifié"
    RECRUITMENT_DIFFICULTIES = "recruitment_difficulties", "Difficultés de recrutement"
    FINANCIAL_CAPACITY = "financial_capacity", "Capacité financière"
    LACK_OF_VISIBILITY = "lack_of_visibility", "Manque de visibilité"
    END_OF_FUNDING = "end_of_funding", "Fin du financement"


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    UNFAVOURABLE = "unfavourable", "Défavorable"


COMMITMENTS = [
    ("commitment_recruit", "Faire au mieux pour recruter le candidat présenté par la plateforme"),
    (
        "commitment_contract",
        "Signer un contrat de travail (fonctionnaire ou contractuel) "
        "au plus tard à la prise de poste",
    ),
    ("commitment_training", "Permettre au conseiller de suivre sa formation initiale"),
    ("commitment_missions", "Confier au conseiller les trois missions prioritaires"),
    ("commitment_means", "Fournir au conseiller les moyens et l’équipement nécessaires"),
]
