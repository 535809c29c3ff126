"""Builds the demo: deterministic, idempotent, one step per business area.

Later features add their step to STEPS (and their national-scale data to SCALE_STEPS).
"""

import random

from django.db import transaction

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.accounts.services import grant_role
from cnfs.demo.seeds import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    HAUTES_ALPES_STRUCTURES,
    JURA_STRUCTURES,
)
from cnfs.structures.models import Structure
from cnfs.territories.models import Commune, Departement


def _user(local_part: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=f"{local_part}@{DEMO_DOMAIN}",
        defaults={"first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _structure(name: str, insee: str) -> Structure:
    structure = Structure.objects.filter(name=name).first()
    if structure is None:
        structure = Structure(name=name, commune=Commune.objects.get(pk=insee))
        structure.save()
    return structure


def seed_structures(story: dict):
    story["jura"] = [_structure(name, insee) for name, insee in JURA_STRUCTURES]
    story["hautes_alpes"] = [_structure(name, insee) for name, insee, _ in HAUTES_ALPES_STRUCTURES]


def seed_users(story: dict):
    """One demo account per role; the console prints them (see DEMO_ACCOUNTS)."""
    jura = Departement.objects.get(pk="39")
    national = _user("anct", "Camille", "National")
    grant_role(national, Role.NATIONAL)
    prefecture = _user("prefecture-jura", "Dominique", "Préfecture")
    grant_role(prefecture, Role.PREFECTURE, departement=jura)
    manager = _user("structure", "Claude", "Gestionnaire")
    grant_role(manager, Role.STRUCTURE, structure=story["jura"][0])
    grant_role(manager, Role.STRUCTURE, structure=story["jura"][7])
    grant_role(_user("candidat", "Alex", "Candidat"), Role.CANDIDATE)
    advisor = _user("conseiller", "Sacha", "Conseiller")
    grant_role(advisor, Role.ADVISOR)
    grant_role(_user("banque-des-territoires", "Morgan", "Financeur"), Role.FINANCIAL)
    # A person holding two roles, to show the role switch.
    multi = _user("multi-roles", "Lou", "Multirôle")
    grant_role(multi, Role.ADVISOR)
    grant_role(multi, Role.STRUCTURE, structure=story["jura"][1])


DEMO_ACCOUNTS = [
    ("Équipe nationale (ANCT)", "anct"),
    ("Préfecture du Jura", "prefecture-jura"),
    ("Structure accueillante (ECLA, Ligue de l’enseignement)", "structure"),
    ("Candidat", "candidat"),
    ("Conseiller numérique", "conseiller"),
    ("Opérateur financier (Banque des Territoires)", "banque-des-territoires"),
    ("Plusieurs rôles (conseiller + structure)", "multi-roles"),
]

STEPS = [seed_structures, seed_users]


def seed_synthetic_structures(rng: random.Random, count: int):
    """``count`` structures in communes drawn in proportion to their population."""
    existing = Structure.objects.filter(name__startswith="Structure synthétique ").count()
    if existing >= count:
        return
    communes = list(
        Commune.objects.filter(population__gt=0).values_list(
            "insee", "departement_id", "population"
        )
    )
    weights = [population for _, _, population in communes]
    picked = rng.choices(communes, weights=weights, k=count - existing)
    Structure.objects.bulk_create(
        [
            Structure(
                name=f"Structure synthétique {existing + i + 1:05d}",
                commune_id=insee,
                departement_id=departement,
            )
            for i, (insee, departement, _) in enumerate(picked)
        ],
        batch_size=2000,
    )


SCALE_STEPS = [lambda rng, scale: seed_synthetic_structures(rng, int(2937 * scale))]


@transaction.atomic
def build_demo(*, scale: float = 0.0) -> dict:
    story: dict = {}
    for step in STEPS:
        step(story)
    if scale > 0:
        rng = random.Random(2021)
        for step in SCALE_STEPS:
            step(rng, scale)
    return story
