"""Coordination tells the people it concerns: the structure of an invited advisor, the
coordinator of the answer, a network of a declared membership, the structure of its answer."""

import pytest
from django.core import mail

from cnfs.accounts.enums import Role
from cnfs.coordination import services
from cnfs.coordination.models import Network
from cnfs.notifications.kinds import Kind
from tests import factories
from tests.coordination.conftest import active


@pytest.fixture
def emailed(django_capture_on_commit_callbacks):
    def emailed(action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return mail.outbox

    return emailed


def test_the_structure_is_told_of_an_invitation(coordinator, advisor, manager, emailed):
    (message,) = emailed(
        lambda: services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    )
    assert message.to == [manager.email]
    assert f"conseiller n° {advisor.pk}" in message.body
    assert "/coordination/structure/coordination/" in message.body
    assert advisor.email not in message.body  # people by number
    assert manager.notifications.filter(kind=Kind.COORDINATION_INVITED).count() == 1


@pytest.mark.parametrize("accept", [True, False])
def test_the_coordinator_is_told_of_the_answer(coordinator, advisor, manager, emailed, accept):
    link = services.invite(advisor=advisor, by=active(coordinator, Role.COORDINATOR))
    (message,) = emailed(
        lambda: services.answer(link, accept=accept, by=active(manager, Role.STRUCTURE))
    )
    assert message.to == [coordinator.email]
    assert ("Coordination acceptée" if accept else "Coordination refusée") in message.subject


@pytest.fixture
def network(national):
    network = Network.objects.create(name="Ligue de l’enseignement")
    staff = factories.UserFactory()
    services.add_staff(network, user=staff, by=active(national, Role.NATIONAL))
    return network


def test_the_network_is_told_of_a_declared_membership(network, other_structure, manager, emailed):
    (message,) = emailed(
        lambda: services.declare_membership(
            structure=other_structure, network=network, by=active(manager, Role.STRUCTURE)
        )
    )
    assert message.to == [network.staff.get().email]
    assert other_structure.name in message.body
    assert "/coordination/reseau/" in message.body


@pytest.mark.parametrize("accept", [True, False])
def test_the_structure_is_told_of_the_network_answer(
    network, other_structure, manager, emailed, accept
):
    membership = services.declare_membership(
        structure=other_structure, network=network, by=active(manager, Role.STRUCTURE)
    )
    staff = active(network.staff.get(), Role.NETWORK)
    (message,) = emailed(lambda: services.confirm_membership(membership, accept=accept, by=staff))
    assert message.to == [manager.email]
    assert ("Adhésion confirmée" if accept else "Adhésion refusée") in message.subject
