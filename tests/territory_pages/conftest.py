from datetime import date, timedelta

import pytest
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.contracts.enums import ContractStatus, TrainingStatus
from cnfs.contracts.models import Contract, Training
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.structures.enums import StructureStatus
from tests import factories


def recruit(structure, *, status=ContractStatus.ACTIVE, training=None) -> Contract:
    """A validated recruitment in ``structure`` (in post, or ended), with its training."""
    candidate = factories.CandidateFactory(
        commune=structure.commune, in_post=status == ContractStatus.ACTIVE
    )
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=structure,
        status=ProposalStatus.RECRUITED,
        distance_km=1,
        score=1,
    )
    contract = Contract.objects.create(
        proposal=proposal,
        candidate=candidate,
        structure=structure,
        kind="cdi",
        post=factories.post_for(structure),
        start_date=date(2021, 4, 12),
        weekly_hours=35,
        gross_monthly_salary_cents=1_750_00,
        status=status,
        **(
            {"ended_on": date(2021, 12, 31), "end_reason": "resignation"}
            if status == ContractStatus.ENDED
            else {}
        ),
    )
    if training:
        # The stage follows the dates: started last month, completed or still running.
        started = timezone.localdate() + timedelta(
            days=10 if training == TrainingStatus.PLANNED else -30
        )
        dates = {"start_date": started, "end_date": started + timedelta(days=60)}
        if training == TrainingStatus.COMPLETED:
            dates["completed_on"] = started + timedelta(days=20)
        Training.objects.create(contract=contract, **dates)
    return contract


# The Jura of the press release: 13 advisors recruited by 9 structures.
JURA_STRUCTURES = [
    ("ECLA — Espace Communautaire Lons Agglomération", "Lons-le-Saunier", 3),
    ("Communauté de communes du Grand Dole", "Dole", 2),
    ("Communauté de communes Haut-Jura Saint-Claude", "Saint-Claude", 2),
    ("Communauté de communes Porte du Jura", "Saint-Amour", 1),
    ("Communauté de communes Arbois Poligny Salins Cœur du Jura", "Poligny", 1),
    ("Fab Lab Bresse Haute Seille", "Bletterans", 1),
    ("L’Atelier des Savoir-Faire", "Ravilloles", 1),
    ("Ligue de l’enseignement du Jura", "Lons-le-Saunier", 1),
    ("Secours populaire du Jura", "Lons-le-Saunier", 1),
]


@pytest.fixture
def jura_story(jura):
    structures = []
    for n, (name, commune, posts) in enumerate(JURA_STRUCTURES):
        structure = factories.StructureFactory(
            name=name,
            status=StructureStatus.VALIDATED,
            granted_posts=posts,
            occupied_posts=posts,
            committed_subsidy_cents=posts * 50_000_00,
            commune__name=commune,
            commune__insee=f"39{n + 100:03d}",
            commune__departement=jura,
        )
        for k in range(posts):
            recruit(structure, training=TrainingStatus.COMPLETED if k else None)
        structures.append(structure)
    # Not hosting anyone: an application still under review and a structure not yet recruiting.
    factories.StructureFactory(name="Mairie candidate", commune__departement=jura)
    factories.StructureFactory(
        name="Structure sans recrutement", validated=True, commune__departement=jura
    )
    return structures


@pytest.fixture
def hautes_alpes(db):
    region = factories.RegionFactory(code="93", name="Provence-Alpes-Côte d’Azur")
    return factories.DepartementFactory(code="05", name="Hautes-Alpes", region=region)


HAUTES_ALPES_POSTS = [1, 1, 1, 1, 1, 1, 1, 4, 4, 1, 1, 1]


@pytest.fixture
def hautes_alpes_story(hautes_alpes):
    return [
        factories.StructureFactory(
            name=f"Structure des Hautes-Alpes {n}",
            status=StructureStatus.VALIDATED,
            granted_posts=posts,
            committed_subsidy_cents=posts * 50_000_00,
            commune__insee=f"05{n + 1:03d}",
            commune__departement=hautes_alpes,
        )
        for n, posts in enumerate(HAUTES_ALPES_POSTS)
    ]


@pytest.fixture
def prefecture(jura):
    return factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])
