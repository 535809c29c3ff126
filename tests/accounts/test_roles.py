import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.services import grant_role
from cnfs.structures.models import Structure
from tests import factories
from tests.factories import PASSWORD


def detail(structure):
    return reverse("structures:detail", args=[structure.pk])


class TestStructureScope:
    """Three sides: the owner sees it, a colleague and an outsider get 'not found'."""

    def test_owner_sees_own_structure(self, client, owner, structure):
        client.force_login(owner)
        assert client.get(detail(structure)).status_code == 200

    def test_colleague_of_same_departement_gets_not_found(self, client, colleague, structure):
        client.force_login(colleague)
        assert client.get(detail(structure)).status_code == 404

    def test_prefecture_of_another_departement_gets_not_found(self, client, outsider, structure):
        client.force_login(outsider)
        assert client.get(detail(structure)).status_code == 404

    def test_prefecture_of_the_departement_sees_it(self, client, jura, structure):
        client.force_login(factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})]))
        assert client.get(detail(structure)).status_code == 200

    def test_prefecture_of_the_region_sees_it(self, client, jura, structure):
        prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"region": jura.region})])
        client.force_login(prefect)
        assert client.get(detail(structure)).status_code == 200

    def test_national_team_sees_everything(self, client, national, structure):
        client.force_login(national)
        assert client.get(detail(structure)).status_code == 200

    def test_wrong_role_is_forbidden(self, client, structure):
        client.force_login(factories.UserFactory(roles=[(Role.CANDIDATE, {})]))
        response = client.get(detail(structure))
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()

    def test_anonymous_is_sent_to_login(self, client, structure):
        response = client.get(detail(structure))
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]

    def test_list_shows_only_the_scope(self, client, owner, colleague, structure):
        client.force_login(owner)
        page = client.get(reverse("structures:list")).content.decode()
        assert "ECLA" in page and "Ligue" not in page

    def test_list_queries_do_not_grow_with_structures(
        self, client, national, jura, django_assert_max_num_queries
    ):
        factories.StructureFactory.create_batch(30, commune__departement=jura)
        client.force_login(national)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("structures:list")).status_code == 200


def test_queryset_scope_by_role(owner, colleague, outsider, national, structure):
    for user in (owner, colleague, outsider, national):
        user.active_role = None
    assert list(Structure.objects.visible_to(owner)) == [structure]
    assert structure not in Structure.objects.visible_to(colleague)
    assert not Structure.objects.visible_to(outsider).exists()
    assert Structure.objects.visible_to(national).count() == 2


def test_switching_role_changes_the_menu_and_the_scope(client, structure):
    user = factories.UserFactory(
        roles=[(Role.STRUCTURE, {"structure": structure}), (Role.ADVISOR, {})]
    )
    client.force_login(user)
    assert "Ma structure" in client.get(reverse("accounts:dashboard")).content.decode()
    client.post(reverse("accounts:switch_role"), {"role": Role.ADVISOR})
    assert "Ma structure" not in client.get(reverse("accounts:dashboard")).content.decode()
    assert client.get(detail(structure)).status_code == 403


def test_cannot_switch_to_a_role_not_held(client, owner, structure):
    client.force_login(owner)
    client.post(reverse("accounts:switch_role"), {"role": Role.NATIONAL})
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_is_for_the_national_team_only(client, national, owner):
    client.force_login(national)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    client.force_login(owner)
    assert client.get(reverse("admin:index")).status_code == 302


def test_role_scope_constraint_refuses_a_prefecture_without_territory(owner):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=owner, role=Role.PREFECTURE)


@pytest.mark.parametrize(
    "scope",
    ["none", "structure", "departement", "region"],
)
def test_a_role_is_held_once_per_scope(owner, scope):
    from django.db import IntegrityError, transaction

    role, fields = {
        "none": (Role.NATIONAL, {}),
        "structure": (Role.STRUCTURE, {"structure": factories.StructureFactory()}),
        "departement": (Role.PREFECTURE, {"departement": factories.DepartementFactory()}),
        "region": (Role.PREFECTURE, {"region": factories.RegionFactory()}),
    }[scope]
    RoleAssignment.objects.create(user=owner, role=role, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=owner, role=role, **fields)
    # The service grants it again without a second copy.
    grant_role(owner, role, **fields)
    assert RoleAssignment.objects.filter(user=owner, role=role, **fields).count() == 1


def test_the_same_role_in_two_scopes_is_two_roles(owner):
    first, second = factories.StructureFactory(), factories.StructureFactory()
    grant_role(owner, Role.STRUCTURE, structure=first)
    grant_role(owner, Role.STRUCTURE, structure=second)
    assert RoleAssignment.objects.filter(user=owner, role=Role.STRUCTURE).count() >= 2


def test_demo_logins_work_for_every_role(client, territories):
    from cnfs.demo.building import DEMO_ACCOUNTS, build_demo
    from cnfs.demo.seeds import DEMO_DOMAIN, DEMO_PASSWORD

    build_demo()
    build_demo()  # idempotent
    for _, local_part in DEMO_ACCOUNTS:
        client.logout()
        response = client.post(
            reverse("accounts:login"),
            {"username": f"{local_part}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302, local_part
    assert Structure.objects.filter(departement="39").count() == 9
    assert PASSWORD != DEMO_PASSWORD
