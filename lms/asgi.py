import os

from django.core.asgi import get_asgi_application

import lms  # noqa: F401  (reads .env first: it may choose the settings module)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
application = get_asgi_application()
