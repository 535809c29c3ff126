"""Simultaneous login attempts on one account cannot verify more passwords than the limit
(PostgreSQL: real concurrent connections, and a slow password hasher)."""

import threading

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import postgres_only
from tests.factories import UserFactory

ATTEMPTS = 30


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_attempts_verify_at_most_the_limit(settings, monkeypatch):
    # PBKDF2 at 1,000,000 iterations (the slowest hasher the site still verifies): its cost
    # is what lets simultaneous attempts overlap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory()
    verified = []
    verify = PBKDF2PasswordHasher.verify

    def counting_verify(self, password, encoded):
        verified.append(password)  # list.append is atomic under the GIL
        return verify(self, password, encoded)

    monkeypatch.setattr(PBKDF2PasswordHasher, "verify", counting_verify)
    barrier = threading.Barrier(ATTEMPTS)
    statuses = []

    def attempt(number):
        try:
            barrier.wait()
            response = Client().post(
                reverse("accounts:login"), {"username": user.email, "password": f"faux-{number}"}
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * ATTEMPTS
    assert len(verified) <= settings.LOGIN_MAX_FAILURES
