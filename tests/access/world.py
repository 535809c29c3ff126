"""Two of everything, one per side (A in the Jura, B in the Doubs), and a user of each role
on each side: what the access matrix requests pages and endpoints with."""

from dataclasses import dataclass, field
from datetime import date

from django.test import Client

from cnfs.accounts.enums import Role
from cnfs.activity.enums import Kind
from cnfs.committee import services as committee
from cnfs.committee.enums import Decision
from cnfs.contracts.enums import ContractStatus
from cnfs.contracts.models import Contract
from cnfs.coordination import services as coordination
from cnfs.coordination.models import Hub, Network
from cnfs.funding import services as funding
from cnfs.funding.models import Instalment
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.publicpages.models import Resource
from tests import factories
from tests.coordination.conftest import active as _active
from tests.coordination.conftest import make_coordinator
from tests.places.conftest import make_advisor, make_place
from tests.stats.conftest import add_report


@dataclass
class Side:
    users: dict = field(default_factory=dict)  # role → user
    objects: dict = field(default_factory=dict)  # kind → object


def build_side(code: str, name: str, region, national) -> Side:
    side = Side()
    departement = factories.DepartementFactory(code=code, name=name, region=region)
    structure = factories.StructureFactory(
        validated=True, granted_posts=4, commune__departement=departement
    )
    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])
    advisor = make_advisor(structure)
    place = make_place(structure, advisor, main=True)
    report = add_report(advisor, structure, date(2026, 11, 2), Kind.INDIVIDUAL)
    candidate_user = factories.UserFactory(roles=[(Role.CANDIDATE, {})])
    candidate = factories.CandidateFactory(commune=structure.commune, user=candidate_user)
    proposal = Proposal.objects.create(
        candidate=candidate, structure=structure, status=ProposalStatus.PROPOSED, distance_km=2
    )
    requested = factories.validated_contract(structure, start=date(2026, 12, 1))
    Contract.objects.filter(pk=requested.pk).update(status=ContractStatus.REQUESTED)
    Proposal.objects.filter(pk=requested.proposal_id).update(
        status=ProposalStatus.RECRUITMENT_REQUESTED
    )
    in_post = advisor.candidate.contracts.get()
    post_funding = funding.start_post_funding(in_post, by=_active(national, Role.NATIONAL))
    agreement = post_funding.agreement
    instalment = Instalment.objects.filter(post=post_funding).order_by("due_date").first()
    payment = funding.record_payment(
        instalment,
        paid_on=date(2026, 11, 1),
        amount=instalment.amount_cents / 100,
        reference=f"VIR-{code}",
        by=_active(national, Role.NATIONAL),
    )
    request = factories.PostRequestFactory(structure=structure)
    coordinator = make_coordinator(structure, _active(national, Role.NATIONAL))
    link = coordination.invite(advisor=advisor, by=_active(coordinator, Role.COORDINATOR))
    hub = Hub.objects.create(name=f"Hub {name}", region=region)
    network = Network.objects.create(name=f"Réseau {name}")
    hub_staff = factories.UserFactory()
    coordination.add_staff(hub, user=hub_staff, by=_active(national, Role.NATIONAL))
    network_staff = factories.UserFactory()
    coordination.add_staff(network, user=network_staff, by=_active(national, Role.NATIONAL))
    membership = coordination.declare_membership(
        structure=structure, network=network, by=_active(manager, Role.STRUCTURE)
    )
    side.users = {
        Role.STRUCTURE: manager,
        Role.ADVISOR: advisor,
        Role.CANDIDATE: candidate_user,
        Role.PREFECTURE: factories.UserFactory(
            roles=[(Role.PREFECTURE, {"departement": departement})]
        ),
        Role.COORDINATOR: coordinator,
        Role.HUB: hub_staff,
        Role.NETWORK: network_staff,
    }
    side.objects = {
        "departement": departement,
        "structure": structure,
        "place": place,
        "report": report,
        "candidate": candidate,
        "proposal": proposal,
        "requested": requested,
        "contract": in_post,
        "agreement": agreement,
        "instalment": instalment,
        "post_funding": post_funding,
        "payment": payment,
        "request": request,
        "link": link,
        "membership": membership,
    }
    return side


def build_world():
    region = factories.RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    national = factories.UserFactory(roles=[(Role.NATIONAL, {})])
    financial = factories.UserFactory(roles=[(Role.FINANCIAL, {})])
    a = build_side("39", "Jura", region, national)
    b = build_side("25", "Doubs", factories.RegionFactory(code="84", name="ARA"), national)
    for side in (a, b):
        side.users[Role.NATIONAL] = national
        side.users[Role.FINANCIAL] = financial
    session = factories.SessionFactory()
    item = factories.AgendaItemFactory(session=session, request=a.objects["request"])
    committee.decide(
        item, decision=Decision.COMPLEMENTARY_REVIEW, by=_active(national, Role.NATIONAL)
    )
    a.objects |= {"session": session, "item": item}
    resource = Resource.objects.create(title="Kit", url="https://exemple.fr/kit")
    a.objects["resource"] = resource
    return a, b


def client_of(user, role) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        session = client.session
        session["active_role"] = str(role)
        session.save()
    return client
