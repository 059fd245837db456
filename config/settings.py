"""Passerelle settings: the one place that reads the environment.

With nothing set, the *embedded default* runs: SQLite (WAL, IMMEDIATE write transactions), the
in-memory channel layer, emails written to files in ``var/emails/`` and the worker inside the web
process.
Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and channels_redis; setting
``HTTPS=true`` (with ``DEBUG=false``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``) gives production
settings that pass ``manage.py check --deploy``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

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
# How many proxies of ours stand in front of the application and append the address they were
# reached from to X-Forwarded-For: the client's address is read that many entries from the right,
# so that nothing a client writes in the header is believed (organisations.audit). The shipped
# layout (docs/deployment.md) has two: the TLS terminator and the nginx of docker-compose.yml.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
# A refused read of personal data (a 404 on someone else's file) is audited at most once per
# user and kind in this window; the next entry counts the ones in between (organisations.audit).
AUDIT_REFUSED_WINDOW_SECONDS = int(os.environ.get("AUDIT_REFUSED_WINDOW_SECONDS", 60))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every answer (django-csp; docs/security.md, "Headers"): only this
# site's own files, no inline code but the few elements that carry the request's nonce (the
# import map in base.html, the inline styles of the Swagger UI and the browsable API), no
# ``style`` or ``on…`` attributes, no plugins, no framing, forms posted here only. ``'self'`` in
# connect-src covers the same-origin websocket (ws:/wss:) in the browsers CSP level 3 describes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "daphne",
    "csp",
    # Before the admin, so that its admin classes know the translated fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "channels",
    "plumbing",
    "organisations",
    "notifications",
    "people",
    "referrals",
    "housing",
    "trajectory",
    "reports",
    "privacy",
    "accounts",
    "retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their own caching; above the rest, so that every
    # answer Django makes (redirects, error pages, the API) gets both headers.
    "csp.middleware.CSPMiddleware",
    "organisations.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "organisations.middleware.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "organisations.middleware.UserLanguageMiddleware",
    "organisations.middleware.FormAddressPageMiddleware",
    "organisations.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a lockout flagged during the login into the login page's answer.
    "axes.middleware.AxesMiddleware",
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
# The most connections one process holds to PostgreSQL (docs/security.md, "Connections"): each
# process has a pool of at most this many (psycopg_pool through Django); a request or a websocket
# read takes one and gives it back when it ends, and waits up to DATABASE_POOL_TIMEOUT_SECONDS
# for one when all are taken. A single-threaded process (a gunicorn sync worker, the worker)
# opens one. 0 turns the pool off: each thread then opens its own connection, kept for
# DATABASE_CONN_MAX_AGE seconds (0: closed after each request), for a pooler such as PgBouncer.
DATABASE_POOL_MAX_SIZE = int(os.environ.get("DATABASE_POOL_MAX_SIZE", 10))
DATABASE_POOL_MIN_SIZE = int(os.environ.get("DATABASE_POOL_MIN_SIZE", 1))
DATABASE_POOL_TIMEOUT_SECONDS = float(os.environ.get("DATABASE_POOL_TIMEOUT_SECONDS", 30))
DATABASE_CONN_MAX_AGE = int(os.environ.get("DATABASE_CONN_MAX_AGE", 0))
# The PostgreSQL role the application connects as, when it is not the owner that runs the
# migrations: ``migrate`` grants it what the application needs (organisations/database_role.py).
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
if DATABASE_URL:
    pooled = DATABASE_URL.startswith(("postgres://", "postgresql://")) and DATABASE_POOL_MAX_SIZE > 0
    DATABASES = {
        "default": dj_database_url.parse(
            # Django's pool needs CONN_MAX_AGE=0: "closing" a connection gives it back to the pool.
            DATABASE_URL,
            conn_max_age=0 if pooled else DATABASE_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    }
    # One test database per test process, so that two test runs on one machine never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    if pooled:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(DATABASE_POOL_MIN_SIZE, DATABASE_POOL_MAX_SIZE),
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": DATABASE_POOL_TIMEOUT_SECONDS,
        }
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
    # member of a group and fans out to its own sockets (plumbing.local_groups.LocalGroups); with
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

# The "audit" cache counts refused reads across web processes (Redis when there is one); the
# default cache stays Django's own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "audit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "audit"}
    ),
}

# Seconds between heartbeats on the websocket (ARCHITECTURE.md, live updates).
WS_HEARTBEAT_SECONDS = float(os.environ.get("WS_HEARTBEAT_SECONDS", 20))
# What one websocket client may send (docs/security.md, "Websockets"): a message of at most
# WS_MAX_MESSAGE_BYTES (the protocol's messages are under 200 bytes); WS_MESSAGE_BURST messages at
# once, then WS_MESSAGES_PER_SECOND (a board subscribes once per key when it opens); at most
# WS_MAX_SOCKETS_PER_USER open sockets per user in each web process (a tab holds one).
WS_MAX_MESSAGE_BYTES = int(os.environ.get("WS_MAX_MESSAGE_BYTES", 64 * 1024))
WS_MESSAGE_BURST = int(os.environ.get("WS_MESSAGE_BURST", 100))
WS_MESSAGES_PER_SECOND = float(os.environ.get("WS_MESSAGES_PER_SECOND", 10))
WS_MAX_SOCKETS_PER_USER = int(os.environ.get("WS_MAX_SOCKETS_PER_USER", 20))

# The embedded default runs the periodic jobs inside the web process; production runs
# ``manage.py worker`` as its own process.
WORKER_IN_PROCESS = env_bool("WORKER_IN_PROCESS", not DATABASE_URL)
WORKER_TICK_SECONDS = float(os.environ.get("WORKER_TICK_SECONDS", 15))

# --- Reports ---------------------------------------------------------------------------------------
# First month of the fiscal year the reports use (4 = April, Québec's fiscal year).
REPORTS_FISCAL_YEAR_START_MONTH = int(os.environ.get("REPORTS_FISCAL_YEAR_START_MONTH", 4))

# --- Authentication ------------------------------------------------------------------------------
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (email, address) pair or address before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How long the link of a membership invitation works.
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", 7))

# Retention (docs/privacy.md, "Retention and anonymisation"): days after which the retention job
# anonymises or destroys each kind of record. A person file: 7 years without activity; the partner's
# copy of a referral: 2 years after it closed; a bed hold's free text: 2 years after it ended;
# notifications: 1 year; audit entries: 5 years (purged by the tables' owner only).
RETENTION_PERIODS = {
    "person": int(os.environ.get("RETENTION_PERSON_DAYS", 7 * 365 + 2)),
    "referral_at_partner": int(os.environ.get("RETENTION_REFERRAL_AT_PARTNER_DAYS", 2 * 365 + 1)),
    "hold": int(os.environ.get("RETENTION_HOLD_DAYS", 2 * 365 + 1)),
    "incident": int(os.environ.get("RETENTION_INCIDENT_DAYS", 5 * 365 + 2)),
    "notification": int(os.environ.get("RETENTION_NOTIFICATION_DAYS", 365)),
    "audit": int(os.environ.get("RETENTION_AUDIT_DAYS", 5 * 365 + 2)),
}
RETENTION_BATCH_SIZE = int(os.environ.get("RETENTION_BATCH_SIZE", 200))
# Against floods of emails (docs/security.md): invitations an organisation may send in an hour, and
# hours before an organisation may propose again a partnership that was withdrawn or declined.
INVITATIONS_PER_HOUR = int(os.environ.get("INVITATIONS_PER_HOUR", 20))
PARTNERSHIP_PROPOSAL_COOL_DOWN_HOURS = int(os.environ.get("PARTNERSHIP_PROPOSAL_COOL_DOWN_HOURS", 24))

# Login throttling (django-axes, docs/security.md): failures are counted per (email, address) pair
# and per address; the pair is locked after LOGIN_FAILURE_LIMIT failures, the address after
# LOGIN_ADDRESS_FAILURE_LIMIT. A lockout lasts LOGIN_COOLOFF_MINUTES after the last failure,
# doubled for every further LOGIN_FAILURE_LIMIT failures of the pair, up to LOGIN_COOLOFF_MAX_MINUTES.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", 50))
LOGIN_COOLOFF_MINUTES = float(os.environ.get("LOGIN_COOLOFF_MINUTES", 1))
LOGIN_COOLOFF_MAX_MINUTES = float(os.environ.get("LOGIN_COOLOFF_MAX_MINUTES", 30))
AXES_HANDLER = "accounts.throttling.LoginThrottleHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = "accounts.throttling.login_cool_off"
# Each attempt row keeps its own expiry, so the cool-off of one pair never shortens another's.
AXES_USE_ATTEMPT_EXPIRATION = True
# A successful login would also forget the address's failures: an attacker holding one account
# could then guess other accounts' passwords from that address without end.
AXES_RESET_ON_SUCCESS = False
# The login form's field, also the key of the credentials axes' backend and Django's signal pass.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttling.login_email"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.login_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
# Successful logins are not logged a second time (with addresses) beside the audit log.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Two-factor authentication (django-otp, docs/security.md): TOTP plus single-use recovery codes.
OTP_TOTP_ISSUER = "Passerelle"
# The admin site lists devices without their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
TWO_FACTOR_RECOVERY_CODES = 10

# Sessions: they end after SESSION_IDLE_TIMEOUT_MINUTES without a request, and in any case
# SESSION_ABSOLUTE_TIMEOUT_HOURS after the login. The idle expiry is pushed back at most once a
# SESSION_REFRESH_SECONDS, so that a busy page does not write its session on every request.
SESSION_IDLE_TIMEOUT_MINUTES = float(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT_HOURS = float(os.environ.get("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12))
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600)
# The database backend: the websocket heartbeat reads the expiry of its sockets' sessions there.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# API tokens (django-rest-knox, docs/security.md): stored as hashes, shown once, each with an expiry
# of at most API_TOKEN_MAX_DAYS days.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", 90))

# Password-reset emails: at most PASSWORD_RESET_PER_EMAIL requests for one typed address and
# PASSWORD_RESET_PER_CLIENT from one client address in PASSWORD_RESET_WINDOW_MINUTES; beyond, the
# same "check your email" page and no email (docs/security.md).
PASSWORD_RESET_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_PER_EMAIL", 3))
PASSWORD_RESET_PER_CLIENT = int(os.environ.get("PASSWORD_RESET_PER_CLIENT", 10))
PASSWORD_RESET_WINDOW_MINUTES = int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", 60))
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name
# knox's own migrations create its AuthToken table even though accounts.ApiToken replaces it; an
# unused table with a foreign key to users would only get in the way (flush, deleting users).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_MAX_DAYS),
    "TOKEN_PREFIX": "pas_",
    "AUTH_HEADER_PREFIX": "Token",
}

# Object permissions are granted to role groups only; guardian's anonymous user is not used.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Languages -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", "Français"), ("en-ca", "English"), ("es-419", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
# What organisations write for others to read (services, sites, guides…) is stored in three
# columns per text (django-modeltranslation, ``<field>_fr``/``_en``/``_es``): the interface
# languages by their first part, French the reference every reader falls back to
# (organisations/texts.py marks the fallback "not yet translated").
MODELTRANSLATION_LANGUAGES = ("fr", "en", "es")
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
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
# Uploaded documents that name people or organisations' commitments (signed data-sharing
# agreements) are kept outside any served folder, with no URL: only a view that checks permission
# streams them (organisations.agreement_views.agreement_document). Back this folder up with the database.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
AGREEMENT_DOCUMENT_MAX_BYTES = int(os.environ.get("AGREEMENT_DOCUMENT_MAX_BYTES", 10 * 2**20))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "organisations.storage.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "file_permissions_mode": 0o600},
    },
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
# Without an SMTP server (the embedded default), each sending writes its emails to a file of
# EMAIL_FILE_PATH (``var/emails/``) rather than to the terminal, where they buried the URL.
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", SMTP_BACKEND if os.environ.get("EMAIL_HOST") else FILE_BACKEND)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "emails"))
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
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["organisations.permissions.RestrictedObjectPermission"],
    # Every choice a filter offers is one the user may see (organisations/api/filters.py).
    "DEFAULT_FILTER_BACKENDS": ["organisations.api.filters.RestrictedFilterBackend"],
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
        "organisations.api.renderers.BrowsableAPIRenderer",
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
        "UILanguageEnum": "organisations.choices.UILanguage",
        "PartnershipStatusEnum": "organisations.choices.PartnershipStatus",
        "InvitationStatusEnum": "organisations.choices.InvitationStatus",
        "DataGroupEnum": "people.choices.DataGroup",
        "ConsentMethodEnum": "people.choices.ConsentMethod",
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
# Requests Django refuses while reading them (too large, too many fields or files, a foreign Host):
# anyone can send them, so they are one WARNING line each, not an ERROR with a traceback.
REFUSED_REQUEST_LOGGERS = [
    f"django.security.{name}"
    for name in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent", "DisallowedHost")
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_warning_line": {"()": "config.logging.OneWarningLine"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # axes says every failed login at INFO; its WARNING lines (lockouts) are the ones to keep.
        "axes": {"level": "WARNING"},
        **{name: {"filters": ["one_warning_line"]} for name in REFUSED_REQUEST_LOGGERS},
    },
}
