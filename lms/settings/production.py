"""Production: every secret from the environment; refuses to start with unsafe values."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BROKER_VISIBILITY_TIMEOUT, LOGGING, SITE_URL, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: a missing key stops the process
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("django-insecure", "change-me")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random string of 50+ characters.")
# Keys being rotated out (docs/operations.md): links and sessions signed with them still work.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts this site answers to.")

# Every archival PDF, QR code and e-mail link carries SITE_URL: it must be the public https
# address, never a developer's machine.
_site = urlsplit(SITE_URL)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104
if _site.scheme != "https" or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be the site's https:// address, not {SITE_URL!r}.")
if _site.hostname in _LOCAL_HOSTS or _site.hostname.endswith(".localhost"):
    raise ImproperlyConfigured(
        f"SITE_URL names this machine ({SITE_URL!r}): certificates and their QR codes would "
        "point there. Set it to the public address."
    )

# Logs as JSON lines unless the operator asks otherwise.
if not env.str("LOG_FORMAT", default=""):
    LOGGING["handlers"]["console"]["formatter"] = "json"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Production runs on PostgreSQL and Redis: no embedded fallbacks.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}

if not env.str("CACHE_URL", default=""):
    raise ImproperlyConfigured(
        "CACHE_URL must name a shared cache (Redis): rate limits count across web processes."
    )
if env.str("DEMO_PASSWORD", default=""):
    raise ImproperlyConfigured("DEMO_PASSWORD is for demo installs; unset it in production.")
# Mail that only looks sent (printed, kept in memory, written to files or dropped) would leave
# residents without their certificate notices while the records say they were e-mailed.
if EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":  # noqa: F405
    raise ImproperlyConfigured(
        "EMAIL_URL must name the SMTP server (e.g. smtp+tls://user:password@smtp.example.org:587):"
        f" production does not send e-mail through {EMAIL_BACKEND}."  # noqa: F405
    )
