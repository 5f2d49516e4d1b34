"""Personas, API clients, and the real services the integration and browser tests talk to."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
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


# --- fault tests: a Redis server, workers and beat of the test's own ------------------------


def free_port() -> int:
    """A TCP port nobody listens on now (the kernel's pick, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A `redis-server` of one test's own, without persistence: killing it loses its queues.
    Never the shared Redis other tests use."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing_service("redis-server (the fault tests start their own)")
        assert binary is not None
        log = open(self.workdir / f"redis-{self.port}.log", "a")  # noqa: SIM115  (the process's)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _port_open("127.0.0.1", self.port), timeout=10, what="redis-server")

    def kill(self) -> None:
        """SIGKILL: whatever it held in memory, every queued message, is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


class CeleryProcess:
    """A started `celery` process and its log."""

    def __init__(self, popen: subprocess.Popen, log_path: Path) -> None:
        self.popen = popen
        self.log_path = log_path
        self.pid = popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def log(self) -> str:
        return self.log_path.read_text()


class CeleryProcesses:
    """Start `celery worker` and `celery beat` processes, each in a process group of its own
    (so the whole worker, pool included, can be SIGKILLed), with extra environment."""

    def __init__(self, database_url: str, logdir: Path) -> None:
        self.database_url = database_url
        self.logdir = logdir
        self.started: list[CeleryProcess] = []

    def _start(self, args: list[str], *, broker_url: str, env: dict[str, str], name: str):
        log_path = self.logdir / f"{name}-{len(self.started)}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": broker_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **env,
        }
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "lms", *args],  # the fault tests' own
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = CeleryProcess(process, log_path)
        self.started.append(started)
        return started

    def worker(self, *, broker_url: str, env: dict[str, str] | None = None, concurrency: int = 2):
        process = self._start(
            [
                "worker",
                "-Q",
                "grading,certificates,reports",
                "--concurrency",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                "-n",
                f"fault-worker-{len(self.started)}@%h",
            ],
            broker_url=broker_url,
            env=env or {},
            name="worker",
        )
        wait_for(
            lambda: process.poll() is not None or "ready." in process.log(),
            timeout=60,
            what="the Celery worker to start",
        )
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited early:\n{process.log()}")
        return process

    def beat(self, *, broker_url: str, env: dict[str, str] | None = None):
        schedule = self.logdir / f"beat-schedule-{len(self.started)}"
        return self._start(
            ["beat", "-s", str(schedule), "-l", "info"],
            broker_url=broker_url,
            env=env or {},
            name="beat",
        )

    @staticmethod
    def kill(process: CeleryProcess) -> None:
        """SIGKILL the process and its group (a worker's pool children with it)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.popen.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                try:
                    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                        os.killpg(process.pid, signal.SIGTERM)
                    process.popen.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture
def celery_processes(worker_database_url, tmp_path, request):
    """Workers and beat a fault test starts, kills and replaces; all stopped afterwards."""
    processes = CeleryProcesses(worker_database_url, tmp_path)
    yield processes
    processes.stop_all()
    ARTIFACTS.mkdir(exist_ok=True)
    for process in processes.started:  # kept for a failure's post-mortem
        name = f"{request.node.name}-{process.log_path.name}"
        shutil.copy(process.log_path, ARTIFACTS / name)


# --- a real SMTP server on loopback (aiosmtpd) ----------------------------------------------


@dataclass
class ReceivedMail:
    """A message the loopback SMTP server took: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool  # the session was encrypted (STARTTLS or TLS from the start)
    login: bytes | None  # the user name it authenticated as, if it did

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part in {self.message}"
        return body.get_content()


class _SmtpHandler:
    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.refuse_with: str | None = None
        self.refusals_left: int | None = None  # None: every recipient, until told otherwise

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with and self.refusals_left != 0:
            if self.refusals_left is not None:
                self.refusals_left -= 1
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            ReceivedMail(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=message_from_bytes(envelope.original_content, policy=email_policy),
                # STARTTLS sets session.ssl; TLS from the first byte shows on the transport.
                tls=session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None,
                login=getattr(session.auth_data, "login", None),
            )
        )
        return "250 Message accepted for delivery"


class LoopbackSmtp:
    """An aiosmtpd server on 127.0.0.1 and a free port, with the settings pointed at it
    (the SMTP backend, no TLS, no login). `received` holds what it took; `refuse("550 ...")`
    makes it answer every recipient so (`times=2`: the next two only); `stop()` leaves nothing
    listening on the port;
    `start(...)` again with aiosmtpd's options (tls_context, ssl_context, authenticator...)."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.handler = _SmtpHandler()
        self.controller: Controller | None = None
        self.port = 0

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def refuse(self, reply: str | None, *, times: int | None = None) -> None:
        self.handler.refuse_with = reply
        self.handler.refusals_left = times

    def start(self, *, ssl_context=None, **smtp_parameters) -> None:
        self.stop()
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=ssl_context,
            server_hostname="localhost",
            **smtp_parameters,
        )
        self.controller.start()
        self.settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        self.settings.EMAIL_HOST = "127.0.0.1"
        self.settings.EMAIL_PORT = self.port
        self.settings.EMAIL_USE_TLS = False
        self.settings.EMAIL_USE_SSL = False
        self.settings.EMAIL_HOST_USER = ""
        self.settings.EMAIL_HOST_PASSWORD = ""
        self.settings.EMAIL_TIMEOUT = 5

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that the site's e-mails go to for this test."""
    server = LoopbackSmtp(settings)
    server.start()
    yield server
    server.stop()
