import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cnfs.common.models import AuditEntry
from cnfs.partners import services
from cnfs.partners.enums import Scope
from cnfs.partners.models import ApiKey


def _key(**fields):
    values = {
        "name": "Carte régionale",
        "organisation": "Hub",
        "contact_email": "api@hub.example",
        "scopes": [Scope.PLACES],
    } | fields
    return ApiKey(**values)


def test_the_clear_key_is_returned_once_and_only_its_keyed_hash_is_stored(national):
    clear_key = services.create_key(_key(), by=national)
    row = ApiKey.objects.values().get()
    assert len(clear_key) >= 40
    assert row["prefix"] == clear_key[:8]
    assert row["hashed_key"] == services.hash_key(clear_key) != clear_key
    assert all(clear_key not in str(value) for value in row.values())
    assert clear_key not in str(list(AuditEntry.objects.values()))


def test_the_hash_depends_on_the_server_secret(settings):
    before = services.hash_key("une-cle")
    settings.SECRET_KEY = "un-autre-secret-serveur"
    assert services.hash_key("une-cle") != before


def test_only_the_national_team_creates_and_revokes_keys(national, manager):
    with pytest.raises(PermissionDenied):
        services.create_key(_key(), by=manager)
    key = _key()
    services.create_key(key, by=national)
    with pytest.raises(PermissionDenied):
        services.revoke_key(key, by=manager)


def test_scopes_and_territories_are_checked(national, jura):
    with pytest.raises(ValidationError) as error:
        services.create_key(_key(scopes=[]), by=national)
    assert "scopes" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_key(_key(scopes=["everything:write"]), by=national)
    assert "everything:write" in error.value.message_dict["scopes"][0]
    with pytest.raises(ValidationError) as error:
        services.create_key(_key(departements=["39", "99"]), by=national)
    assert error.value.message_dict["departements"] == ["Codes inconnus : 99."]
    assert not ApiKey.objects.exists()


def test_authenticate_counts_the_use(national):
    key = _key()
    clear_key = services.create_key(key, by=national)
    assert services.authenticate(clear_key).pk == key.pk
    services.authenticate(clear_key)
    key.refresh_from_db()
    assert key.requests == 2 and key.last_used_at is not None


def test_a_key_with_a_known_prefix_and_a_wrong_secret_is_refused(national):
    clear_key = services.create_key(_key(), by=national)
    forged = clear_key[:8] + "x" * (len(clear_key) - 8)
    with pytest.raises(services.KeyRefused, match="inconnue"):
        services.authenticate(forged)
    with pytest.raises(services.KeyRefused, match="inconnue"):
        services.authenticate("")


def test_a_revoked_key_is_refused_and_revoking_twice_changes_nothing(national):
    key = _key()
    clear_key = services.create_key(key, by=national)
    assert services.revoke_key(key, by=national) is True
    assert services.revoke_key(key, by=national) is False
    with pytest.raises(services.KeyRefused, match="révoquée"):
        services.authenticate(clear_key)
    assert AuditEntry.objects.filter(action="partners.key_revoked").count() == 1
