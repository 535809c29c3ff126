"""The contacts of the seeds' territories, for the demo (``seed_demo`` step).

The Jura's is the one its prefecture's press release gives for any registration or
question: the Direction départementale des territoires, by telephone or e-mail. The
Hautes-Alpes' release gives no contact but its prefecture's site: no address is made up.
"""

from cnfs.publicpages.models import TerritoryContact

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
