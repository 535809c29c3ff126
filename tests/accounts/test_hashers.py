"""Passwords are stored with Argon2id at OWASP's parameters; hashes of the previous
hasher (PBKDF2) still open the account and are rewritten at the first login."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

from cnfs import settings as production
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_a_new_password_is_stored_with_argon2id_at_owasp_parameters(production_hashers):
    user = UserFactory()
    user.set_password("une phrase de passe assez longue")
    algorithm, variant, version, parameters, *_ = user.password.split("$")
    assert (algorithm, variant, parameters) == ("argon2", "argon2id", "m=19456,t=2,p=1")
    assert user.check_password("une phrase de passe assez longue")
    assert not user.check_password("une autre phrase de passe")


def test_an_older_pbkdf2_hash_logs_in_and_is_rewritten(client, production_hashers):
    user = UserFactory()
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_a_wrong_password_leaves_an_older_hash_as_it_was(client, production_hashers):
    user = UserFactory()
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    before = user.password

    client.post(reverse("accounts:login"), {"username": user.email, "password": "mauvais"})

    user.refresh_from_db()
    assert user.password == before
