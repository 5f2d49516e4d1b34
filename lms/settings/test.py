"""Test settings: real PostgreSQL and Redis (make test starts them), fast hashing.

With DATABASE_URL=sqlite:///... and CELERY_BROKER_URL=filesystem://localhost// the suite runs
on the embedded default instead (make test runs the main flow that way too).
"""

import os
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/lms")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
# A broker folder of the tests' own: purging it must not touch `make run`'s queue.
os.environ.setdefault("CELERY_BROKER_DIR", str(Path(__file__).parents[2] / "var" / "test-broker"))

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the integration tests' worker process reads the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read django.core.mail.outbox; the SMTP tests point these at their own loopback server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_TIMEOUT = 5
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "test-media"))
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"verify": "1000/min", "auth": "1000/min"},
}
# Axes stays on: its database rows go with each test's transaction (or flush), so no test is
# locked out by another's failures. Reset limits high, except where a test sets its own.
ACCOUNTS_PASSWORD_RESET_RATE = "1000/min"  # noqa: S105  (a rate, not a password)
ACCOUNTS_PASSWORD_RESET_EMAIL_RATE = "1000/min"  # noqa: S105
