import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts import services
from cnfs.accounts.models import LoginThrottle, User
from tests.factories import PASSWORD, UserFactory

LOGIN_URL = reverse("accounts:login")


def login(client, email, password):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_by_email_whatever_its_case(client, owner):
    response = login(client, owner.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_wrong_password_gives_a_french_error(client, owner):
    response = login(client, owner.email, "mauvais")
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        login(client, owner.email, "mauvais")
    response = login(client, owner.email, PASSWORD)
    assert response.status_code == 200
    assert "verrouillé" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_ends_after_the_window(client, owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        login(client, owner.email, "mauvais")
    LoginThrottle.objects.update(
        last_failure_at=timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    )
    assert login(client, owner.email, PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        login(client, owner.email, "mauvais")
    assert login(client, owner.email, PASSWORD).status_code == 302
    client.logout()
    login(client, owner.email, "mauvais")
    assert login(client, owner.email, PASSWORD).status_code == 302


def test_attempts_store_no_email_address(client, owner):
    login(client, owner.email, "mauvais")
    assert owner.email not in LoginThrottle.objects.get().key


def _link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_invited_person_activates_the_account_by_the_emailed_link(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite("nouveau@exemple.fr", first_name="Nina")
    assert not user.is_active
    assert len(mail.outbox) == 1 and "Activez votre compte" in mail.outbox[0].subject
    url = "/" + _link(mail.outbox[0].body)
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    client.logout()
    # The link works once only.
    assert client.get(url).status_code == 400


def test_inactive_account_cannot_log_in(client, db):
    user = UserFactory(is_active=False)
    response = login(client, user.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_password_reset_by_emailed_link(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    url = "/" + _link(mail.outbox[0].body)
    response = client.get(url, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "Encore-un-mot-de-passe-2022"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert User.objects.get(pk=owner.pk).check_password(new)


@pytest.mark.parametrize("email", ["inconnu@exemple.fr"])
def test_password_reset_does_not_reveal_unknown_addresses(client, db, email):
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    assert mail.outbox == []


def test_admin_login_sends_to_the_site_login_page(client, db):
    response = client.get("/gestion/login/?next=/gestion/partners/apikey/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/gestion/partners/apikey/"


def test_admin_login_post_checks_no_password(client, national):
    response = client.post("/gestion/login/", {"username": national.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


def test_admin_login_refuses_a_foreign_next_address(client, db):
    response = client.get("/gestion/login/?next=https://ailleurs.example/")
    assert response["Location"] == f"{LOGIN_URL}?next=/gestion/"


def test_a_locked_national_account_cannot_enter_the_admin(client, national, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        login(client, national.email, "mauvais")
    login(client, national.email, PASSWORD)
    client.post("/gestion/login/", {"username": national.email, "password": PASSWORD})
    assert client.get("/gestion/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_without_the_national_role_the_admin_sends_to_the_dashboard(client, owner):
    client.force_login(owner)
    response = client.get("/gestion/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert "est réservée à" in response.content.decode()


def test_a_missing_password_does_not_reset_the_failure_count(client, owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        login(client, owner.email, "mauvais")
    login(client, owner.email, "")
    login(client, owner.email, "mauvais")
    assert "verrouillé" in login(client, owner.email, PASSWORD).content.decode()
