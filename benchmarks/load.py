"""A bounded load test on loopback: learners log in, take a quiz and submit, while a real
worker grades.

    python -m benchmarks.load [--users 200] [--seconds 60] [--web-workers 4]

Starts gunicorn (the project's WSGI app, `--web-workers` processes) and one `celery worker` on
the grading queue, against PostgreSQL and Redis, then runs locust headless with
benchmarks/locustfile.py: `--users` simulated learners (spawned 50 a second) for `--seconds`,
each with its own seeded account, logging in through the log-in page and then taking the
quiz again and again (quiz page, start, attempt page, an autosave per question, submit, result).
After the run it waits (at most 120 s) until every submitted attempt is graded.

The seeded course is published with one quiz of five automatically graded questions (two single
choice, one true/false, one short answer, one numerical), made through the authoring and
publishing services; the learners are enrolled through courses.services.enrolment. The web and
worker processes use benchmarks/_load_settings.py: lms.settings.local with DEBUG off and the MD5
password hasher, so 200 log-ins measure the site rather than deliberate key stretching.

Uses DATABASE_URL and CELERY_BROKER_URL (defaults: PostgreSQL database `lms_load` and Redis
database 13 on loopback). Fails on any failed request and on any attempt left ungraded. The
last line printed is one JSON object: requests, failures and latency (p50/p95/p99, ms) per
endpoint from locust's statistics, attempts submitted and graded, and the time from submit to
graded (p50/p95/max, s) from the attempts' submitted_at and graded_at.
"""

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks._load_settings"
os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/lms_load")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ["DJANGO_DEBUG"] = "false"  # what production runs: no query log, the real error pages

import django

django.setup()

from decimal import Decimal  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks._database import create_database, vacuum_analyze  # noqa: E402
from courses.services.authoring import course_create, module_add  # noqa: E402
from courses.services.enrolment import enrolment_create  # noqa: E402
from courses.services.publishing import publish_state_set  # noqa: E402
from lms.celery import app  # noqa: E402
from quizzes.models import Attempt, Question, Quiz  # noqa: E402
from quizzes.services.authoring import question_create, quiz_create  # noqa: E402
from tasks.config import Queues  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PASSWORD = "load-bench-password"  # noqa: S105 (seeded benchmark accounts on loopback)
GRADING_WAIT_S = 120


def _seed(stamp: str, learners: int) -> dict[str, Any]:
    """The published course, its quiz and enrolled learners; returns locustfile's plan."""
    staff, _ = User.objects.get_or_create(
        username="load-bench-staff", defaults={"is_staff": True, "full_name": "Load Bench Staff"}
    )
    course = course_create(actor=staff, title=f"Load benchmark {stamp}", slug=f"load-{stamp}")
    module = module_add(actor=staff, course=course, title="Handover")
    # A second module keeps the course from completing: certificates are not measured here.
    second = module_add(actor=staff, course=course, title="Next steps")
    quiz = quiz_create(actor=staff, module=module, title="Handover check")
    T = Question.Type
    single = [("SBAR", 1), ("SOAP", 0), ("ABCDE", 0)]
    questions = [
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.SINGLE_CHOICE,
            text=f"Choice {n}",
            answers=[{"text": t, "fraction": f} for t, f in single],
        )
        for n in (1, 2)
    ]
    questions.append(
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.TRUE_FALSE,
            text="Read-back closes the loop.",
            answers=[{"text": "True", "fraction": 1}, {"text": "False", "fraction": 0}],
        )
    )
    questions.append(
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.SHORT_ANSWER,
            text="The handover mnemonic?",
            answers=[{"text": "SBAR", "fraction": 1}, {"text": "*", "fraction": 0}],
        )
    )
    questions.append(
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.NUMERICAL,
            text="How many parts has SBAR?",
            answers=[{"value_min": Decimal("4"), "value_max": Decimal("4"), "fraction": 1}],
        )
    )
    for item in (quiz, module, second, course):
        publish_state_set(actor=staff, item=item, published=True)
    course.refresh_from_db()  # the service saved its own copy

    password = make_password(PASSWORD)  # one salted hash for every account: seeding stays fast
    users = User.objects.bulk_create(
        User(username=f"load-{stamp}-{n}", full_name=f"Learner {n}", password=password)
        for n in range(learners)
    )
    for user in users:
        enrolment_create(user=user, course=course)
    return {
        "quiz_id": quiz.pk,
        "usernames": [u.username for u in users],
        "password": PASSWORD,
        "answers": [{"question_id": q.pk, "fields": _right_answer(q)} for q in questions],
    }


def _right_answer(question: Question) -> dict[str, str]:
    """The form fields quizzes.views.form_response reads for the question's right answer."""
    name = f"q{question.pk}"
    if question.type in Question.CHOICE_TYPES:
        return {name: str(question.choices.get(fraction=1).pk)}
    if question.type == Question.Type.SHORT_ANSWER:
        return {f"{name}-text": "SBAR"}
    return {f"{name}-value": "4"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(command: list[str], log: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if "conn_max_age" not in env["DATABASE_URL"]:
        # Persistent connections, as production has them (DJANGO_CONN_MAX_AGE).
        sep = "&" if "?" in env["DATABASE_URL"] else "?"
        env["DATABASE_URL"] += f"{sep}conn_max_age=60"
    out: IO[bytes] = open(VAR / log, "wb")  # noqa: SIM115 (lives with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_until(ready: Any, what: str, process: subprocess.Popen[bytes], log: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited early; see var/{log}")
        if ready():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within 60 s; see var/{log}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _histogram_percentile(times: dict[str, int], share: float) -> int:
    """The response time (ms) that `share` of the requests finished within, from locust's
    histogram of rounded times (as locust's own percentiles are computed)."""
    total = sum(times.values())
    seen = 0
    for ms, count in sorted((int(float(t)), c) for t, c in times.items()):
        seen += count
        if seen >= share * total:
            return ms
    return 0


def _endpoint_stats(path: Path) -> dict[str, dict[str, int]]:
    """Requests, failures and latency per endpoint, from the statistics locust saves at exit
    (its --csv files are written once a second and miss the last second)."""
    rows = {}
    for entry in json.loads(path.read_text()):
        times = entry["response_times"]
        rows[entry["name"]] = {
            "requests": entry["num_requests"],
            "failures": entry["num_failures"],
            "p50_ms": _histogram_percentile(times, 0.5),
            "p95_ms": _histogram_percentile(times, 0.95),
            "p99_ms": _histogram_percentile(times, 0.99),
        }
    return dict(sorted(rows.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--worker-concurrency", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL) and Redis.")
    VAR.mkdir(exist_ok=True)
    create_database()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages with DEBUG off need it
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(Queues.GRADING, "unacked")

    stamp = str(int(time.time()))
    plan = _seed(stamp, args.users)
    quiz = Quiz.objects.get(pk=plan["quiz_id"])
    plan_path = VAR / "bench-load-plan.json"
    plan_path.write_text(json.dumps(plan))
    vacuum_analyze()

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    worker = _start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "-Q",
            Queues.GRADING,
            "--concurrency",
            str(args.worker_concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
            "-n",
            f"bench-load-{os.getpid()}@%h",
        ],
        "bench-load-worker.log",
    )
    web = _start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.web_workers),
            "--log-level",
            "warning",
        ],
        "bench-load-web.log",
    )
    try:
        _wait_until(
            lambda: bool(app.control.ping(timeout=0.5)),
            "The worker",
            worker,
            "bench-load-worker.log",
        )
        _wait_until(lambda: _healthy(f"{host}/healthz/"), "gunicorn", web, "bench-load-web.log")
        stats_path = VAR / "bench-load-stats"  # locust adds .json
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "50",
                "--run-time",
                f"{args.seconds}s",
                "--host",
                host,
                "--json-file",
                str(stats_path),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_PLAN": str(plan_path)},
            check=False,
        )
        ran_s = time.monotonic() - started
        _stop(web)
        submitted = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
        deadline = time.monotonic() + GRADING_WAIT_S
        while (
            submitted.exclude(state=Attempt.State.GRADED).exists() and time.monotonic() < deadline
        ):
            time.sleep(0.5)
    finally:
        _stop(web)
        _stop(worker)

    endpoints = _endpoint_stats(Path(f"{stats_path}.json"))
    graded = list(
        submitted.filter(state=Attempt.State.GRADED).values_list("submitted_at", "graded_at")
    )
    waits = [(g - s).total_seconds() for s, g in graded if s and g]
    failures = sum(e["failures"] for e in endpoints.values())
    result = {
        "benchmark": "load",
        "users": args.users,
        "seconds": args.seconds,
        "locust_wall_s": round(ran_s, 1),
        "web_workers": args.web_workers,
        "worker_concurrency": args.worker_concurrency,
        "endpoints": endpoints,
        "requests": sum(e["requests"] for e in endpoints.values()),
        "failures": failures,
        "attempts_submitted": submitted.count(),
        "attempts_graded": len(graded),
        "submit_to_graded_s": {
            "p50": round(_percentile(waits, 0.5), 3) if waits else None,
            "p95": round(_percentile(waits, 0.95), 3) if waits else None,
            "max": round(max(waits), 3) if waits else None,
        },
        "cpus": os.cpu_count(),
        "postgres": connection.pg_version,  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it, and the benchmark runs there
        "python": platform.python_version(),
    }
    result["passed"] = failures == 0 and result["attempts_graded"] == result["attempts_submitted"]
    print(json.dumps(result))
    if not result["passed"]:
        sys.exit("load: a request failed or an attempt was left ungraded (see the JSON line above)")


if __name__ == "__main__":
    main()
