"""Settings shared by every environment. Everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the site, printed on certificates and in e-mails (verification links).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "audit",
]

MIDDLEWARE = [
    "lms.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.UserTimeZoneMiddleware",
    "lms.middleware.ApplicationErrorPageMiddleware",
    "lms.middleware.SiteNotFoundPageMiddleware",
    # Last, so it sees the lockout axes marked on the request and answers with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

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
            ],
        },
    },
]

# The embedded default is SQLite in WAL mode; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lms.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" upgrades inside write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ModelBackend behind django-axes' lockout check, as one backend (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
# --- Log-in protection (django-axes) ----------------------------------------------------
# Failures count per account AND address together: residents behind one hospital address never
# lock each other out, and a guessed password is stopped for that account from that address.
# Successes never count; one resets that pair's failures. The site's log-in, the admin's and
# the API token endpoint all authenticate through the backend, so all three count.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout are refused without being counted: the wait stated is the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client's address by the rate limits' rule (REST_FRAMEWORK's NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every web process
AXES_VERBOSE = False  # no start-up banner; lockouts are still logged as warnings
# --- Accounts ---------------------------------------------------------------------------
# Anyone may create a learner's account at /sign-up/ when on; off, the page is a 404.
ACCOUNTS_SELF_REGISTRATION = env.bool("ACCOUNTS_SELF_REGISTRATION", default=False)
# Password reset requests (and sign-ups) per client address, and reset e-mails per address
# typed (DRF rate strings, counted in the cache).
ACCOUNTS_PASSWORD_RESET_RATE = env.str("ACCOUNTS_PASSWORD_RESET_RATE", default="20/h")
ACCOUNTS_PASSWORD_RESET_EMAIL_RATE = env.str("ACCOUNTS_PASSWORD_RESET_EMAIL_RATE", default="3/h")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# The site's zone (an IANA name, "America/New_York"): what people without a zone of their own
# see, and where a cohort without one ends its due dates.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as error:
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone") from error
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES: dict[str, dict[str, object]] = {
    # Certificate PDFs and branding images go through this storage: local media by default.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible storage (AWS, MinIO, Ceph...) when a bucket is named (django-storages).
if AWS_STORAGE_BUCKET_NAME := env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Credentials: these variables, or boto3's own chain (instance role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Certificates are private: no public ACL; downloads go through our views.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,  # a re-render replaces the file its row names
        },
    }

# Rate limits (certificate verification) count here: Redis when CACHE_URL names it, so every
# web process shares one count; per-process memory otherwise.
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://")}

# --- E-mail -----------------------------------------------------------------------------
# EMAIL_URL names the SMTP server: smtp+tls:// (or smtps://) for STARTTLS, usually port 587;
# smtp+ssl:// for TLS from the first byte, usually 465; smtp:// for none (loopback relays only).
# Unset: messages are printed on the console (local development); filemail:///path writes them
# to files instead. Production refuses anything but SMTP. lms/mail.py sends every message.
_EMAIL = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL["EMAIL_HOST"] or "localhost"
EMAIL_USE_TLS = bool(_EMAIL.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_EMAIL.get("EMAIL_USE_SSL", False))
EMAIL_PORT = _EMAIL["EMAIL_PORT"] or (587 if EMAIL_USE_TLS else 465 if EMAIL_USE_SSL else 25)
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"] or ""
if _EMAIL["EMAIL_FILE_PATH"]:
    EMAIL_FILE_PATH = "/" + _EMAIL["EMAIL_FILE_PATH"].lstrip("/")
# Seconds a connection or a reply may take: a stalled server fails the send (and the task
# retries) instead of holding a worker until its time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Sender of the e-mails to residents and directors; SERVER_EMAIL sends Django's error mails.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Leadership in Medicine <lms@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Celery ---------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport in var/broker; CELERY_BROKER_URL switches
# to Redis. The database holds every state, so no result backend is needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
# Redis: seconds before a message a worker took and never acknowledged is delivered again.
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
# The sweepers (tasks.config): work waiting longer than this is taken as lost and enqueued
# again; beat sends them this often. docs/reliability.md: what they recover, and how fast.
TASKS_STUCK_AFTER_SECONDS = env.int("TASKS_STUCK_AFTER_SECONDS", default=300)
TASKS_SWEEP_INTERVAL_SECONDS = env.int("TASKS_SWEEP_INTERVAL_SECONDS", default=60)
# Learners are e-mailed this many days before a required module is due (0: not before), and
# once when it becomes overdue; each can turn reminders off in their profile.
DUE_DATE_REMINDER_DAYS_BEFORE = env.int("DUE_DATE_REMINDER_DAYS_BEFORE", default=3)
if not 0 <= DUE_DATE_REMINDER_DAYS_BEFORE <= 30:
    raise ImproperlyConfigured("DUE_DATE_REMINDER_DAYS_BEFORE must be between 0 and 30 days")
# A cohort export's file (a spreadsheet of residents' scores) is kept this many days after it
# was built, then deleted with its row by beat's daily housekeeping; the director builds a new one.
EXPORT_FILE_KEEP_DAYS = env.int("EXPORT_FILE_KEEP_DAYS", default=7)
if not 1 <= EXPORT_FILE_KEEP_DAYS <= 365:
    raise ImproperlyConfigured("EXPORT_FILE_KEEP_DAYS must be between 1 and 365 days")
BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Exchange tables; kombu's default is ./control, in whatever directory the process runs.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A task not acknowledged within this many seconds is redelivered (acks_late): longer
    # than the longest task's hard time limit (run_certificate_batch, 1900 s).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "lms.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lms.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "lms.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"verify": "60/min"},
    # Proxies in front of the web process whose X-Forwarded-For is trusted (compose: 1).
    # 0 means the client address is REMOTE_ADDR, so a forged header cannot dodge limits.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leadership in Medicine LMS API",
    "DESCRIPTION": "Courses, quizzes graded by workers, and verifiable certificates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets the authoring API shares between fields, named once.
    "ENUM_NAME_OVERRIDES": {
        "CourseStatusEnum": "courses.models.Course.Status",
        "QuizReviewWhenEnum": "quizzes.models.Quiz.ReviewWhen",
    },
}

# Logs: one JSON object per line in production (LOG_FORMAT=json), plain lines elsewhere; each
# carries the request id (lms.request_ids) so a report can be matched to its request.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be text or json")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lms.request_ids.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # WeasyPrint and fontTools narrate every render at INFO; warnings are what matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Content security policy (django-csp): scripts, styles, images and fonts from this site only,
# no inline script or style, no plugins, no framing, forms post only here. Uploaded lesson
# images are served from MEDIA_URL (this site, or the storage's host when it is elsewhere).
_MEDIA_HOST = env.str("CSP_MEDIA_HOST", default="")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_MEDIA_HOST] if _MEDIA_HOST else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Error reporting: SENTRY_DSN switches it on. No personal data: no user, address or cookies
# (send_default_pii), no request bodies (answers, names), no local variables in tracebacks.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Demo accounts' password (make run); printed by load_demo when it is the default.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")
# load_demo creates known accounts (a superuser among them): never on a production site.
DEMO_DATA_ALLOWED = False
