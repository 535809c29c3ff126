"""Logging in with ProConnect, the State's OpenID Connect federation (docs/deploy.md).

Authorization code flow with PKCE (S256), state and nonce, by Authlib: the ID token is an
RS256 JWT checked against the provider's published keys (JWKS), its issuer, audience,
expiry and nonce; the userinfo endpoint completes the claims. An account is found by its
e-mail address; a first login opens an account only for a person the programme already
invited (an account waiting for activation). Nobody else is created.
"""

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.db import transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from cnfs.accounts.models import User
from cnfs.common import audit

logger = logging.getLogger(__name__)

# What can go wrong with what the provider sends back: refused, forged, replayed, expired.
# (Authlib's errors, claims checks included, derive from AuthlibBaseError; joserfc's from
# JoseError.)
FLOW_ERRORS = (AuthlibBaseError, JoseError, ValueError, KeyError)
# The provider does not answer (network, timeout, server error).
UNREACHABLE = (requests.RequestException,)

# RFC 8176 methods that are, or include, a factor beyond the password.
SECOND_FACTOR_AMR = frozenset({"mfa", "otp", "totp", "hwk", "swk", "pop", "sc", "sms"})
# ProConnect's assurance levels with a second factor, and eIDAS substantial and high.
SECOND_FACTOR_ACR = frozenset(
    {
        "eidas2",
        "eidas3",
        "https://proconnect.gouv.fr/assurance/self-asserted-2fa",
        "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    }
)

_clients: dict = {}


def configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def client():
    """The Authlib client of the configured provider (its metadata cached once fetched)."""
    key = (settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET)
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            "proconnect",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
            client_kwargs={"scope": settings.OIDC_SCOPES, "code_challenge_method": "S256"},
        )
    return _clients[key]


def second_factor_proved(claims) -> bool:
    """The provider says it checked more than a password (``amr`` or ``acr``)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(SECOND_FACTOR_AMR.intersection(amr)) or claims.get("acr") in SECOND_FACTOR_ACR


def claims_of(token) -> dict:
    """The checked ID token's claims, completed by the userinfo endpoint (JSON or a JWT
    signed with the same keys, as ProConnect sends it); both must name the same person."""
    claims = dict(token["userinfo"])
    app = client()
    response = app.get(app.load_server_metadata()["userinfo_endpoint"], token=token)
    response.raise_for_status()
    if response.headers.get("Content-Type", "").startswith("application/jwt"):
        keys = KeySet.import_key_set(app.fetch_jwk_set())
        info = jwt.decode(response.text.strip(), keys).claims
    else:
        info = response.json()
    if info.get("sub") != claims["sub"]:
        raise ValueError("userinfo names another subject")
    return {**info, **claims}


@transaction.atomic
def account_for(claims) -> User | None:
    """The account of the person the provider vouches for, or None if unknown here."""
    email = (claims.get("email") or "").strip().lower()
    if not email:
        return None
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        return None
    if not user.is_active:
        # Invited and never activated: the provider has just proved the address.
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(
            "user.activate",
            obj=user,
            summary=f"{user.audit_label} activé par sa première connexion ProConnect",
        )
    return user
