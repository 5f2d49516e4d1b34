"""Production settings refuse to start with unsafe values, and pass Django's deploy checks.

Each case starts a fresh Python process with a clean environment: settings are read once per
process, so the only honest test is a new one.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCAL_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/lms"


def _safe_environment() -> dict[str, str]:
    """The smallest environment production settings accept."""
    return {
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "DJANGO_ALLOWED_HOSTS": "lms.example.org",
        "DATABASE_URL": LOCAL_DATABASE_URL,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "CACHE_URL": "redis://127.0.0.1:6379/13",
        "EMAIL_URL": "smtp+tls://lms:secret@smtp.example.org:587",
        "SITE_URL": "https://lms.example.org",
    }


def _run(args: list[str], environment: dict[str, str], tmp_path: Path):
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _setup(environment: dict[str, str], tmp_path: Path):
    return _run(["-c", "import django; django.setup()"], environment, tmp_path)


def test_production_settings_start_with_a_safe_environment(tmp_path):
    result = _setup(_safe_environment(), tmp_path)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "Set the DJANGO_SECRET_KEY environment variable"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be a long random string"),
        ({"DJANGO_SECRET_KEY": "s3cr3t-but-short"}, "DJANGO_SECRET_KEY must be a long random"),
        (
            {"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string-of-at-least-50-characters-x"},
            "DJANGO_SECRET_KEY must be a long random string",
        ),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 50},
            "DJANGO_SECRET_KEY must be a long random string",
        ),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off in production."),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off in production."),
        ({"DJANGO_DEBUG": "on"}, "DJANGO_DEBUG must be off in production."),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS must name the hosts"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must name the hosts"),
        ({"DATABASE_URL": None}, "Set the DATABASE_URL environment variable"),
        ({"CELERY_BROKER_URL": None}, "Set the CELERY_BROKER_URL environment variable"),
        ({"EMAIL_URL": None}, "EMAIL_URL must name the SMTP server"),
        (
            {"EMAIL_URL": "consolemail://"},
            "not send e-mail through django.core.mail.backends.console",
        ),
        (
            {"EMAIL_URL": "memorymail://"},
            "not send e-mail through django.core.mail.backends.locmem",
        ),
        ({"EMAIL_URL": "dummymail://"}, "not send e-mail through django.core.mail.backends.dummy"),
        ({"SITE_URL": None}, "SITE_URL must be the site's https:// address"),
        ({"SITE_URL": "http://lms.example.org"}, "SITE_URL must be the site's https:// address"),
        ({"SITE_URL": "https://localhost:8000"}, "SITE_URL names this machine"),
        ({"SITE_URL": "https://127.0.0.1"}, "SITE_URL names this machine"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be text or json"),
        (
            {"EMAIL_URL": "filemail:///tmp/mail"},
            "not send e-mail through django.core.mail.backends.file",
        ),
    ],
    ids=[
        "no-secret-key",
        "empty-secret-key",
        "short-secret-key",
        "change-me-secret-key",
        "django-insecure-secret-key",
        "debug-true",
        "debug-1",
        "debug-on",
        "no-allowed-hosts",
        "empty-allowed-hosts",
        "no-database-url",
        "no-broker-url",
        "no-email-url",
        "console-email",
        "locmem-email",
        "dummy-email",
        "site-url-unset",
        "site-url-http",
        "site-url-localhost",
        "site-url-loopback",
        "log-format-unknown",
        "file-email",
    ],
)
def test_production_settings_refuse_to_start(tmp_path, change, message):
    environment = _safe_environment()
    for name, value in change.items():
        if value is None:
            environment.pop(name)
        else:
            environment[name] = value

    result = _setup(environment, tmp_path)

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    return values


def test_env_example_names_every_variable_production_requires():
    example = _env_example()

    assert example["DJANGO_SETTINGS_MODULE"] == "lms.settings.production"
    assert set(_safe_environment()) <= set(example)
    assert example["DJANGO_DEBUG"] == "false"


def test_deploy_checks_pass_with_the_env_example_values(tmp_path):
    environment = {
        **_env_example(),
        "DATABASE_URL": LOCAL_DATABASE_URL,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
    }

    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment, tmp_path
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_production_logs_json_lines_and_sentry_sends_no_personal_data(tmp_path):
    environment = {
        **_safe_environment(),
        "SENTRY_DSN": "https://public@sentry.example.org/1",
        "SENTRY_ENVIRONMENT": "staging",
    }
    script = (
        "import django, json, logging, sentry_sdk; django.setup();"
        "options = sentry_sdk.get_client().options;"
        "print(json.dumps({k: options[k] for k in ('dsn', 'environment', 'send_default_pii',"
        " 'max_request_body_size', 'include_local_variables')}));"
        "logging.getLogger('lms.check').warning('Readiness: %s failed', 'broker')"
    )
    result = _run(["-c", script], environment, tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "dsn": "https://public@sentry.example.org/1",
        "environment": "staging",
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
    }
    [line] = result.stderr.splitlines()
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "lms.check"
    assert record["message"] == "Readiness: broker failed"
    assert record["request_id"] == "-"  # outside a request
