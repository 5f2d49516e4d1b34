# syntax=docker/dockerfile:1
# The production image: gunicorn by default; the same image runs the Celery workers and beat
# (see docker-compose.yml). Settings come from the environment (lms.settings.production).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's runtime libraries and fonts, and poppler-utils: the same list as
# scripts/system-deps.sh without its --test extras.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-wqy-zenhei \
        poppler-utils \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes don't reinstall them: the runtime lock only (no test
# tools), every file checked against its hash.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The code stays owned by root (read-only for the app); only media/ and var/ are writable.
COPY . .
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app app \
    && mkdir -p /app/media /app/var \
    && chown app:app /app/media /app/var

ENV DJANGO_SETTINGS_MODULE=lms.settings.production \
    MEDIA_ROOT=/app/media

# Production settings refuse to load without a 50+ character secret key, allowed hosts, a
# database and a broker; collectstatic touches none of them, so placeholders (for this one
# command only, not kept in the image's environment) are enough.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-placeholder-never-used-at-runtime-0123456789 \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build-only.sqlite3 \
    CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput -v0

USER app
EXPOSE 8000
CMD ["gunicorn", "lms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
