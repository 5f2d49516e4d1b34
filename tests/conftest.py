"""Personas, API clients, and the real services the integration and browser tests talk to."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from rest_framework.test import APIClient

from lms.celery import app
from tests.factories import UserFactory, build_course

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
REQUIRE_SERVICES = os.environ.get("CI_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def missing_service(what: str) -> None:
    """Fail in CI, skip loudly elsewhere: a real-service test never silently passes."""
    message = f"{what} is not available: this test needs it (make test starts it)."
    if REQUIRE_SERVICES:
        pytest.fail(message, pytrace=False)
    pytest.skip(f"SKIPPED ON THIS MACHINE: {message}")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def learner(db):
    return UserFactory(username="learner", full_name="Alex Rivera")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other", full_name="Jordan Lee")


@pytest.fixture
def instructor(db):
    return UserFactory(username="instructor", full_name="Dr. Priya Raman")


@pytest.fixture
def director(db):
    return UserFactory(username="director", full_name="Dr. Samuel Okafor")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", full_name="Casey Outsider")


@pytest.fixture
def course(db, instructor):
    course = build_course(modules=2, questions=3)
    course.instructors.add(instructor)
    return course


@pytest.fixture
def quiz(course):
    """The quiz of the course's first module (three single-choice questions)."""
    return course.modules.get(position=1).quizzes.get()


# The apps whose rows a refused action must leave as they were (API tokens included).
_STATE_APPS = ("accounts", "courses", "quizzes", "certificates", "authtoken")


def database_state() -> dict[str, list[tuple]]:
    """Every row of the project's tables, to compare before and after a refused action."""
    return {
        model._meta.label: sorted(model._default_manager.order_by().values_list(), key=repr)
        for model in django_apps.get_models()
        if model._meta.app_label in _STATE_APPS
    }


@pytest.fixture
def unchanged(django_capture_on_commit_callbacks):
    """Run `action`, which must write nothing and enqueue nothing; return what it returned.

    With `error`, the action must raise it (with `code`, if given) and the error is returned.
    """

    def run(action, error=None, code=None):
        before = database_state()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            if error is None:
                result = action()
            else:
                with pytest.raises(error) as raised:
                    action()
                result = raised.value
                assert code is None or result.code == code
                assert result.message
        assert callbacks == []
        assert database_state() == before
        return result

    return run


@pytest.fixture
def sends():
    """Tasks sent by name (tasks.enqueue), a Mock per task name called with the task's
    arguments: recorded, even across threads, and never sent to a broker."""
    by_name: defaultdict[str, mock.Mock] = defaultdict(mock.Mock)

    def record(name, args=(), **options):
        by_name[name](*args)

    with mock.patch.object(app, "send_task", side_effect=record):
        yield by_name


def api_client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api():
    return api_client_for


# --- real services ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_broker_url():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        missing_service(f"A Redis broker (CELERY_BROKER_URL is {url})")
    host_port = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    if not _port_open(host or "127.0.0.1", int(port or 6379)):
        missing_service(f"Redis at {host_port}")
    return url


def _database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def worker_database_url(django_db_setup):
    """The test database as the worker process must name it: PostgreSQL, or the embedded
    default (SQLite in a file, with the filesystem broker)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
            missing_service("The filesystem broker beside SQLite (CELERY_BROKER_URL)")
        return f"sqlite:///{connection.settings_dict['NAME']}"
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (the test database is neither PostgreSQL nor SQLite)")
    return _database_url(connection.settings_dict)


@pytest.fixture(scope="session")
def broker_url(request):
    """The broker the worker and the suite share: Redis, or kombu's filesystem transport."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return url
    return request.getfixturevalue("redis_broker_url")


@pytest.fixture(scope="session")
def celery_worker(worker_database_url, django_db_blocker, broker_url):
    """A real `celery worker` process on every queue, against the test database and broker."""
    from lms.celery import app

    app.control.purge()  # messages left by earlier tests name rows that no longer exist
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "celery-worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": worker_database_url,
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "-Q",
                "grading,certificates,reports",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
                "-n",
                "test-worker@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited early; see {log_path}:\n{log_path.read_text()}")
        if "ready." in log_path.read_text():
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"The Celery worker did not start within 60 s; see {log_path}")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        missing_service("Chromium (/usr/bin/chromium)")
    return path
