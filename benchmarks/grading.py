"""Grading throughput end to end, beside a no-op task through the same worker and broker.

    python -m benchmarks.grading [--attempts N] [--noops N] [--concurrency N] [--senders N]

Project: attempts of 20 mixed questions (every automatically graded type), answered
beforehand; the timed part submits each through `attempt_submit` (which enqueues
`grade_attempt` on commit) and ends when PostgreSQL shows every attempt graded, progress
updated by the worker, and the broker holds none of their messages. Baseline: the same number
of `benchmarks.noop` tasks (a task that does nothing) sent to the same queue, timed until the
broker holds none of them, queued or unacked. One real `celery worker` process serves both,
started here against PostgreSQL and Redis.

Both sides send from the same number of threads (`--senders`, default 4), as a cohort's
learners submit from many browsers at once. From a single loop, the project side measured
mostly that loop: each submit waits for its commit to reach the disk before the next starts.

Uses DATABASE_URL and CELERY_BROKER_URL (defaults: PostgreSQL database `lms_bench` and Redis
database 14 on loopback; `make bench` starts both servers). The database is migrated, and the
rows this run creates are left there (each run makes its own course); before timing it is
vacuumed and analyzed, as autovacuum keeps a production server. The last line printed is one
JSON object.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/lms_bench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory: not what we measure

import django

django.setup()

from decimal import Decimal  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks._database import create_database, vacuum_analyze  # noqa: E402
from courses.services.enrolment import enrolment_create  # noqa: E402
from lms.celery import app  # noqa: E402
from quizzes.models import Attempt, Question  # noqa: E402
from quizzes.services.attempts import (  # noqa: E402
    attempt_save_response,
    attempt_start,
    attempt_submit,
)
from tasks.config import Queues  # noqa: E402

if TYPE_CHECKING:
    from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
BUDGET_RATIO = 0.5


def _build_quiz(stamp: str):
    """A published course with one module whose quiz has 20 questions of six types."""
    from courses.models import Course, Module
    from quizzes.models import Quiz
    from quizzes.services.authoring import question_create

    course = Course.objects.create(
        title=f"Grading benchmark {stamp}", slug=f"grading-bench-{stamp}", status="published"
    )
    module = Module.objects.create(
        course=course, position=1, slug="m1", title="Benchmark module", status="published"
    )
    quiz = Quiz.objects.create(
        module=module, title="Twenty mixed questions", pass_mark_percent=50, status="published"
    )
    # A second module keeps the course from completing: certificates are not measured here.
    Module.objects.create(
        course=course, position=2, slug="m2", title="Next module", status="published"
    )
    staff = _staff()
    T = Question.Type
    specs = (
        [(T.SINGLE_CHOICE, [("a", 1), ("b", 0), ("c", "-0.5"), ("d", 0)])] * 4
        + [(T.MULTIPLE_RESPONSE, [("a", "0.5"), ("b", "0.5"), ("c", "-1"), ("d", 0)])] * 3
        + [(T.TRUE_FALSE, [("True", 1), ("False", 0)])] * 3
    )
    for n, (kind, rows) in enumerate(specs, start=1):
        question_create(
            actor=staff,
            quiz=quiz,
            type=kind,
            text=f"Question {n}",
            answers=[{"text": t, "fraction": f, "feedback": f"Feedback {t}"} for t, f in rows],
        )
    for n in range(4):
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.SHORT_ANSWER,
            text=f"Short {n}",
            answers=[
                {"text": "SBAR", "fraction": 1},
                {"text": "SB*", "fraction": "0.5"},
                {"text": "*", "fraction": 0, "feedback": "Any other answer"},
            ],
        )
    for n in range(3):
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.NUMERICAL,
            text=f"Number {n}",
            answers=[
                {"value_min": Decimal("4.9"), "value_max": Decimal("5.1"), "fraction": 1},
                {"value_min": Decimal("4"), "value_max": Decimal("6"), "fraction": "0.5"},
            ],
        )
    for n in range(3):
        question_create(
            actor=staff,
            quiz=quiz,
            type=T.MATCHING,
            text=f"Match {n}",
            answers=[
                {"text": "Situation", "match_text": "Now"},
                {"text": "Background", "match_text": "History"},
                {"text": "Assessment", "match_text": "Problem"},
                {"text": "Recommendation", "match_text": "Need"},
                {"text": "", "match_text": "On call"},
            ],
        )
    assert quiz.slots.count() == 20
    return quiz


def _staff():
    from accounts.models import User

    user, _ = User.objects.get_or_create(
        username="grading-bench-staff", defaults={"is_staff": True, "full_name": "Bench Staff"}
    )
    return user


def _answer(item, n: int) -> dict:
    """A varied response per attempt: right, partly right or wrong, by the attempt's number."""
    question = item.question
    rows = list(question.choices.order_by("position"))
    if question.type in Question.CHOICE_TYPES:
        if question.type == Question.Type.MULTIPLE_RESPONSE:
            return {"choice_ids": [rows[0].id, rows[n % 3].id]}
        return {"choice_ids": [rows[n % len(rows)].id]}
    if question.type == Question.Type.SHORT_ANSWER:
        return {"text": ["sbar", "SBXX", "nothing"][n % 3]}
    if question.type == Question.Type.NUMERICAL:
        return {"value": ["5", "4.5", "9"][n % 3]}
    options = item.options
    return {
        "matches": {
            str(r.id): options.index(r.match_text if (n + k) % 2 else "On call") + 1
            for k, r in enumerate(rows)
            if r.text
        }
    }


def _prepare_attempts(quiz, count: int, stamp: str) -> "list[tuple[User, int]]":
    from accounts.models import User

    prepared = []
    for n in range(count):
        user = User.objects.create(username=f"bench-{stamp}-{n}", full_name=f"Learner {n}")
        enrolment_create(user=user, course=quiz.module.course)
        attempt, _ = attempt_start(user=user, quiz=quiz)
        for item in attempt.questions.select_related("question"):
            attempt_save_response(
                user=user,
                attempt_id=attempt.id,
                question_id=item.question_id,
                response=_answer(item, n),
            )
        prepared.append((user, attempt.id))
    return prepared


def _start_worker(concurrency: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if "conn_max_age" not in env["DATABASE_URL"]:
        # Persistent connections, as production has them (DJANGO_CONN_MAX_AGE, default 60 s):
        # without, the worker opens a PostgreSQL connection for every task.
        sep = "&" if "?" in env["DATABASE_URL"] else "?"
        env["DATABASE_URL"] += f"{sep}conn_max_age=60"
    log = open(ROOT / "var" / "bench-grading-worker.log", "w")  # noqa: SIM115 (lives with the process)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "-Q",
            Queues.GRADING,
            "--include",
            "benchmarks._noop",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
            "-n",
            f"bench-grading-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The worker exited early; see var/bench-grading-worker.log")
        if app.control.ping(timeout=0.5):
            return process
    process.kill()
    raise SystemExit("The worker did not answer within 60 s")


def _stop(worker: subprocess.Popen) -> None:
    """Warm shutdown; a worker still busy after 30 s is killed (its messages stay queued)."""
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        print("The worker did not stop within 30 s; killed it.", file=sys.stderr)
        worker.kill()
        worker.wait()


def _broker_idle(client: redis.Redis) -> bool:
    # Queued messages are in the queue's list; delivered but unacknowledged ones (acks_late)
    # in kombu's "unacked" hash until the task has finished.
    return client.llen(Queues.GRADING) == 0 and client.hlen("unacked") == 0


def _wait(done, timeout: float = 600) -> float:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("Timed out waiting for the worker")
        time.sleep(0.01)
    return time.perf_counter()


def run_baseline(client: redis.Redis, senders: ThreadPoolExecutor, count: int) -> float:
    from benchmarks._noop import noop

    start = time.perf_counter()
    list(senders.map(lambda n: noop.apply_async((n,), queue=Queues.GRADING), range(count)))
    end = _wait(lambda: _broker_idle(client))
    return count / (end - start)


def run_project(
    client: redis.Redis, senders: ThreadPoolExecutor, prepared: "list[tuple[User, int]]"
) -> float:
    ids = [attempt_id for _, attempt_id in prepared]
    graded = Attempt.objects.filter(pk__in=ids, state=Attempt.State.GRADED)
    start = time.perf_counter()
    # Each sender thread submits through its own database connection, as a web worker does.
    list(senders.map(lambda p: attempt_submit(user=p[0], attempt_id=p[1]), prepared))
    # Done when every grading message has been handled (a pass grades attempts whose own
    # messages are still queued, and those are work too) and every attempt is graded. The
    # broker is asked first, as the baseline asks it: a database count every 10 ms would
    # take CPU from the worker it measures.
    end = _wait(lambda: _broker_idle(client) and graded.count() == len(ids))
    return len(ids) / (end - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=300)
    parser.add_argument("--noops", type=int, default=None, help="default: as many as attempts")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--senders", type=int, default=4, help="threads sending, both sides")
    args = parser.parse_args()
    noops = args.noops or args.attempts

    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL) and Redis.")
    (ROOT / "var").mkdir(exist_ok=True)
    create_database()
    call_command("migrate", verbosity=0)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(Queues.GRADING, "unacked", "unacked_index")

    stamp = str(int(time.time() * 1000))
    quiz = _build_quiz(stamp)
    warmup = _prepare_attempts(quiz, args.warmup, stamp + "w")
    prepared = _prepare_attempts(quiz, args.attempts, stamp)
    vacuum_analyze()

    worker = _start_worker(args.concurrency)
    senders = ThreadPoolExecutor(args.senders)
    try:
        run_baseline(client, senders, args.warmup)
        run_project(client, senders, warmup)
        # Interleaved halves, so a slow spell of the machine weighs on both sides alike.
        half = len(prepared) // 2
        baseline_rates, project_rates = [], []
        for noop_count, attempts in (
            (noops // 2, prepared[:half]),
            (noops - noops // 2, prepared[half:]),
        ):
            baseline_rates.append(run_baseline(client, senders, noop_count))
            project_rates.append(run_project(client, senders, attempts))
    finally:
        senders.shutdown(cancel_futures=True)
        _stop(worker)

    graded = Attempt.objects.filter(quiz=quiz, state=Attempt.State.GRADED).count()
    assert graded == args.warmup + args.attempts, "not every attempt was graded"
    baseline = sum(baseline_rates) / 2
    project = sum(project_rates) / 2
    result = {
        "benchmark": "grading",
        "attempts": args.attempts,
        "questions_per_attempt": 20,
        "noop_tasks": noops,
        "worker_concurrency": args.concurrency,
        "senders": args.senders,
        "project_per_s": round(project, 1),
        "baseline_per_s": round(baseline, 1),
        "ratio": round(project / baseline, 3),
        "postgres": connection.pg_version,  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it, and the benchmark runs there
        "python": platform.python_version(),
        "budget": {"ratio_min": BUDGET_RATIO},
    }
    result["within_budget"] = result["ratio"] >= BUDGET_RATIO
    print(json.dumps(result))
    if not result["within_budget"]:
        sys.exit("grading: outside its budget (see the JSON line above)")


if __name__ == "__main__":
    main()
