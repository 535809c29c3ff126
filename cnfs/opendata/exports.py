"""Open data rows (DOMAIN §6): pure functions from querysets to rows, one query each.

- places in the national standard "lieux de médiation numérique" v1.0.2 (32 columns);
- the same places as data·inclusion v1 structures and services;
- posts, advisors in post and subsidies per département and per validated structure.

Our places' vocabulary (``cnfs.places.enums``) predates v1.0.2 of the standard: the
mappings below translate it to the standard's and data·inclusion's words.
"""

import re
from collections.abc import Iterator

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cnfs.common.csvexport import Verbatim
from cnfs.common.money import from_cents
from cnfs.common.validators import fold
from cnfs.contracts.models import Contract, in_post_q
from cnfs.followup.figures import departement_figures
from cnfs.places.enums import Access, Fees, Public, Service
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.places.services import Label
from cnfs.structures.enums import LegalType, StructureStatus
from cnfs.structures.models import Structure
from cnfs.territories.models import Region

SOURCE = "Conseiller numérique France Services"
# data·inclusion names each producer by a slug, prefixed to every identifier.
DATA_INCLUSION_SOURCE = "conseiller-numerique"
NO_SIRET = "00000000000000"
SEPARATOR = "|"

# The 32 columns of the standard, in their order.
# fmt: skip below: a data table laid out by hand for reading.
LIEUX_FIELDS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]  # fmt: skip
LIEUX_REQUIRED = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"]

PHONE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")
POSTAL_CODE = re.compile(r"^\d{5}$")

SERVICES = {
    Service.EVERYDAY_USES: "Maîtrise des outils numériques du quotidien",
    Service.DEVICES: "Maîtrise des outils numériques du quotidien",
    Service.ONLINE_PROCEDURES: "Aide aux démarches administratives",
    Service.SECURITY: "Utilisation sécurisée du numérique",
    Service.JOB: "Insertion professionnelle via le numérique",
    Service.CHILDREN: "Parentalité et éducation avec le numérique",
    Service.CREATION: "Loisirs et créations numériques",
    Service.AWARENESS: "Compréhension du monde numérique",
}
# "Tout public" is the standard's default (no value); job seekers and disabilities have no
# word of their own there (data·inclusion has one: see DI_PUBLICS).
PUBLICS = {
    Public.YOUTH: "Jeunes",
    Public.SENIORS: "Seniors",
    Public.FAMILIES: "Familles et/ou enfants",
}
FEES = {
    Fees.FREE: "Gratuit",
    Fees.FREE_UNDER_CONDITIONS: "Gratuit sous condition",
    Fees.PAID: "Payant",
}
# Every exported place has advisors: it belongs to the "Conseillers numériques" programme.
PROGRAMME = "Conseillers numériques"
NATIONAL_PROGRAMMES = {
    Label.FRANCE_SERVICES: "France Services",
    Label.AIDANTS_CONNECT: "Aidants Connect",
    Label.GRANDE_ECOLE: "Grande école du numérique",
    Label.CAF: "Point d'accès numérique CAF",
}
TRAININGS_LABELS = {Label.FABRIQUE: "Fabriques de Territoire"}
OTHER_LABELS = {Label.APTIC: "APTIC", Label.CAMPUS_CONNECTE: "Campus connecté"}
# data·inclusion's typologies of structures, from the host structure's legal type.
TYPOLOGIES = {
    LegalType.COMMUNE: "MUNI",
    LegalType.EPCI: "EPCI",
    LegalType.DEPARTEMENT: "DEPT",
    LegalType.REGION: "REG",
    LegalType.ASSOCIATION: "ASSO",
}
# Advisors run individual accompaniments and collective workshops (DOMAIN §1).
ACCOMPANIMENT = ["Accompagnement individuel", "Dans un atelier collectif"]

# data·inclusion's few digital themes: online procedures have their own.
BASICS = "numerique--maitriser-les-fondamentaux-du-numerique"
DI_THEMES = {"Aide aux démarches administratives": "numerique--acceder-a-des-services-en-ligne"}
DI_FEES = {Fees.FREE: "gratuit", Fees.FREE_UNDER_CONDITIONS: "gratuit", Fees.PAID: "payant"}
DI_DESCRIPTIONS = {
    "Maîtrise des outils numériques du quotidien": (
        "Prendre en main un ordinateur, une tablette ou un smartphone, naviguer sur "
        "internet, envoyer des courriels et utiliser les services en ligne du quotidien."
    ),
    "Aide aux démarches administratives": (
        "Être accompagné pour réaliser ses démarches administratives en ligne et devenir "
        "autonome avec les sites des services publics."
    ),
    "Utilisation sécurisée du numérique": (
        "Apprendre à protéger ses données personnelles, reconnaître les arnaques et "
        "naviguer en sécurité."
    ),
    "Insertion professionnelle via le numérique": (
        "Utiliser le numérique pour chercher un emploi : CV, candidatures en ligne, "
        "sites de recherche d’emploi."
    ),
    "Parentalité et éducation avec le numérique": (
        "Suivre la scolarité de ses enfants en ligne et accompagner leurs usages du numérique."
    ),
    "Loisirs et créations numériques": (
        "Découvrir des usages créatifs du numérique : photo, vidéo, création de contenus."
    ),
    "Compréhension du monde numérique": (
        "Comprendre les enjeux du numérique, vérifier ses sources et maîtriser les réseaux sociaux."
    ),
}
GENERAL_SERVICE = "Accompagnement au numérique"
DI_DESCRIPTIONS[GENERAL_SERVICE] = (
    "Un conseiller numérique France Services accompagne chacun dans ses usages du "
    "numérique : équipements, démarches en ligne, sécurité."
)
DI_PUBLICS = {
    Public.YOUTH: "jeunes",
    Public.SENIORS: "seniors",
    Public.FAMILIES: "familles",
    Public.JOB_SEEKERS: "demandeurs-emploi",
    Public.DISABILITY: "personnes-en-situation-de-handicap",
}
DI_NETWORKS = {
    Label.FRANCE_SERVICES: "france-service",
    Label.AIDANTS_CONNECT: "aidants-connect",
    Label.CAMPUS_CONNECTE: "campus-connecte",
    Label.FABRIQUE: "fabrique-de-territoire",
    Label.GRANDE_ECOLE: "grandes-ecoles-du-numerique",
}


def _join(values) -> str:
    return SEPARATOR.join(dict.fromkeys(v for v in values if v))


def _mapped(values, mapping: dict) -> list[str]:
    return list(dict.fromkeys(mapping[v] for v in values or [] if v in mapping))


def _coordinate(value) -> str:
    return "" if value is None else Verbatim(repr(round(float(value), 6)))


def _one_line(text: str) -> str:
    """Names and addresses on one line (input refuses line breaks; older rows may have some)."""
    return " ".join(text.split())


# Places ------------------------------------------------------------------------------------


def published_places():
    """Public, active places where at least one advisor is in post; one query."""
    in_post = (
        PlaceAdvisor.objects.filter(
            in_post_q(timezone.localdate(), "advisor__candidate__contracts__"), place=OuterRef("pk")
        )
        .order_by()
        .values("place")
        .annotate(n=Count("advisor", distinct=True))
        .values("n")
    )
    return (
        Place.objects.public()
        .annotate(advisors_in_post=Coalesce(Subquery(in_post), 0, output_field=IntegerField()))
        .filter(advisors_in_post__gt=0)
        .select_related("commune", "structure")
        .order_by("pk")
    )


def place_id(place) -> str:
    """Stable: the primary key never changes."""
    return f"lieu-{place.pk}"


def access_modes(place) -> list[str]:
    if place.access == Access.NOT_PUBLIC:
        return ["Ce lieu n'accueille pas de public"]
    modes = ["Se présenter"] if place.access == Access.WALK_IN else []
    if place.phone:
        modes.append("Téléphoner")
    if place.email:
        modes.append("Contacter par mail")
    return modes


def summary(place) -> str:
    count = place.advisors_in_post
    who = "un conseiller numérique" if count == 1 else f"{count} conseillers numériques"
    how = "itinérant" if place.itinerant else "fixe"
    return f"Lieu {how} où {who} France Services accompagne{'nt' if count > 1 else ''} le public."


def lieu_row(place) -> dict:
    """One place in the standard's words; ``place`` comes from ``published_places()``."""
    commune, structure = place.commune, place.structure
    labels = place.labels or []
    return {
        "id": place_id(place),
        "pivot": place.siret or NO_SIRET,
        "nom": _one_line(place.name),
        "commune": commune.name,
        "code_postal": commune.main_postal_code,
        "code_insee": commune.insee,
        "adresse": _one_line(place.address),
        "complement_adresse": "",
        "latitude": _coordinate(place.latitude),
        "longitude": _coordinate(place.longitude),
        "typologie": TYPOLOGIES.get(structure.legal_type, "") if structure else "",
        "telephone": Verbatim(place.phone) if PHONE.match(place.phone or "") else "",
        "courriels": place.email,
        "site_web": place.website,
        "horaires": place.opening_hours,
        "presentation_resume": summary(place),
        "presentation_detail": "",
        "source": SOURCE,
        "itinerance": "Itinérant" if place.itinerant else "Fixe",
        "structure_parente": _one_line(structure.name) if structure else "",
        "date_maj": timezone.localdate(place.updated_at).isoformat(),
        "services": _join(_mapped(place.services, SERVICES)),
        "publics_specifiquement_adresses": _join(_mapped(place.publics, PUBLICS)),
        "prise_en_charge_specifique": "",
        "frais_a_charge": FEES.get(place.fees, ""),
        "dispositif_programmes_nationaux": _join(
            [*_mapped(labels, NATIONAL_PROGRAMMES), PROGRAMME]
        ),
        "formations_labels": _join(_mapped(labels, TRAININGS_LABELS)),
        "autres_formations_labels": _join(_mapped(labels, OTHER_LABELS)),
        "modalites_acces": _join(access_modes(place)),
        "modalites_accompagnement": _join(ACCOMPANIMENT),
        "fiche_acces_libre": "",
        "prise_rdv": place.appointment_url,
    }


def is_complete(row: dict) -> bool:
    """The standard's required fields are filled (a commune without a postal code is not)."""
    return all(row[name] for name in LIEUX_REQUIRED) and bool(POSTAL_CODE.match(row["code_postal"]))


def lieux_rows(places) -> Iterator[list[str]]:
    rows = (lieu_row(place) for place in places)
    return ([row[name] for name in LIEUX_FIELDS] for row in rows if is_complete(row))


# data·inclusion ---------------------------------------------------------------------------


def _di_id(place) -> str:
    return f"{DATA_INCLUSION_SOURCE}--{place_id(place)}"


def _di_name(place) -> str:
    """3 to 150 characters, not ending with a full stop."""
    name = place.name.strip().rstrip(".")
    if len(name) < 3:
        name = f"{name} – {place.commune.name}"
    return name[:150]


def _di_location(place) -> dict:
    commune = place.commune
    return {
        "commune": commune.name,
        "code_postal": commune.main_postal_code or None,
        "code_insee": commune.insee,
        "adresse": place.address.strip(),
        "complement_adresse": None,
        "longitude": place.longitude,
        "latitude": place.latitude,
        "telephone": place.phone or None,
        "courriel": place.email or None,
    }


def di_structure(place) -> dict:
    """The place as a data·inclusion v1 structure."""
    networks = [DI_NETWORKS[label] for label in place.labels or [] if label in DI_NETWORKS]
    return {
        "source": DATA_INCLUSION_SOURCE,
        "id": _di_id(place),
        "nom": _di_name(place),
        "date_maj": timezone.localdate(place.updated_at).isoformat(),
        "description": summary(place),
        "lien_source": None,
        "siret": place.siret or None,
        **_di_location(place),
        "site_web": place.website or None,
        "horaires_accueil": place.opening_hours or None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": sorted({"conseillers-numeriques", *networks}),
    }


def _di_publics(place) -> list[str]:
    """``tous-publics`` stands alone (data·inclusion's rule)."""
    publics = place.publics or []
    specific = sorted({DI_PUBLICS[p] for p in publics if p in DI_PUBLICS})
    if Public.EVERYONE in publics or not specific:
        return ["tous-publics"]
    return specific


def _di_mobilisation(place) -> list[str]:
    modes = []
    if place.access == Access.WALK_IN:
        modes.append("se-presenter")
    if place.phone:
        modes.append("telephoner")
    if place.email:
        modes.append("envoyer-un-courriel")
    if place.appointment_url:
        modes.append("utiliser-lien-mobilisation")
    return modes


def di_services(place) -> list[dict]:
    """The place's services (one per service of the standard; a general one when none)."""
    offered = _mapped(place.services, SERVICES) or [GENERAL_SERVICE]
    modes = _di_mobilisation(place)
    conditional = place.fees == Fees.FREE_UNDER_CONDITIONS
    rows = []
    for name in offered:
        slug = re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")
        rows.append(
            {
                "source": DATA_INCLUSION_SOURCE,
                "structure_id": _di_id(place),
                "id": f"{_di_id(place)}--{slug}",
                "nom": name,
                "description": DI_DESCRIPTIONS[name],
                "lien_source": None,
                "date_maj": timezone.localdate(place.updated_at).isoformat(),
                "type": "accompagnement",
                "thematiques": [DI_THEMES.get(name, BASICS)],
                "frais": DI_FEES.get(place.fees),
                "frais_precisions": "Gratuit sous condition" if conditional else None,
                "publics": _di_publics(place),
                "publics_precisions": None,
                "conditions_acces": None,
                **_di_location(place),
                "modes_accueil": ["en-presentiel"],
                "zone_eligibilite": [place.commune.departement_id],
                "contact_nom_prenom": None,
                "lien_mobilisation": place.appointment_url or None,
                # The booking link, under data·inclusion's historical name as well.
                "prise_rdv": place.appointment_url or None,
                "modes_mobilisation": modes or None,
                "mobilisable_par": ["usagers", "professionnels"],
                "mobilisation_precisions": None,
                "volume_horaire_hebdomadaire": None,
                "nombre_semaines": None,
                "horaires_accueil": place.opening_hours or None,
            }
        )
    return rows


def _ascii(text: str) -> str:
    return fold(text, lower=False)


# Posts and structures ----------------------------------------------------------------------

DEPARTEMENT_COLUMNS = {
    "code_departement": "code INSEE du département",
    "nom_departement": "nom du département",
    "code_region": "code INSEE de la région",
    "nom_region": "nom de la région",
    "postes_attribues": "postes attribués par le comité de sélection",
    "structures_validees": "structures accueillantes validées",
    "conseillers_en_poste": "conseillers dont le contrat est en cours",
    "subvention_engagee_euros": "subvention engagée par l’État, en euros (point décimal)",
}
STRUCTURE_COLUMNS = {
    "siret": "SIRET de la structure",
    "nom": "nom de la structure",
    "type_juridique": "type juridique",
    "code_insee_commune": "code INSEE de la commune",
    "commune": "nom de la commune",
    "code_departement": "code INSEE du département",
    "postes_attribues": "postes attribués par le comité de sélection",
    "conseillers_en_poste": "conseillers dont le contrat est en cours",
    "subvention_engagee_euros": "subvention engagée par l’État, en euros (point décimal)",
}
DEPARTEMENT_FIELDS = list(DEPARTEMENT_COLUMNS)
STRUCTURE_FIELDS = list(STRUCTURE_COLUMNS)


def _amount(cents: int) -> Verbatim:
    """Euros with a decimal point, no thousands separator: 900000.00."""
    return Verbatim(f"{from_cents(cents):.2f}")


def _in_post(group_by: str) -> dict:
    return dict(
        Contract.objects.in_post()
        .values_list(group_by)
        .annotate(n=Count("candidate", distinct=True))
        .order_by()
    )


def departement_rows() -> list[list]:
    """Every département, with the follow-up figures (five queries in all)."""
    regions = dict(Region.objects.values_list("code", "name"))
    advisors = _in_post("structure__departement_id")
    return [
        [
            row.code,
            row.name,
            row.region_code,
            regions.get(row.region_code, ""),
            row.posts_granted,
            row.applications.get(StructureStatus.VALIDATED, 0),
            advisors.get(row.code, 0),
            _amount(row.committed_cents),
        ]
        for row in departement_figures()
    ]


def structure_rows() -> list[list]:
    """Validated structures, without any contact, one row per SIRET (two queries).

    Two validated applications with the same SIRET (a duplicate granted with a reason, or
    two establishments) are one legal entity: their posts, advisors and subsidies add up
    under the first application's name and commune."""
    advisors = _in_post("structure_id")
    structures = (
        Structure.objects.filter(status=StructureStatus.VALIDATED)
        .select_related("commune")
        .order_by("siret", "created_at", "pk")
    )
    rows: dict[str, list] = {}
    for s in structures:
        row = rows.get(s.siret)
        if row is None:
            rows[s.siret] = [
                s.siret,
                s.name,
                s.get_legal_type_display(),
                s.commune_id,
                s.commune.name,
                s.departement_id,
                s.granted_posts,
                advisors.get(s.pk, 0),
                s.committed_subsidy_cents,
            ]
        else:
            row[6] += s.granted_posts
            row[7] += advisors.get(s.pk, 0)
            row[8] += s.committed_subsidy_cents
    ordered = sorted(rows.values(), key=lambda row: (row[5], row[1], row[0]))
    return [[*row[:8], _amount(row[8])] for row in ordered]
