from datetime import timedelta

import pytest
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.structures.enums import COMMITMENTS
from tests import factories


@pytest.fixture
def dole(jura):
    return factories.CommuneFactory(
        insee="39198", name="Dole", search_name="dole", postal_codes="39100", departement=jura
    )


@pytest.fixture
def application_data(dole):
    """A complete, valid application as the public form posts it."""
    return {
        "legal_type": "epci",
        "name": "Communauté d’agglomération du Grand Dole",
        "siret": "200 070 563 00016",
        "address": "Place de l’Europe",
        "commune": dole.label,
        "contact_first_name": "Claire",
        "contact_last_name": "Vuillemin",
        "contact_role": "Directrice générale des services",
        "contact_email": "Claire.Vuillemin@grand-dole.fr",
        "contact_phone": "03 84 79 78 40",
        "posts_requested": "2",
        "desired_start_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "motivation": "Accompagner les habitants du territoire dans leurs démarches en ligne.",
        "label_france_services": "on",
        "identified_candidate": "",
        **{name: "on" for name, _ in COMMITMENTS},
    }


@pytest.fixture
def candidate(db):
    return factories.UserFactory(roles=[(Role.CANDIDATE, {})])


@pytest.fixture
def prefecture(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])


@pytest.fixture
def financial(db):
    return factories.UserFactory(roles=[(Role.FINANCIAL, {})])
