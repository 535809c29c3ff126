"""A Jura coordinator on a coordination post, the advisors around, hubs and networks."""

import pytest

from cnfs.accounts.enums import Role
from cnfs.accounts.scope import resolve_active_role
from cnfs.coordination import services
from cnfs.coordination.models import Hub, Network
from cnfs.posts.enums import PostKind
from cnfs.posts.models import Post
from cnfs.territories.models import Region
from tests import factories
from tests.activity.conftest import make_advisor


def coordination_post(structure):
    return Post.objects.create(
        structure=structure,
        kind=PostKind.COORDINATION,
        granted_on=structure.created_at.date(),
        amount_cents=factories.DEFAULT_POST_CENTS,
    )


def make_coordinator(structure, national, **kwargs):
    user = make_advisor(structure, place_name="Tiers-lieu")
    # Move the advisor's contract onto a coordination post of the structure.
    contract = user.candidate.contracts.get()
    contract.post = coordination_post(structure)
    contract.save()
    coordinator = services.appoint_coordinator(advisor=user, by=national, **kwargs)
    user.coordinator_record = coordinator
    return user


def as_role(client, user, role):
    client.force_login(user)
    session = client.session
    session["active_role"] = str(role)
    session.save()
    return client


@pytest.fixture
def rhone(db):
    """A département outside Bourgogne-Franche-Comté."""
    region, _ = Region.objects.get_or_create(code="84", name="Auvergne-Rhône-Alpes")
    return factories.DepartementFactory(code="69", name="Rhône", region=region)


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(
        name="Ville de Lons", validated=True, granted_posts=2, commune__departement=jura
    )


@pytest.fixture
def other_structure(jura):
    return factories.StructureFactory(
        name="Ligue du Jura", validated=True, granted_posts=2, commune__departement=jura
    )


@pytest.fixture
def coordinator(employer, national):
    return make_coordinator(employer, national)


@pytest.fixture
def advisor(other_structure):
    return make_advisor(other_structure, place_name="Médiathèque de Dole")


@pytest.fixture
def far_advisor(rhone):
    structure = factories.StructureFactory(name="Lyon", validated=True, commune__departement=rhone)
    return make_advisor(structure, place_name="Médiathèque de Lyon")


@pytest.fixture
def manager(other_structure):
    """The manager of the coordinated advisor's structure."""
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": other_structure})])


@pytest.fixture
def linked(coordinator, advisor, manager, client):
    """``advisor`` coordinated by ``coordinator``: invited, accepted by the structure."""
    link = services.invite(advisor=advisor, by=_active(coordinator, Role.COORDINATOR))
    services.answer(link, accept=True, by=_active(manager, Role.STRUCTURE))
    return link


def _active(user, role):
    user.active_role = resolve_active_role(user, str(role))
    return user


active = _active


@pytest.fixture
def hub(jura):
    hub = Hub.objects.create(name="Hub BFC", region=jura.region, email="contact@hub-bfc.fr")
    return hub


@pytest.fixture
def hub_staff(hub, national):
    user = factories.UserFactory()
    services.add_staff(hub, user=user, by=_active(national, Role.NATIONAL))
    return user


@pytest.fixture
def other_hub_staff(rhone, national):
    hub = Hub.objects.create(name="Hub AURA", region=rhone.region, email="contact@hub-aura.fr")
    user = factories.UserFactory()
    services.add_staff(hub, user=user, by=_active(national, Role.NATIONAL))
    return user


@pytest.fixture
def network(db):
    return Network.objects.create(name="Ligue de l’enseignement")


@pytest.fixture
def network_staff(network, national):
    user = factories.UserFactory()
    services.add_staff(network, user=user, by=_active(national, Role.NATIONAL))
    return user


@pytest.fixture
def other_network_staff(national):
    network = Network.objects.create(name="Emmaüs Connect")
    user = factories.UserFactory()
    services.add_staff(network, user=user, by=_active(national, Role.NATIONAL))
    return user
