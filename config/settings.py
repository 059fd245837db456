"""Passerelle settings: the one place that reads the environment.

With nothing set, the *embedded default* runs: SQLite (WAL, IMMEDIATE write transactions), the
in-memory channel layer, the console email backend and the worker inside the web process.
Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and channels_redis; setting
``HTTPS=true`` (with ``DEBUG=false``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``) gives production
settings that pass ``manage.py check --deploy``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PASSERELLE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable into a list, dropping blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def embedded_secret_key() -> str:
    """Return the embedded default's secret key, created once and kept in ``var/``.

    Production sets ``SECRET_KEY``; a laptop run keeps sessions valid across restarts without
    anybody having to invent a key.
    """
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- HTTPS: production sits behind a TLS-terminating reverse proxy -------------------------
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "channels",
    "organisations",
    "notifications",
    "people",
    "referrals",
    "housing",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "organisations.middleware.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organisations.middleware.UserLanguageMiddleware",
    "organisations.middleware.FormAddressPageMiddleware",
    "organisations.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organisations.context_processors.navigation",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    # One test database per test process, so that two test runs on one machine never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A request never waits forever for a lock or a runaway query. random_page_cost=1.1 says
        # what is true on SSD storage with the data cached: an index read in order (the inbox's
        # keyset pages) is cheaper than a bitmap scan and a sort of every matching row. jit=off:
        # the app runs short OLTP queries, and JIT compilation added 180–420 ms whenever an
        # estimate crossed jit_above_cost (docs/benchmarks.md, "Referral inbox").
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c lock_timeout={int(os.environ.get('DB_LOCK_TIMEOUT_MS', 5000))} "
            f"-c statement_timeout={int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', 30000))} "
            "-c random_page_cost=1.1 -c jit=off"
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "passerelle.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so the checks a service
                # makes before writing cannot be invalidated by a concurrent writer.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The default Redis layer, chosen by measurement (docs/benchmarks.md). Each web process is one
    # member of a group and fans out to its own sockets (notifications.consumers.LocalGroups); with
    # that, the pub/sub layer measured no faster, and only this layer raises when its Redis
    # connection is lost, which lets each process resynchronise its boards after a Redis restart.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8's 5 s socket timeout races channels_redis's 5 s blocking
                        # read and closes idle websockets (STACK.md, trap 1).
                        "socket_timeout": None,
                        # A ceiling, not a pool to fill: sockets no longer hold Redis connections
                        # (LocalGroups); redis-py's default of 100 failed handshakes (trap 1).
                        "max_connections": int(os.environ.get("REDIS_MAX_CONNECTIONS", 2000)),
                    }
                ],
                # Killed processes leave stale members behind until this expiry (trap 11): one per
                # process, as sockets are not members themselves. Live processes renew theirs.
                "group_expiry": 300,
                # One channel per process now receives the events of every key its sockets follow:
                # room for a burst (the hold-expiry job publishes one event per site) beyond the
                # default 100, above which channels_redis drops messages.
                "capacity": 1000,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Seconds between heartbeats on the websocket (ARCHITECTURE.md, live updates).
WS_HEARTBEAT_SECONDS = float(os.environ.get("WS_HEARTBEAT_SECONDS", 20))

# The embedded default runs the periodic jobs inside the web process; production runs
# ``manage.py worker`` as its own process.
WORKER_IN_PROCESS = env_bool("WORKER_IN_PROCESS", not DATABASE_URL)
WORKER_TICK_SECONDS = float(os.environ.get("WORKER_TICK_SECONDS", 15))

# --- Reports ---------------------------------------------------------------------------------------
# First month of the fiscal year the reports use (4 = April, Québec's fiscal year).
REPORTS_FISCAL_YEAR_START_MONTH = int(os.environ.get("REPORTS_FISCAL_YEAR_START_MONTH", 4))

# --- Authentication ------------------------------------------------------------------------------
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "guardian.backends.ObjectPermissionBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Object permissions are granted to role groups only; guardian's anonymous user is not used.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Languages -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", "Français"), ("en-ca", "English"), ("es-419", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_NAME = "passerelle_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# The embedded default serves straight from the source folders; production collects them.
WHITENOISE_USE_FINDERS = not HTTPS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if HTTPS
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email ---------------------------------------------------------------------------------------------
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", SMTP_BACKEND if os.environ.get("EMAIL_HOST") else CONSOLE_BACKEND)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Passerelle <passerelle@localhost>")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Links in emails (notifications) point here; the worker has no request to take the host from.
PASSERELLE_BASE_URL = os.environ.get("PASSERELLE_BASE_URL", "http://localhost:8000")

# --- Request limits ---------------------------------------------------------------------------------
# Longest address (path and query string) the application answers; longer ones get 414. The proxy
# in front has its own, larger limit (deploy/nginx.conf, docs/deployment.md).
MAX_URL_LENGTH = 8192

# --- REST API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["organisations.permissions.RestrictedObjectPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "organisations.api.pagination.PagePagination",
    # JSON only: one body format for clients, the schema and its tests (others get 415).
    "DEFAULT_PARSER_CLASSES": ["organisations.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # OPTIONS answers 405: the schema at /api/schema/ describes the API (DRF's metadata also
    # failed on list routes that take PUT).
    "DEFAULT_METADATA_CLASS": None,
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "organisations.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "organisations.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Passerelle API",
    "DESCRIPTION": "Referrals and short-term housing coordination for the welcome hub and its partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # One schema name per choice set: the same field name (status, kind) carries different sets
    # in different models, and one set (need categories) appears under several field names.
    "ENUM_NAME_OVERRIDES": {
        "NeedCategoryEnum": "organisations.choices.NeedCategory",
        "OrganisationKindEnum": "organisations.choices.OrganisationKind",
        "DataGroupEnum": "people.choices.DataGroup",
        "HouseholdRelationshipEnum": "people.choices.HouseholdRelationship",
        "MilestoneKindEnum": "people.choices.MilestoneKind",
        "NeedStatusEnum": "people.choices.NeedStatus",
        "DeclineReasonEnum": "referrals.choices.DeclineReason",
        "ReferralEventKindEnum": "referrals.choices.ReferralEventKind",
        "ReferralStatusEnum": "referrals.choices.ReferralStatus",
        "SiteKindEnum": "housing.choices.SiteKind",
        "RoomKindEnum": "housing.choices.RoomKind",
        "BedStatusEnum": "housing.choices.BedStatus",
        "HoldStatusEnum": "housing.choices.HoldStatus",
        "StayStatusEnum": "housing.choices.StayStatus",
        "ExitDestinationEnum": "housing.choices.ExitDestination",
        "UnmetReasonEnum": "housing.choices.UnmetReason",
    },
}

# --- Logging: to stderr, never a stack trace to a user ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
