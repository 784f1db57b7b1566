"""Settings for the IOP case management app.

Everything that differs between a laptop and a clinic's server comes from environment
variables (README, "Configuration"). With none set, the app runs on the embedded default:
SQLite in var/, a Celery broker on the local filesystem, e-mail written to var/outbox.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from iop.env import (
    env_bool,
    env_database,
    env_float,
    env_int,
    env_list,
    env_owner_database,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Created when a process starts (iop/runtime.py), never on import.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The benchmarks' server (bench/pages.py) only: mounts the floor view, /bench/floor/.
BENCH = env_bool("BENCH", False)
# Hot reads compiled once per process and sent with each request's values (iop/shapes.py);
# off: built and compiled on every request. VERIFY (the test suite's): every call also built
# and compared with what the cache sends.
QUERY_SHAPES = env_bool("QUERY_SHAPES", True)
QUERY_SHAPES_VERIFY = env_bool("QUERY_SHAPES_VERIFY", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (50+ random characters)"
        )
    SECRET_KEY = "insecure-local-development-key-never-use-with-patient-data-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "iop.accounts",
    "iop.audit",
    "iop.jobs",
    "iop.backups",
    "patients",
    "plans",
    "sessions.apps.TherapySessionsConfig",
    "disclosures",
    "documents",
    "medications",
    "screens",
    "reports",
    "billing",
    # django.contrib.admin, with an admin site that requires the second step (MFA).
    "iop.accounts.mfa.admin_site.IOPAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # /healthz, answered before the host check, the HTTPS redirect and sessions (iop/health.py).
    "iop.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "iop.audit.middleware.RequestIdMiddleware",
    # The database down: a 503 page (JSON under /api/) with Retry-After, not a 500.
    "iop.health.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "iop.middleware.NulByteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "iop.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "iop.accounts.mfa.middleware.MFAMiddleware",
    # External integration accounts: the API only, never a page (42 CFR Part 2).
    "iop.accounts.middleware.IntegrationAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "iop.accounts.middleware.NoStoreMiddleware",
    # Every 401/403/404 of a page or endpoint on the audit trail (inside the session timeout).
    "iop.audit.middleware.RefusalAuditMiddleware",
]

ROOT_URLCONF = "iop.urls"
CSRF_FAILURE_VIEW = "iop.views.csrf_failure"
WSGI_APPLICATION = "iop.wsgi.application"

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
                "iop.accounts.context_processors.navigation",
            ],
            # iop is no app of its own: its template tags are named here.
            "libraries": {"fields": "iop.templatetags.fields"},
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "iop.sqlite3")}
# Database roles (PostgreSQL): DATABASE_URL is the app's role, which may only INSERT and SELECT
# the audit tables; DATABASE_OWNER_URL (same database, the owner role) is what `manage.py
# migrate` connects as, granting the app's role its privileges afterwards. Unset: migrations
# run as DATABASE_URL's role (SQLite, development).
DATABASE_OWNER = env_owner_database("DATABASE_OWNER_URL", DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
# A Redis that is down or unreachable costs a request at most a second and answers as a miss
# (iop/cache.py): the cache holds API throttle counters, refusal de-duplication and the
# reports dashboard's figures for 5 minutes (reports/cached.py).
REDIS_TIMEOUT_SECONDS = 1
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "iop.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    # A file cache is shared by the web process, the worker and beat on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts and sessions -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["iop.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Refuses aaaaaaaaaaaa, abcdefghijkl, qwertyuiop12, the username or program name repeated.
    {"NAME": "iop.accounts.validators.PasswordStrengthValidator"},
]

LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Per account, from every address (password spraying): this many failures within the window
# pause sign-in for the username everywhere for the cool-off (iop/accounts/lockout.py).
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20, minimum=1)
LOGIN_ACCOUNT_WINDOW = timedelta(minutes=env_int("LOGIN_ACCOUNT_WINDOW_MINUTES", 60, minimum=1))
LOGIN_ACCOUNT_LOCKOUT = timedelta(minutes=env_int("LOGIN_ACCOUNT_LOCKOUT_MINUTES", 15, minimum=1))
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 15, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1))
# Drafts (the note editor) save themselves this many seconds after typing stops.
AUTOSAVE_SECONDS = env_int("AUTOSAVE_SECONDS", 20, minimum=1)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Addresses in X-Forwarded-For written by proxies we run (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- Two-step verification (MFA) ---------------------------------------------------------
# Master switch of the requirement: on in production, off for `make run`'s demo (DEBUG=1) and
# the test suite. Users who have enrolled always give their second factor, whatever the switch.
MFA_ENFORCED = env_bool("MFA_ENFORCED", not DEBUG)
# Who must enrol when enforced (staff and superusers, who can open the Django admin, always).
MFA_REQUIRED_ROLES = ("admin", "supervisor")
MFA_REQUIRED_FOR_ALL = env_bool("MFA_REQUIRED_FOR_ALL", False)
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "IOP case management"
# The Django admin never shows an authenticator's secret or the recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Transport security ------------------------------------------------------------------
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The Django admin and Bootstrap components set a few inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- E-mail --------------------------------------------------------------------------------
EMAIL_URL_HOST = env_str("EMAIL_HOST")
if EMAIL_URL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL_HOST
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    # The readable outbox: one file per message under var/outbox/email.
    EMAIL_BACKEND = "iop.notify.backends.OutboxEmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "outbox"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IOP <no-reply@localhost>")
# Text messages: a pluggable backend (iop.notify); by default files under var/outbox/sms.
SMS_BACKEND = env_str("SMS_BACKEND", "iop.notify.backends.FileSMSBackend")
SMS_FILE_PATH = VAR_DIR / "outbox" / "sms"
# What reminders may say: time, place or link, and the clinic's phone; nothing clinical.
CLINIC_NAME = env_str("CLINIC_NAME", "the clinic")
CLINIC_PHONE = env_str("CLINIC_PHONE", "555-0100")
# The letterhead of every PDF (iop.pdf): the clinic's name, postal address and phone.
CLINIC_ADDRESS = env_str("CLINIC_ADDRESS", "")
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 500, minimum=1)
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5, minimum=1)
# A reminders run takes no new batch after this long (nor once its worker is stopping) and
# queues its continuation: a warm shutdown waits for one batch at most (iop/jobs/shutdown.py).
REMINDER_RUN_SECONDS = env_int("REMINDER_RUN_SECONDS", 30, minimum=1)
# Seconds before a claim by a worker that died is released; longer than the task time limit.
REMINDER_CLAIM_TIMEOUT = env_int("REMINDER_CLAIM_TIMEOUT", 10 * 60, minimum=1)
# Plan reviews open this many days before they are due.
REVIEW_OPEN_DAYS_AHEAD = env_int("REVIEW_OPEN_DAYS_AHEAD", 7, minimum=0)
GROUP_SCHEDULE_WEEKS = env_int("GROUP_SCHEDULE_WEEKS", 4, minimum=1)
# Two parts of a group note more alike than this (0–1, names removed) are refused as cloned.
GROUP_NOTE_SIMILARITY_MAX = env_float("GROUP_NOTE_SIMILARITY_MAX", 0.85, minimum=0, maximum=1)
# Break the glass: how long a clinician's emergency access to a chart off their care team lasts.
EMERGENCY_ACCESS_MINUTES = env_int("EMERGENCY_ACCESS_MINUTES", 60, minimum=1)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admins", a) for a in env_list("ADMIN_EMAILS")]

# --- Background jobs (Celery) --------------------------------------------------------------
# Longest countdown/ETA any task may use; the Redis visibility timeout must exceed it, or a
# delayed message would be redelivered to a second worker before it is due.
CELERY_MAX_COUNTDOWN = 60 * 60
CELERY_VISIBILITY_TIMEOUT = 2 * CELERY_MAX_COUNTDOWN
# A Redis that stops answering (a failover, a half-open connection) raises after this many
# seconds instead of hanging a publishing request or a worker forever. Longer than the 1 s the
# worker's BRPOP waits on the server (kombu's `brpop_timeout`), so an idle queue never times out.
CELERY_BROKER_SOCKET_TIMEOUT = 3
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
        "socket_keepalive": True,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# A request publishes while a clinician waits: with the broker down, give up after one try
# (at most the connect timeout) and leave the task to the outbox's sweep (iop/jobs/outbox.py),
# which is the retry. Beat's runs missed meanwhile are caught up by its next ones.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "iop")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = False
# Run every scheduled job once when a worker starts (they are idempotent): catches up after
# downtime. Off in the test settings, where tests decide what runs.
CELERY_CATCH_UP_ON_START = env_bool("CELERY_CATCH_UP_ON_START", True)

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: a view opens up only by naming the roles it serves.
    "DEFAULT_PERMISSION_CLASSES": ["iop.api.permissions.HasRequiredRole"],
    "DEFAULT_PAGINATION_CLASS": "iop.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["iop.api.filters.IOPFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "iop.api.throttling.AnonRateThrottle",
        "iop.api.throttling.UserRateThrottle",
    ],
    # Our throttles ask iop.accounts.net.client_ip; this only keeps DRF's own from trusting
    # X-Forwarded-For should one be used.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
        "auth-token": env_str("API_THROTTLE_TOKEN", "10/minute"),
    },
    # Documents every status an endpoint answers (400/401/403/404/409/429), not only success.
    "DEFAULT_SCHEMA_CLASS": "iop.api.schema.IOPAutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "iop.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "iop.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens (django-rest-knox): stored as SHA-512 digests, shown once, expiring, revocable.
# A token lives API_TOKEN_TTL_HOURS from its creation; `Authorization: Token <token>`.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IOP case management API",
    "DESCRIPTION": (
        "Patients, episodes of care, measures, plans and sessions of an Intensive Outpatient "
        "Program. Authenticate with a session or `Authorization: Token <token>` from "
        "`POST /api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON only: a JSON value has a type the API checks
    # (iop/api/strict.py); a form's values are all text. The browsable API's forms still post.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "iop.api.schema.time_without_offset",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EpisodeStatusEnum": "patients.models.patients.Episode.Status",
        "AssessmentStatusEnum": "patients.models.intake.IntakeAssessment.Status",
        "AlertStatusEnum": "patients.models.alerts.Alert.Status",
        "LevelOfCareEnum": "patients.models.patients.Episode.LevelOfCare",
        "DocumentStatusEnum": "plans.models.DocumentStatus",
        "ReviewStatusEnum": "plans.models.PlanReview.Status",
        "GoalStatusEnum": "plans.models.Goal.Status",
        "IntakeRiskLevelEnum": "patients.models.intake.IntakeAssessment.RiskLevel",
        "NoteRiskEnum": "sessions.models.ProgressNote.Risk",
        "NoteStatusEnum": "sessions.models.ProgressNote.Status",
        "AttendanceStatusEnum": "sessions.models.Attendance.Status",
        "ConsentKindEnum": "patients.models.consents.Consent.Kind",
        "RightsRequestKindEnum": "disclosures.models.RightsRequest.Kind",
        "RightsRequestStatusEnum": "disclosures.models.RightsRequest.Status",
        "ReleasePurposeEnum": "patients.models.consents.Consent.Purpose",
        "ReleaseSectionEnum": "patients.models.consents.Consent.Covers",
        "LibraryEntryKindEnum": "plans.library.LibraryEntry.Kind",
        "SessionKindEnum": "sessions.models.TherapySession.Kind",
        "ReviewDecisionEnum": "plans.models.PlanReview.Decision",
        "ReconciliationDecisionEnum": "medications.models.ReconciliationItem.Decision",
        "ReconciliationStatusEnum": "medications.models.Reconciliation.Status",
        "AnalyteEnum": "screens.panel.ANALYTE_CHOICES",
        "ScreenStatusEnum": "screens.models.ScreenOrder.Status",
        "ScreenOutcomeEnum": "screens.api.serializers.CLOSE_STATUSES",
        "CoveragePriorityEnum": "billing.models.Coverage.Priority",
        "AuthorizationStatusEnum": "billing.models.Authorization.Status",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# The development server's request lines leave out the query string (it may hold a searched
# name); gunicorn's access log does the same through gunicorn.conf.py.
LOGGING["filters"] = {"no_query": {"()": "iop.logfilters.StripQueryString"}}
LOGGING["loggers"]["django.server"] = {
    "handlers": ["console"],
    "filters": ["no_query"],
    "level": "INFO",
    "propagate": False,
}
