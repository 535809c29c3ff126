"""The contacts of the seeds' territories, for the demo (``seed_demo`` step).

The Jura's is the one its prefecture's press release gives for any registration or
question: the Direction départementale des territoires, by telephone or e-mail. The
Hautes-Alpes' release gives no contact but its prefecture's site: no address is made up.
"""

from django.core.files.base import ContentFile

from cnfs.publicpages.models import Question, Resource, ResourceTag, TerritoryContact

DEMO_CONTACTS = {
    "39": {
        "organisation": "Direction départementale des territoires du Jura (DDT)",
        "phone": "03 84 86 81 36",
        "email": "ddt-scph@jura.gouv.fr",
        "url": "",
    },
    "05": {
        "organisation": "Préfecture des Hautes-Alpes",
        "phone": "",
        "email": "",
        "url": "https://www.hautes-alpes.gouv.fr",
    },
}


def seed_territory_contacts(story: dict):
    for code, contact in DEMO_CONTACTS.items():
        TerritoryContact.objects.update_or_create(departement_id=code, defaults=contact)


# The questions the press releases answer, in their words.
DEMO_QUESTIONS = [
    (
        "Structures",
        "Comment une collectivité ou une association recrute-t-elle un conseiller numérique ?",
        "Elle dépose sa candidature sur la plateforme. Une fois ses postes attribués, la "
        "plateforme sélectionne des candidats inscrits et lui envoie des profils adaptés.\n\n"
        "La structure reste seule décideuse du recrutement : si elle refuse les profils "
        "présentés, elle en reçoit d’autres. Si elle a déjà repéré un candidat, elle le "
        "signale dans sa candidature.",
    ),
    (
        "Structures",
        "Quel soutien financier l’État apporte-t-il ?",
        "L’État prend en charge le poste pendant deux ans : 50 000 € par poste pour un "
        "employeur public de métropole. Il paie aussi toute la formation initiale du "
        "conseiller, ainsi que sa certification.",
    ),
    (
        "Structures",
        "À quoi la structure s’engage-t-elle ?",
        "À tout mettre en œuvre pour recruter le candidat présenté par la plateforme ; à "
        "signer un contrat de travail (titulaire ou contractuel) avant ou pendant la prise "
        "de poste ; à laisser le conseiller partir en formation ; à lui confier les trois "
        "missions prioritaires du dispositif ; à mettre à sa disposition les moyens et "
        "équipements nécessaires.",
    ),
    (
        "Structures",
        "Une bibliothèque peut-elle accueillir un conseiller numérique ?",
        "Oui. Les bibliothèques sont très clairement identifiées parmi les lieux de "
        "médiation numérique, et même prioritaires en ruralité : le comité de sélection voit "
        "les bibliothèques et médiathèques des communes rurales en tête de son ordre du jour.",
    ),
    (
        "Conseillers",
        "Que fait un conseiller numérique ?",
        "Il soutient les habitants dans leurs usages quotidiens du numérique, les "
        "sensibilise aux enjeux du numérique et à des usages citoyens et critiques, et les "
        "rend autonomes pour réaliser leurs démarches administratives en ligne.\n\n"
        "Il peut animer des ateliers bureautiques, aider à la prise en main de sites "
        "internet courants ou sensibiliser aux réseaux sociaux ; il peut être fixe ou "
        "mobile, selon les besoins de la structure.",
    ),
    (
        "Conseillers",
        "Comment le conseiller est-il formé ?",
        "Il suit une formation en début de parcours, de trois semaines à trois mois selon "
        "son niveau, prise en charge intégralement par l’État.",
    ),
    (
        "Contacts",
        "Qui contacter dans le Jura ?",
        "La Direction départementale des territoires du Jura : par téléphone au "
        "03 84 86 81 36 ou à l’adresse ddt-scph@jura.gouv.fr.",
    ),
]

# Kits for local structures: two files written from the programme's own words, and the
# public service the programme generalises.
DEMO_RESOURCES = [
    {
        "title": "Les trois missions du conseiller numérique",
        "description": "Une fiche à afficher en mairie, en bibliothèque ou au centre social "
        "pour présenter l’accompagnement proposé aux habitants.",
        "audience": "structures",
        "tags": ["Affiche", "Présentation du dispositif"],
        "file": (
            "trois-missions.txt",
            "Les trois missions du conseiller numérique France Services\n\n"
            "1. Soutenir les usages quotidiens du numérique : travailler à distance, "
            "consulter un médecin, vendre un objet, acheter en ligne.\n"
            "2. Sensibiliser aux enjeux du numérique : vérifier les sources, protéger ses "
            "données personnelles, maîtriser les réseaux sociaux, suivre la scolarité de "
            "ses enfants.\n"
            "3. Rendre autonome pour les démarches administratives en ligne : connaître "
            "les sites des services publics, s’inscrire, payer en ligne.\n",
        ),
    },
    {
        "title": "Kit d’accueil pour une bibliothèque rurale",
        "description": "Les engagements de la structure et les étapes du recrutement, pour "
        "une bibliothèque ou une médiathèque qui accueille son premier conseiller.",
        "audience": "bibliotheques",
        "tags": ["Bibliothèques", "Recrutement"],
        "file": (
            "kit-bibliotheque.txt",
            "Accueillir un conseiller numérique en bibliothèque\n\n"
            "- Déposer la candidature de la structure sur la plateforme.\n"
            "- Recevoir des profils adaptés ; rester seul décideur du recrutement.\n"
            "- Signer le contrat de travail avant ou pendant la prise de poste.\n"
            "- Laisser le conseiller partir en formation (trois semaines à trois mois).\n"
            "- Mettre à sa disposition les moyens et équipements nécessaires.\n",
        ),
    },
    {
        "title": "Aidants Connect",
        "description": "Le service public numérique qui permet aux aidants professionnels de "
        "réaliser des démarches en ligne pour le compte d’une personne, en sécurité.",
        "audience": "aidants",
        "tags": ["Démarches en ligne", "Aidants"],
        "url": "https://aidantsconnect.beta.gouv.fr/",
    },
]


def seed_faq_and_resources(story: dict):
    """The FAQ and a few kits (idempotent: nothing is added twice)."""
    for position, (category, question, answer) in enumerate(DEMO_QUESTIONS):
        Question.objects.get_or_create(
            question=question,
            defaults={"category": category, "answer": answer, "position": position},
        )
    for item in DEMO_RESOURCES:
        if Resource.objects.filter(title=item["title"]).exists():
            continue
        resource = Resource(
            title=item["title"],
            description=item["description"],
            audience=item["audience"],
            url=item.get("url", ""),
        )
        if "file" in item:
            name, content = item["file"]
            resource.file.save(name, ContentFile(content.encode()), save=False)
        resource.save()
        tags = [ResourceTag.objects.get_or_create(name=name)[0] for name in item["tags"]]
        resource.tags.set(tags)
