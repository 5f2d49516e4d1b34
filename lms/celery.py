"""The Celery app. Queues, task modules and the beat schedule live in the `tasks` package."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")

from tasks.config import configure  # noqa: E402  (needs the app above)

configure(app)
