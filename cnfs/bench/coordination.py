"""Coordinator, hub and network boards at national scale (the demo's ``scale=1`` and the
September 2022 recruitments): the largest scopes of each role.

- the coordinator of the demo coordinates every advisor in post in Auvergne-Rhône-Alpes
  (a territory of twelve départements);
- the demo's hub covers Auvergne-Rhône-Alpes too (its région is widened for the measure);
- the demo's network has every validated structure of three régions as confirmed members.
"""

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.bench.registry import (
    Figure,
    benchmark,
    ensure_national_recruitments,
    ensure_national_scale,
    time_page,
)
from cnfs.contracts.models import Contract
from cnfs.coordination.enums import MembershipStatus
from cnfs.coordination.models import Coordinator, Hub, Membership, Network
from cnfs.demo.building import HUB_NAME, NETWORK_NAME
from cnfs.demo.seeds import DEMO_DOMAIN
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement

REGION = "84"  # Auvergne-Rhône-Alpes: the most populated région after Île-de-France
NETWORK_REGIONS = ("84", "11", "76")


def _widen_scopes() -> dict:
    coordinator = Coordinator.objects.get(user__email=f"coordinateur@{DEMO_DOMAIN}")
    coordinator.departements.set(Departement.objects.filter(region_id=REGION))
    Hub.objects.filter(name=HUB_NAME).update(region_id=REGION)
    network = Network.objects.get(name=NETWORK_NAME)
    members = Structure.objects.filter(
        status=StructureStatus.VALIDATED, departement__region_id__in=NETWORK_REGIONS
    ).exclude(network_memberships__network=network)
    Membership.objects.bulk_create(
        [
            Membership(network=network, structure=s, status=MembershipStatus.CONFIRMED)
            for s in members
        ],
        batch_size=2000,
    )
    return {
        "advisors": Contract.objects.in_post()
        .filter(structure__departement__region_id=REGION)
        .count(),
        "members": Membership.objects.filter(
            network=network, status=MembershipStatus.CONFIRMED
        ).count(),
    }


@benchmark
def coordination_boards():
    story = ensure_national_scale()
    ensure_national_recruitments()
    sizes = _widen_scopes()
    home, _ = time_page("/", user=story["national"])
    account = User.objects.get
    coordinator, q_coordinator = time_page(
        "/coordination/coordinateur/",
        user=account(email=f"coordinateur@{DEMO_DOMAIN}"),
        role=Role.COORDINATOR,
    )
    hub, q_hub = time_page("/coordination/hub/", user=account(email=f"hub-bfc@{DEMO_DOMAIN}"))
    network, q_network = time_page(
        "/coordination/reseau/", user=account(email=f"reseau-ligue@{DEMO_DOMAIN}")
    )
    note = "référence : la page d’accueil ; objectif : moins de 300 ms"
    return [
        Figure(
            "coordination : tableau du coordinateur",
            coordinator,
            "ms",
            home,
            f"{sizes['advisors']} conseillers en poste coordonnés ; {q_coordinator} requêtes "
            f"SQL ; {note}",
        ),
        Figure(
            "coordination : tableau du hub territorial",
            hub,
            "ms",
            home,
            f"une région ; {q_hub} requêtes SQL ; {note}",
        ),
        Figure(
            "coordination : tableau du réseau national",
            network,
            "ms",
            home,
            f"{sizes['members']} membres confirmés ; {q_network} requêtes SQL ; {note}",
        ),
    ]
