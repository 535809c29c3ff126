"""The contacts of the seeds' territories, for the demo (``seed_demo`` step)."""

from cnfs.demo.seeds import DEMO_DOMAIN
from cnfs.publicpages.models import TerritoryContact

DEMO_CONTACTS = {
    "39": (
        "Direction départementale des territoires du Jura (DDT)",
        "https://www.jura.gouv.fr",
    ),
    "05": ("Préfecture des Hautes-Alpes", "https://www.hautes-alpes.gouv.fr"),
}


def seed_territory_contacts(story: dict):
    for code, (organisation, url) in DEMO_CONTACTS.items():
        TerritoryContact.objects.get_or_create(
            departement_id=code,
            defaults={
                "organisation": organisation,
                "url": url,
                "email": f"conseiller-numerique-{code}@{DEMO_DOMAIN}",
            },
        )
