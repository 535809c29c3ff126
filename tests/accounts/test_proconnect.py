"""Logging in with ProConnect, against the real local OpenID provider (cnfs/devidp) served
by a threaded live server: the site's server-to-server calls (discovery, token, keys,
userinfo) reach it while it serves the browser's requests."""

import re
import time
from importlib import import_module

import pytest
import requests
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import RSAKey

from cnfs.accounts import proconnect
from cnfs.accounts.enums import Role
from cnfs.devidp.clients import register_client
from cnfs.devidp.keys import new_private_key_pem
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(live_server, settings):
    settings.OIDC_ISSUER = f"{live_server.url}/dev-idp"
    settings.OIDC_CLIENT_ID = settings.DEV_OIDC_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = settings.DEV_OIDC_CLIENT_SECRET
    register_client(live_server.url)
    return live_server.url


@pytest.fixture
def manager(structure):
    return UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])


def form_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def to_the_callback(base, email, password=PASSWORD):
    """Button → provider's login → authorization: stops before the site's callback."""
    browser = requests.Session()
    page = browser.get(f"{base}/compte/connexion/")
    assert "Se connecter avec ProConnect" in page.text
    at_provider = browser.get(f"{base}/compte/proconnect/")
    assert at_provider.url.startswith(f"{base}/dev-idp/connexion/")
    answer = browser.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": form_token(at_provider.text),
            "email": email,
            "password": password,
        },
        headers={"Referer": at_provider.url},
        allow_redirects=False,
    )
    authorize = browser.get(base + answer.headers["Location"], allow_redirects=False)
    callback = authorize.headers["Location"]
    assert callback.startswith(f"{base}/compte/proconnect/retour/?code=")
    return browser, callback


def logged_in_as(browser, base):
    page = browser.get(f"{base}/compte/", allow_redirects=False)
    return page.status_code == 200


def test_a_structure_manager_logs_in_with_proconnect(provider, manager):
    browser, callback = to_the_callback(provider, manager.email)
    assert not logged_in_as(browser, provider)  # the provider's session is not the site's
    landing = browser.get(callback)
    assert landing.url == f"{provider}/compte/"
    assert logged_in_as(browser, provider)


def test_the_national_team_still_gives_its_code_after_a_password_only_provider(provider, national):
    browser, callback = to_the_callback(provider, national.email)
    landing = browser.get(callback)
    assert landing.url.startswith(f"{provider}/compte/second-facteur/")  # set-up, then code
    assert not logged_in_as(browser, provider)


def test_an_altered_nonce_is_refused(provider, manager):
    browser, callback = to_the_callback(provider, manager.email)
    # The nonce the site expects, as kept in its session, no longer matches the token's.
    store = import_module(settings.SESSION_ENGINE).SessionStore(
        session_key=browser.cookies[settings.SESSION_COOKIE_NAME]
    )
    for key, value in store.items():
        if key.startswith("_state_proconnect_"):
            value["data"]["nonce"] = "un-autre-nonce"
            store[key] = value
    store.save()
    refused = browser.get(callback)
    assert refused.status_code == 400
    assert "n’a pas abouti" in refused.text
    assert not logged_in_as(browser, provider)


def test_a_code_is_used_once(provider, manager):
    browser, callback = to_the_callback(provider, manager.email)
    browser.get(callback)
    browser.cookies.clear()
    replay = browser.get(callback)
    assert replay.status_code == 400
    assert not logged_in_as(browser, provider)


def test_logout_also_ends_the_provider_session(provider, manager):
    browser, callback = to_the_callback(provider, manager.email)
    dashboard = browser.get(callback)
    out = browser.post(
        f"{provider}/compte/deconnexion/",
        data={"csrfmiddlewaretoken": form_token(dashboard.text)},
        headers={"Referer": dashboard.url},
        allow_redirects=False,
    )
    assert out.headers["Location"].startswith(f"{provider}/dev-idp/logout/?")
    assert "id_token_hint=" in out.headers["Location"]
    browser.get(out.headers["Location"])
    assert not logged_in_as(browser, provider)
    # Back at the button, the provider asks for the password again.
    again = browser.get(f"{provider}/compte/proconnect/")
    assert again.url.startswith(f"{provider}/dev-idp/connexion/")


# The ID token's checks, on tokens signed by the provider's key or another -------------------


def provider_key(base):
    (jwk,) = requests.get(f"{base}/dev-idp/.well-known/jwks.json", timeout=5).json()["keys"]
    key = RSAKey.import_key(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"])
    return key, jwk["kid"]


def id_token(base, key, kid, **changes):
    now = int(time.time())
    claims = {
        "iss": f"{base}/dev-idp",
        "sub": "42",
        "aud": settings.DEV_OIDC_CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "le-nonce",
        "email": "gestion@ecla.fr",
    } | changes
    return jwt.encode({"alg": "RS256", "kid": kid}, claims, key)


def check(token):
    return proconnect.client().parse_id_token(
        {"id_token": token, "access_token": "a"}, nonce="le-nonce"
    )


def test_a_well_formed_id_token_is_accepted(provider):
    key, kid = provider_key(provider)
    assert check(id_token(provider, key, kid))["email"] == "gestion@ecla.fr"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "un-autre-site"}, id="audience"),
        pytest.param({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, id="expiry"),
        pytest.param({"nonce": "un-autre-nonce"}, id="nonce"),
        pytest.param({"iss": "https://ailleurs.example"}, id="issuer"),
    ],
)
def test_an_id_token_with_a_wrong_claim_is_refused(provider, changes):
    key, kid = provider_key(provider)
    with pytest.raises(proconnect.FLOW_ERRORS):
        check(id_token(provider, key, kid, **changes))


def test_an_id_token_signed_by_another_key_is_refused(provider):
    _, kid = provider_key(provider)
    forger = RSAKey.import_key(new_private_key_pem())
    with pytest.raises(proconnect.FLOW_ERRORS):
        check(id_token(provider, forger, kid))


# Rules without the network ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "proved"),
    [
        ({"amr": ["pwd"]}, False),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": ["mfa"]}, True),
        ({"acr": "eidas1"}, False),
        ({"acr": "https://proconnect.gouv.fr/assurance/consistency-checked-2fa"}, True),
        ({}, False),
    ],
)
def test_what_counts_as_a_second_factor_proved_by_the_provider(claims, proved):
    assert proconnect.second_factor_proved(claims) is proved


def test_an_unknown_address_gets_no_account(db):
    assert proconnect.account_for({"email": "inconnu@exemple.fr"}) is None


def test_an_invited_person_is_activated_by_their_first_proconnect_login(db):
    invited = UserFactory(is_active=False)
    assert proconnect.account_for({"email": invited.email.upper()}) == invited
    invited.refresh_from_db()
    assert invited.is_active


def test_without_a_provider_configured_there_is_no_button(client, settings):
    settings.OIDC_ISSUER = ""
    assert "ProConnect" not in client.get("/compte/connexion/").content.decode()
    assert client.get("/compte/proconnect/").status_code == 404


def test_an_unreachable_provider_gets_a_french_page_not_an_error(client, db, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/dev-idp"  # nothing listens there
    response = client.get("/compte/proconnect/")
    assert response.status_code == 503
    assert "ProConnect ne répond pas" in response.content.decode()
