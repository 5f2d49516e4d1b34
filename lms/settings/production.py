"""Production: every secret from the environment; refuses to start with unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BROKER_VISIBILITY_TIMEOUT, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: a missing key stops the process
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("django-insecure", "change-me")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random string of 50+ characters.")
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts this site answers to.")

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
