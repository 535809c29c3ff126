"""The second factor of the national team and the financial operator (docs/domain.md §10)."""

import re

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import mfa
from cnfs.accounts.enums import Role
from cnfs.accounts.services import grant_role
from cnfs.common.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, authenticator, code_of

LOGIN_URL = reverse("accounts:login")
CODE_URL = reverse("accounts:second_factor")
SETUP_URL = reverse("accounts:second_factor_setup")
NOW = "2026-12-04 09:00:15 +00:00"


@pytest.fixture
def financial(db):
    return UserFactory(roles=[(Role.FINANCIAL, {})])


def password_step(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    return client.post(LOGIN_URL + (f"?next={next_url}" if next_url else ""), data)


def logged_in(client):
    return "_auth_user_id" in client.session


# Who is asked -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.NATIONAL, Role.FINANCIAL])
def test_the_password_alone_opens_no_session_for_the_national_team_and_the_funder(client, db, role):
    user = UserFactory(roles=[(role, {})])
    authenticator(user)
    response = password_step(client, user)
    assert response["Location"] == CODE_URL
    assert not logged_in(client)
    # Half logged in, nothing is reachable: pages, the administration, the API.
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(LOGIN_URL)
    assert client.get("/gestion/").status_code == 302
    assert client.get("/api/v1/committee/sessions").status_code == 401


def test_a_structure_manager_is_not_asked(client, owner):
    response = password_step(client, owner)
    assert response["Location"] == reverse("accounts:dashboard")
    assert logged_in(client)


@pytest.mark.parametrize("role", [Role.NATIONAL, Role.FINANCIAL])
def test_a_role_that_needs_a_second_factor_granted_mid_session_ends_the_session(
    client, owner, role
):
    password_step(client, owner)
    assert client.get(reverse("accounts:dashboard")).status_code == 200

    grant_role(owner, role)

    # The next request finds the session's hash changed: logged out, nothing reachable
    # until the person logs in again, code included.
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(LOGIN_URL)
    assert not logged_in(client)
    assert client.get("/api/v1/committee/sessions").status_code == 401
    authenticator(owner)
    assert password_step(client, owner)["Location"] == CODE_URL


def test_granting_an_ordinary_role_keeps_the_session(client, owner):
    password_step(client, owner)
    grant_role(owner, Role.CANDIDATE)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert logged_in(client)


def test_a_second_factor_from_the_identity_provider_counts(rf, national):
    request = RequestFactory().get("/")
    request.session = {mfa.IDP_KEY: True}
    request.user = national
    assert mfa.second_factor_done(request)
    request.session = {}
    assert not mfa.second_factor_done(request)


# Set-up at first login ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_first_login_sets_up_the_app_with_a_qr_code_then_gives_backup_codes(client, national):
    assert password_step(client, national, next_url="/comite/")["Location"] == CODE_URL
    assert client.get(CODE_URL)["Location"] == SETUP_URL
    page = client.get(SETUP_URL).content.decode()
    assert "<svg" in page  # the QR code, inline: no image service sees the key
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    assert mfa.secret_of(device) in page

    response = client.post(SETUP_URL, {"code": code_of(device)})
    assert logged_in(client)
    device.refresh_from_db()
    assert device.confirmed
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == mfa.BACKUP_CODES == len(set(codes))
    assert 'href="/comite/"' in response.content.decode()
    assert AuditEntry.objects.filter(action="account.second_factor_set").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_wrong_first_code_is_refused_at_the_field_and_nothing_is_confirmed(client, national):
    password_step(client, national)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=national)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP_URL, {"code": wrong})
    assert "Ce code ne correspond pas" in response.content.decode()
    assert not logged_in(client)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()


def test_the_key_stays_the_same_while_the_page_is_reloaded(client, national):
    password_step(client, national)
    first = client.get(SETUP_URL).content.decode()
    again = client.get(SETUP_URL).content.decode()
    (device,) = TOTPDevice.objects.filter(user=national)
    assert mfa.secret_of(device) in first
    assert mfa.secret_of(device) in again


# Later logins ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_right_code_opens_the_session_and_goes_where_asked(client, national):
    device = authenticator(national)
    password_step(client, national, next_url="/comite/")
    response = client.post(CODE_URL, {"code": code_of(device)})
    assert response["Location"] == "/comite/"
    assert logged_in(client)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_wrong_code_is_refused_in_french(client, national):
    device = authenticator(national)
    password_step(client, national)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(CODE_URL, {"code": wrong})
    assert "Ce code n’est pas valide ou a déjà servi" in response.content.decode()
    assert not logged_in(client)


def test_a_code_already_used_is_refused(client, national):
    device = authenticator(national)
    with time_machine.travel(NOW, tick=False):
        code = code_of(device)
        password_step(client, national)
        client.post(CODE_URL, {"code": code})
        assert logged_in(client)
        client.logout()
        password_step(client, national)
        response = client.post(CODE_URL, {"code": code})
    assert "déjà servi" in response.content.decode()
    assert not logged_in(client)


def test_a_backup_code_works_once(client, financial):
    authenticator(financial)
    codes = mfa.new_backup_codes(financial)
    password_step(client, financial)
    client.post(CODE_URL, {"code": codes[0]})
    assert logged_in(client)
    client.logout()
    password_step(client, financial)
    client.post(CODE_URL, {"code": codes[0]})
    assert not logged_in(client)
    client.post(CODE_URL, {"code": codes[1]})
    assert logged_in(client)


def test_repeated_wrong_codes_lock_the_code_step(client, national, settings):
    device = authenticator(national)
    with time_machine.travel(NOW, tick=False):
        right = code_of(device)
        password_step(client, national)
        for _ in range(settings.LOGIN_MAX_FAILURES):
            client.post(CODE_URL, {"code": "000000" if right != "000000" else "111111"})
        response = client.post(CODE_URL, {"code": right})
    assert "verrouillé" in response.content.decode()
    assert not logged_in(client)


def test_the_password_step_expires(client, national, settings):
    device = authenticator(national)
    with time_machine.travel(NOW, tick=False):
        password_step(client, national)
    later = settings.SECOND_FACTOR_PENDING_MINUTES + 1
    with time_machine.travel(f"2026-12-04 09:{later:02d}:15 +00:00", tick=False):
        response = client.post(CODE_URL, {"code": code_of(device)})
    assert response["Location"] == LOGIN_URL
    assert not logged_in(client)


def test_the_code_step_without_a_password_sends_to_the_login(client):
    assert client.get(CODE_URL)["Location"] == LOGIN_URL
    assert client.get(SETUP_URL)["Location"] == LOGIN_URL


# Backup codes renewed, reset by an administrator -------------------------------------------


def test_new_backup_codes_replace_the_old_ones(client, national):
    authenticator(national)
    old = mfa.new_backup_codes(national)
    client.force_login(national)
    response = client.post(reverse("accounts:backup_codes"))
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == mfa.BACKUP_CODES
    assert not StaticToken.objects.filter(token__in=old).exists()


def reset_action(client, user):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )


def test_a_national_administrator_resets_a_second_factor_with_an_audit_entry(
    client, national, financial
):
    admin = UserFactory(roles=[(Role.NATIONAL, {})])
    authenticator(financial)
    mfa.new_backup_codes(financial)
    client.force_login(admin)
    reset_action(client, financial)
    assert not TOTPDevice.objects.filter(user=financial).exists()
    assert not StaticToken.objects.filter(device__user=financial).exists()
    entry = AuditEntry.objects.get(action="account.second_factor_reset")
    assert entry.actor == admin
    assert financial.email not in entry.summary + entry.object_repr
    assert f"n° {financial.pk}" in entry.summary
    # At the next login, the person sets up a new app.
    client.logout()
    password_step(client, financial)
    assert client.get(CODE_URL)["Location"] == SETUP_URL


def test_nobody_else_can_reset_a_second_factor(client, owner, financial):
    device = authenticator(financial)
    client.force_login(owner)
    reset_action(client, financial)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEntry.objects.filter(action="account.second_factor_reset").exists()


def test_the_keys_are_not_in_the_administration(client, national):
    client.force_login(national)
    assert client.get("/gestion/otp_totp/totpdevice/").status_code == 404


# Passwords ---------------------------------------------------------------------------------


def test_the_national_team_needs_16_characters(national, owner):
    fifteen = "Jura-Lons-2021-x"[:15]
    with pytest.raises(ValidationError) as refused:
        validate_password(fifteen, national)
    assert "au moins 16 caractères" in " ".join(refused.value.messages)
    validate_password(fifteen, owner)  # 12 are enough elsewhere
    validate_password(fifteen + "y", national)
