import os

from django.core.wsgi import get_wsgi_application

import lms  # noqa: F401  (reads .env first: it may choose the settings module)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
application = get_wsgi_application()
