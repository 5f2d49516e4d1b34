"""The deployment an operator gets: docker-compose.yml, the image's install, the two locks."""

import re
from pathlib import Path

import yaml

from lms.celery import app

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
WORKERS = ("worker-grading", "worker-documents")


def seconds(value: str) -> int:
    return int(re.fullmatch(r"(\d+)s", value).group(1))  # type: ignore[union-attr]


def test_the_database_password_comes_from_the_environment():
    assert SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )
    database_url = COMPOSE["x-app"]["environment"]["DATABASE_URL"]
    assert "${POSTGRES_PASSWORD:?" in database_url and ":lms@" not in database_url
    assert COMPOSE["x-app"]["environment"]["SITE_URL"].startswith("${SITE_URL:?")


def test_redis_keeps_a_volume_and_the_web_port_is_bound_to_loopback():
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    assert "--appendonly" in SERVICES["redis"]["command"]
    assert "redisdata" in COMPOSE["volumes"]
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_workers_bound_their_pools_and_outlast_their_longest_task_when_stopped():
    app.loader.import_default_modules()
    routes = app.conf.task_routes
    for name in WORKERS:
        command = SERVICES[name]["command"]
        assert "--concurrency" in command and "--max-tasks-per-child" in command
        queues = set(command[command.index("-Q") + 1].split(","))
        longest = max(
            task.time_limit or 0
            for task_name, task in app.tasks.items()
            if task_name.startswith("tasks.")
            and routes.get(f"{task_name.rsplit('.', 1)[0]}.*", {}).get("queue") in queues
        )
        assert longest > 0
        assert seconds(SERVICES[name]["stop_grace_period"]) > longest, name


def test_beat_has_a_health_check():
    assert "celerybeat-schedule" in " ".join(SERVICES["beat"]["healthcheck"]["test"])


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\$", text, re.M | re.I))


def test_the_image_installs_the_runtime_lock_only_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {"django", "celery", "weasyprint"} <= set(runtime)
    assert not {"pytest", "playwright", "moto", "mypy", "ruff", "schemathesis"} & set(runtime)
    # The dev lock holds the same runtime versions, plus the tools.
    assert {name: dev[name] for name in runtime} == runtime
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        entries = re.split(r"\n(?=[a-z0-9])", text.split("\n\n", 1)[-1].strip(), flags=re.I)
        unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert unhashed == [], f"{lock}: {unhashed}"
