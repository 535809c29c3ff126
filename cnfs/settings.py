"""Settings of the Conseiller numérique France Services platform.

Every deployment-specific value comes from the environment (see docs/deploy.md);
the defaults give a working local site on an embedded SQLite database.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from cnfs.common.observability import init_error_reporting, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CNFS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest sets PYTEST_VERSION: the suite runs with DEBUG off, as in production.
TESTING = "PYTEST_VERSION" in os.environ
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise RuntimeError("SECRET_KEY must be set (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-local-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where to report a vulnerability (/.well-known/security.txt): a mailto: or https: URI.
SECURITY_CONTACT = os.environ.get(
    "SECURITY_CONTACT", "mailto:securite@conseiller-numerique.gouv.fr"
)

INSTALLED_APPS = [
    "cnfs.admin_site.CnfsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Second factor (TOTP and single-use backup codes) for the national team and the
    # financial operator: see cnfs/accounts/mfa.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django-ninja's own copy of Swagger UI for /api/v1/docs (no CDN: works offline).
    "ninja",
    "cnfs.common",
    "cnfs.territories",
    "cnfs.accounts",
    "cnfs.structures",
    "cnfs.committee",
    "cnfs.posts",
    "cnfs.funding",
    "cnfs.followup",
    "cnfs.candidates",
    "cnfs.matching",
    "cnfs.contracts",
    "cnfs.places",
    "cnfs.activity",
    "cnfs.stats",
    "cnfs.notifications",
    "cnfs.coordination",
    "cnfs.partners",
    "cnfs.publicpages",
    "cnfs.opendata",
    "cnfs.public",
    "cnfs.api",
    "cnfs.www",
    "cnfs.web",
    "cnfs.demo",
    "cnfs.bench",
]

MIDDLEWARE = [
    "cnfs.common.observability.RequestIdMiddleware",
    "cnfs.common.dbrouter.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cnfs.common.middleware.RejectNulBytesMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cnfs.accounts.middleware.ActiveRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: the outer middleware (security headers, CSP) apply to the pages it renders.
    "cnfs.web.middleware.ProjectErrorPagesMiddleware",
]

ROOT_URLCONF = "cnfs.urls"
WSGI_APPLICATION = "cnfs.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cnfs" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cnfs.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the dev server and a command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming replica for the reads of public pages, statistics and the partners' API
# (cnfs.common.dbrouter); without it everything reads and writes the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["cnfs.common.dbrouter.ReplicaRouter"]
DATABASE_REPLICA_PATHS = env_list(
    "DATABASE_REPLICA_PATHS",
    "/carte/,/territoires/,/statistiques/,/donnees/,/statistiques-activite/,/api/v1/partners/",
)
# After a write, the same browser reads the primary this long (replication delay).
DATABASE_REPLICA_STICKY_SECONDS = int(os.environ.get("DATABASE_REPLICA_STICKY_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["cnfs.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
# The first hasher stores new passwords; the others verify older hashes, upgraded at login.
PASSWORD_HASHERS = [
    "cnfs.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # 16 characters for the national team (ANSSI's recommendation for privileged accounts).
    {"NAME": "cnfs.accounts.validators.PrivilegedPasswordLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout: this many failures for one e-mail address within the window lock it.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Second factor: the name authenticator apps show, and how long a password stays good for
# the code step (docs/deploy.md, « Second facteur »).
OTP_TOTP_ISSUER = "Conseiller numérique"
SECOND_FACTOR_PENDING_MINUTES = 10
# Wrong codes count against the login lockout above (one policy for both steps) rather than
# django-otp's per-device delays.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# ProConnect, the State's OpenID Connect federation (docs/deploy.md, « ProConnect »). The
# button shows when an issuer and a client are set.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email given_name usual_name uid siret")
OIDC_ACR_VALUES = os.environ.get("OIDC_ACR_VALUES", "")
# The local provider standing in for ProConnect (cnfs/devidp): development and tests only.
OIDC_DEV_PROVIDER = env_bool("OIDC_DEV_PROVIDER", DEBUG or TESTING)
if OIDC_DEV_PROVIDER:
    from cnfs.devidp.keys import private_key_pem

    INSTALLED_APPS += ["oauth2_provider", "cnfs.devidp"]
    DEV_OIDC_CLIENT_ID = "cnfs-demo"
    DEV_OIDC_CLIENT_SECRET = "cnfs-demo-secret"  # noqa: S105  (the local provider's only)
    OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": private_key_pem(VAR_DIR / "dev-oidc-key.pem"),
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "PKCE_REQUIRED": True,
        "OAUTH2_VALIDATOR_CLASS": "cnfs.devidp.validator.Validator",
        "SCOPES": {
            "openid": "Connexion",
            "email": "Adresse e-mail",
            "given_name": "Prénom",
            "usual_name": "Nom",
            "uid": "Identifiant",
            "siret": "SIRET",
        },
    }
    if not OIDC_ISSUER:
        OIDC_ISSUER = f"{SITE_URL}/dev-idp"
        OIDC_CLIENT_ID = DEV_OIDC_CLIENT_ID
        OIDC_CLIENT_SECRET = DEV_OIDC_CLIENT_SECRET
    # The local provider answers in plain HTTP on 127.0.0.1.
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "cnfs" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
# The open-data files, built on demand and rebuilt at will (no backup needed): each server
# keeps its own copy.
OPENDATA_DIR = Path(os.environ.get("OPENDATA_DIR", VAR_DIR / "opendata"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files only some people may read (CVs): served by a view that checks the rights.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The manifest storage rewrites url() inside the DSFR stylesheet, which would break the
# published subresource-integrity hashes: the files are served from our own origin anyway.
DSFR_USE_INTEGRITY_CHECKSUMS = False

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # In development the e-mails are also kept for the mailbox page (/dev/courriels/).
    "cnfs.notifications.devmail.MailboxBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEV_MAILBOX_DIR = Path(os.environ.get("DEV_MAILBOX_DIR", VAR_DIR / "mailbox"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Conseiller numérique <ne-pas-repondre@conseiller-numerique.gouv.fr>"
)

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 12 * 3600
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only in production (not for `make run` nor the tests); the load balancer's health
# checks call /healthz over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

# Plain text by default; LOG_FORMAT=json: one JSON object per line, with the request id
# (X-Request-ID), no e-mail address and no query string value.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))
# One line per request (method, path without query string, status, duration).
LOG_REQUESTS = env_bool("LOG_REQUESTS", LOG_FORMAT == "json")
# /healthz answers 503 when the oldest task ready to run has waited longer (seconds).
HEALTHZ_MAX_TASK_LAG = int(os.environ.get("HEALTHZ_MAX_TASK_LAG", "300"))
# Optional error reporting: needs `pip install sentry-sdk`; no personal data is sent.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
ERROR_REPORTING = init_error_reporting(
    SENTRY_DSN,
    environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
    release=os.environ.get("SENTRY_RELEASE", ""),
)
DSFR_MARK_OPTIONAL_FIELDS = True
COMMITTEE_OPINION_DELAY_DAYS = int(os.environ.get("COMMITTEE_OPINION_DELAY_DAYS", "30"))
# Instalments of each post's subsidy: (months after the contract start, share in %).
FUNDING_SCHEDULE = [(0, 50), (12, 50)]

# Matching (DOMAIN §4.2) and training costs borne by the State per advisor (DOMAIN §4.5).
TRAINING_COSTS_CENTS = {"training": 480_500, "certification": 32_700, "equipment": 29_700}
# Each structure sees its best-ranked proposals (the periodic full recomputation trims).
MATCHING_PROPOSALS_PER_STRUCTURE = int(os.environ.get("MATCHING_PROPOSALS_PER_STRUCTURE", "200"))
# How the best proposals are ranked: "numpy" (numpy and scipy), or "compiled" (the same
# result by a kernel compiled with numba, three times as fast: docs/benchmarks.md). numba is
# only in requirements-dev.txt until the project adopts it (docs/deploy.md).
MATCHING_ENGINE = os.environ.get("MATCHING_ENGINE", "numpy")
# Behind the reverse proxy, the client address is the one it forwards (API rate limits).
NINJA_NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
# Public map: département outlines are the base layer; a tile layer is optional.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# Shared in production (django.core.cache.backends.db.DatabaseCache + createcachetable, or
# Redis): API rate limits and cached open-data files are then common to every server.
# Content-Security-Policy (django-csp): scripts from our own origin only, never inline; no
# page may be framed but the map's embed (cnfs.public.views.embed widens frame-ancestors).
# Styles: DSFR and Leaflet markup carries style attributes, hence 'unsafe-inline' there.
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
_MAP_TILES = [f"{_tiles.scheme}://{_tiles.netloc}"] if MAP_TILE_URL else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_MAP_TILES],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# SQLite, the embedded default, has no covering indexes: it builds them on their key
# columns (activity's counters), which is all it needs at its size.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "cnfs"),
        # Django's 300 would cull a third of the entries at random once the map's filter
        # combinations and the API's rate limits fill it.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
    }
}
