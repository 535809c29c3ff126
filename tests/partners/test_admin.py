import re

from cnfs.partners import services
from cnfs.partners.enums import Scope
from cnfs.partners.models import ApiKey

LIST_URL = "/gestion/partners/apikey/"


def test_the_national_team_creates_a_key_shown_once(client, national, jura):
    client.force_login(national)
    response = client.post(
        f"{LIST_URL}add/",
        {
            "name": "Carte régionale",
            "organisation": "Hub numérique BFC",
            "contact_email": "api@hub.example",
            "scopes": [Scope.PLACES, Scope.STRUCTURES],
            "departements": ["39"],
        },
        follow=True,
    )
    page = response.content.decode()
    clear_key = re.search(r"Clé : ([\w-]{40,})", page).group(1)
    key = ApiKey.objects.get()
    assert key.created_by == national and key.departements == ["39"]
    assert key.scopes == [Scope.PLACES, Scope.STRUCTURES]
    assert services.authenticate(clear_key).pk == key.pk
    # Never shown again, not even to the national team.
    assert clear_key not in client.get(LIST_URL).content.decode()
    assert clear_key not in client.get(f"{LIST_URL}{key.pk}/change/").content.decode()


def test_the_national_team_revokes_keys(client, national, make_key):
    key, clear_key = make_key(Scope.PLACES)
    client.force_login(national)
    response = client.post(
        LIST_URL, {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert "1 clé(s) révoquée(s)." in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_key_is_neither_edited_nor_deleted(client, national, make_key):
    key, _ = make_key(Scope.PLACES)
    client.force_login(national)
    response = client.post(f"{LIST_URL}{key.pk}/change/", {"scopes": [Scope.STRUCTURES]})
    assert response.status_code == 403
    assert client.post(f"{LIST_URL}{key.pk}/delete/").status_code == 403
    key.refresh_from_db()
    assert key.scopes == [Scope.PLACES]


def test_the_list_has_a_constant_number_of_queries(
    client, national, make_key, django_assert_max_num_queries
):
    for n in range(15):
        make_key(Scope.PLACES, name=f"Clé {n}")
    client.force_login(national)
    with django_assert_max_num_queries(10):
        assert client.get(LIST_URL).status_code == 200


def test_structure_managers_cannot_reach_the_keys(client, manager):
    client.force_login(manager)
    assert client.get(LIST_URL).status_code == 302
