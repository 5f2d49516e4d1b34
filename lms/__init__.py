from .dotenv import read_dotenv

# Before the Celery app (and manage.py, wsgi, asgi) fall back to local settings, so a
# DJANGO_SETTINGS_MODULE in .env is honoured.
read_dotenv()

from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
