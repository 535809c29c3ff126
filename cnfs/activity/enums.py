"""The vocabulary of activity reports (DOMAIN §5.2), and the counters kept per day."""

from django.db import models


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", "Accompagnement individuel"
    WORKSHOP = "workshop", "Atelier collectif"
    ONE_OFF = "one_off", "Demande ponctuelle"


class Channel(models.TextChoices):
    PLACE = "place", "Dans un lieu d’activité"
    OTHER_PLACE = "other_place", "Dans un autre lieu"
    HOME = "home", "À domicile"
    REMOTE = "remote", "À distance (téléphone, visio)"


class Theme(models.TextChoices):
    EQUIPMENT = "equipment", "Équipement informatique"
    VOCABULARY = "vocabulary", "Vocabulaire numérique"
    INTERNET = "internet", "Naviguer sur internet"
    SECURITY = "security", "Sécurité"
    EMAIL = "email", "Courriels"
    COMMUNICATING = "communicating", "Échanger avec ses proches"
    WORD_PROCESSING = "word_processing", "Traitement de texte"
    CONTENT = "content", "Contenus numériques"
    JOB = "job", "Trouver un emploi"
    SMALL_BUSINESS = "small_business", "Accompagner une TPE"
    CHILD = "child", "Accompagner son enfant"
    PROCEDURES = "procedures", "Démarches en ligne"
    FRAUD = "fraud", "Fraude et harcèlement"
    HEALTH = "health", "Santé"
    SMARTPHONE = "smartphone", "Smartphone"
    BUDGET = "budget", "Budget"
    SCHOOLING = "schooling", "Scolarité"
    DIAGNOSIS = "diagnosis", "Diagnostic numérique"
    OTHER = "other", "Autre"


class Duration(models.TextChoices):
    """How a duration is entered: a bucket, or minutes in 15-minute steps."""

    UNDER_30 = "under_30", "Moins de 30 min"
    FROM_30_TO_60 = "30_60", "30 à 60 min"
    MINUTES = "minutes", "Durée précise"


class AgeBracket(models.TextChoices):
    UNDER_12 = "under_12", "Moins de 12 ans"
    FROM_12_TO_18 = "12_18", "12-18 ans"
    FROM_18_TO_35 = "18_35", "18-35 ans"
    FROM_35_TO_60 = "35_60", "35-60 ans"
    OVER_60 = "over_60", "Plus de 60 ans"


class Status(models.TextChoices):
    STUDENT = "student", "Scolarisé(e) ou étudiant(e)"
    JOB_SEEKER = "job_seeker", "Demandeur d’emploi"
    EMPLOYED = "employed", "En emploi"
    RETIRED = "retired", "Retraité(e)"
    UNKNOWN = "unknown", "Non renseigné ou hétérogène"


class Body(models.TextChoices):
    """Where a person is redirected."""

    CAF = "caf", "CAF"
    CPAM = "cpam", "CPAM"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    FRANCE_SERVICES = "france_services", "France Services"
    MAIRIE = "mairie", "Mairie"
    PREFECTURE = "prefecture", "Préfecture"
    TAX_OFFICE = "tax_office", "Centre des finances publiques"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CCAS = "ccas", "CCAS"
    MEDIATHEQUE = "mediatheque", "Médiathèque"
    OTHER = "other", "Autre organisme"


# Duration buckets of the statistics (DOMAIN §5.3), in minutes.
DURATION_BUCKETS = [
    ("0_30", 0, 30),
    ("30_60", 30, 60),
    ("60_120", 60, 120),
    ("120_plus", 120, None),
]

# The counters kept per (advisor, day, kind) and per (département, day, kind): each is a sum
# over the reports of that key, so every indicator of DOMAIN §5.3 is a sum of counters.
COUNTERS = (
    ["reports", "participants", "returning", "minutes"]
    + [f"duration_{name}" for name, _, _ in DURATION_BUCKETS]
    + [f"channel_{c}" for c in Channel.values]
    + [f"theme_{t}" for t in Theme.values]
    + [f"age_{a}" for a in AgeBracket.values]
    + [f"status_{s}" for s in Status.values]
    + ["followup_individual", "followup_workshop", "followup_redirected", "aidants_connect"]
    + [f"redirected_{b}" for b in Body.values]
)
