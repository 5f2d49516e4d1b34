"""Settings for the load benchmark's web and worker processes: `lms.settings.local` with a fast
password hasher.

Django's default hasher spends ~0.3 s of CPU per log-in on purpose; 200 learners logging in at
once on a small machine would measure that and little else. The seeded accounts' passwords are
hashed with MD5 (as the test settings do), so a log-in still goes through the real page, form,
django-axes and session, only without the deliberate key stretching. Never for production.
"""

from lms.settings.local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
