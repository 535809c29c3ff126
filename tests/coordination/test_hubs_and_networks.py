"""Territorial hubs and national networks: read-only figures of their scope."""

import pytest
from django.core.exceptions import PermissionDenied

from cnfs.accounts.enums import Role
from cnfs.coordination import services
from cnfs.coordination.enums import MembershipStatus
from cnfs.coordination.models import Membership
from cnfs.coordination.queries import territory_support
from tests import factories
from tests.activity.conftest import make_advisor
from tests.coordination.conftest import active, as_role, make_coordinator

pytestmark = pytest.mark.django_db


def _csv(response):
    return b"".join(response.streaming_content).decode()


# --- Hubs -------------------------------------------------------------------------------------


def test_the_hub_sees_its_territory_s_structures(client, hub_staff, employer, far_advisor):
    page = as_role(client, hub_staff, Role.HUB).get("/coordination/hub/")
    names = [s.name for s in page.context["board"].structures]
    assert names == ["Ville de Lons"]


def test_another_hub_does_not_see_them(client, other_hub_staff, employer):
    page = as_role(client, other_hub_staff, Role.HUB).get("/coordination/hub/")
    assert page.context["board"].structures == []


def test_the_hub_page_is_forbidden_to_a_prefecture(client, outsider):
    assert as_role(client, outsider, Role.PREFECTURE).get("/coordination/hub/").status_code == 403


def test_the_hub_counts_posts_granted_and_open(client, hub_staff, employer):
    make_advisor(employer)
    board = as_role(client, hub_staff, Role.HUB).get("/coordination/hub/").context["board"]
    assert (board.totals["granted"], board.free_posts, board.advisors_in_post) == (2, 1, 1)


def test_the_hub_export_lists_its_territory_only(client, hub_staff, employer, far_advisor):
    text = _csv(as_role(client, hub_staff, Role.HUB).get("/coordination/hub/structures.csv"))
    assert "Ville de Lons" in text and "Lyon" not in text


def test_the_hub_export_is_forbidden_to_a_network(client, network_staff):
    response = as_role(client, network_staff, Role.NETWORK).get("/coordination/hub/structures.csv")
    assert response.status_code == 403


def test_the_hub_sees_no_structure_through_the_structure_pages(client, hub_staff, employer):
    assert as_role(client, hub_staff, Role.HUB).get("/structures/").status_code == 403


def test_hub_dashboard_queries_do_not_grow(client, hub_staff, jura, django_assert_max_num_queries):
    for n in range(4):
        structure = factories.StructureFactory(validated=True, commune__departement=jura)
        make_advisor(structure, place_name=f"Lieu {n}")
    as_role(client, hub_staff, Role.HUB)
    with django_assert_max_num_queries(16):
        assert client.get("/coordination/hub/").status_code == 200


# --- Networks ---------------------------------------------------------------------------------


@pytest.fixture
def declared(employer, network, client):
    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])
    return services.declare_membership(
        structure=employer, network=network, by=active(manager, Role.STRUCTURE)
    )


def _members(client, user):
    page = as_role(client, user, Role.NETWORK).get("/coordination/reseau/")
    return [s.name for s in page.context["board"].structures]


def test_a_declared_member_is_not_seen_before_confirmation(client, network_staff, declared):
    assert _members(client, network_staff) == []


def test_a_confirmed_member_is_seen(client, network_staff, declared):
    services.confirm_membership(declared, by=active(network_staff, Role.NETWORK))
    assert _members(client, network_staff) == ["Ville de Lons"]


def test_an_ended_membership_leaves_the_scope(client, network_staff, declared):
    services.confirm_membership(declared, by=active(network_staff, Role.NETWORK))
    services.end_membership(declared, by=active(network_staff, Role.NETWORK))
    assert _members(client, network_staff) == []


def test_another_network_cannot_confirm(other_network_staff, declared):
    with pytest.raises(PermissionDenied):
        services.confirm_membership(declared, by=active(other_network_staff, Role.NETWORK))


def test_the_network_confirms_on_its_page(client, network_staff, declared):
    as_role(client, network_staff, Role.NETWORK).post(
        f"/coordination/reseau/adhesion/{declared.pk}/confirmer/", {"action": "confirm"}
    )
    declared.refresh_from_db()
    assert declared.status == MembershipStatus.CONFIRMED


def test_confirming_another_network_s_member_is_404(client, other_network_staff, declared):
    response = as_role(client, other_network_staff, Role.NETWORK).post(
        f"/coordination/reseau/adhesion/{declared.pk}/confirmer/", {"action": "confirm"}
    )
    assert response.status_code == 404


def test_confirming_is_forbidden_to_a_structure(client, owner, declared):
    response = as_role(client, owner, Role.STRUCTURE).post(
        f"/coordination/reseau/adhesion/{declared.pk}/confirmer/", {"action": "confirm"}
    )
    assert response.status_code == 403


def test_the_network_export_lists_confirmed_members_only(
    client, network_staff, declared, other_structure, network
):
    services.confirm_membership(declared, by=active(network_staff, Role.NETWORK))
    Membership.objects.create(network=network, structure=other_structure)
    text = _csv(
        as_role(client, network_staff, Role.NETWORK).get("/coordination/reseau/membres.csv")
    )
    assert "Ville de Lons" in text and "Ligue du Jura" not in text


def test_another_network_s_export_is_empty_of_them(client, other_network_staff, declared):
    text = _csv(
        as_role(client, other_network_staff, Role.NETWORK).get("/coordination/reseau/membres.csv")
    )
    assert "Ville de Lons" not in text


def test_the_network_export_is_forbidden_to_a_hub(client, hub_staff):
    response = as_role(client, hub_staff, Role.HUB).get("/coordination/reseau/membres.csv")
    assert response.status_code == 403


def test_network_dashboard_queries_do_not_grow(
    client, network_staff, network, jura, django_assert_max_num_queries
):
    for n in range(4):
        structure = factories.StructureFactory(validated=True, commune__departement=jura)
        make_advisor(structure, place_name=f"Lieu {n}")
        Membership.objects.create(
            network=network, structure=structure, status=MembershipStatus.CONFIRMED
        )
    as_role(client, network_staff, Role.NETWORK)
    with django_assert_max_num_queries(17):
        assert client.get("/coordination/reseau/").status_code == 200


# --- Structure side: declaring a membership ---------------------------------------------------


def test_the_manager_declares_a_membership(client, owner, structure, network):
    as_role(client, owner, Role.STRUCTURE).post(
        "/coordination/structure/reseaux/", {"structure": structure.pk, "network": network.pk}
    )
    assert Membership.objects.get().structure == structure


def test_a_colleague_cannot_declare_for_another_structure(client, colleague, structure, network):
    page = as_role(client, colleague, Role.STRUCTURE).post(
        "/coordination/structure/reseaux/", {"structure": structure.pk, "network": network.pk}
    )
    assert (page.status_code, Membership.objects.count()) == (200, 0)


def test_declaring_is_forbidden_to_a_prefecture(client, outsider, structure, network):
    page = as_role(client, outsider, Role.PREFECTURE).post(
        "/coordination/structure/reseaux/", {"structure": structure.pk, "network": network.pk}
    )
    assert page.status_code == 403


# --- Public support contacts ------------------------------------------------------------------


def test_the_territory_names_its_hub_and_shown_coordinators(hub, employer, national, jura):
    make_coordinator(employer, active(national, Role.NATIONAL), shown_publicly=True)
    kinds = [c.kind for c in territory_support(departement=jura.code)]
    assert kinds == ["hub", "coordinator"]


def test_a_coordinator_who_did_not_agree_is_not_shown(employer, national, jura):
    make_coordinator(employer, active(national, Role.NATIONAL))
    assert territory_support(departement=jura.code) == []


def test_another_territory_does_not_name_them(hub, employer, national, rhone):
    make_coordinator(employer, active(national, Role.NATIONAL), shown_publicly=True)
    assert territory_support(departement=rhone.code) == []


def test_the_partners_api_exposes_the_territory_s_support(client, hub, jura):
    body = client.get("/api/v1/partners/territories/39").json()
    assert body["support"][0]["name"] == "Hub BFC"


def test_the_departement_page_names_the_hub(client, hub, jura):
    page = client.get(f"/territoires/departement/{jura.code}/")
    assert "Hub BFC" in page.content.decode()


def test_another_hub_s_export_leaves_them_out(client, other_hub_staff, employer):
    text = _csv(as_role(client, other_hub_staff, Role.HUB).get("/coordination/hub/structures.csv"))
    assert "Ville de Lons" not in text


def test_another_network_does_not_see_a_confirmed_member(
    client, network_staff, other_network_staff, declared
):
    services.confirm_membership(declared, by=active(network_staff, Role.NETWORK))
    assert _members(client, other_network_staff) == []


def test_the_network_page_is_forbidden_to_a_structure(client, owner):
    assert as_role(client, owner, Role.STRUCTURE).get("/coordination/reseau/").status_code == 403
