"""The director's dashboard at scale: the project's selector beside a naive per-learner loop.

    python -m benchmarks.cohort [--learners N] [--small N] [--modules N] [--rounds N] [--runs N]

Builds a course of 20 modules and two cohorts of it, 200 and 2,000 learners, with seeded
random progress in the read model (passed, failed, in progress, overdue, inactive). Project:
`cohort_progress` + `cohort_learners_matching`, the data behind the dashboard page and the
API (matrix, module summaries, at-risk list, competency roll-up, completions over time).
Baseline, in the same run on the same rows: the same data built the way a per-learner ORM
loop builds it (each learner's user and progress rows fetched in turn). Both must produce the
same rows, or the run fails. Timings are medians of interleaved rounds (three project runs,
one baseline run each), so a busy moment on a shared machine weighs on both sides.

Query counts are those of whole requests, at 200 and at 2,000 learners: `queries_*` of the
API's `GET /api/v1/cohorts/{id}/progress/`, `page_queries_*` of the dashboard page.

Uses DATABASE_URL (default: PostgreSQL database `lms_bench` on loopback; `make bench` starts
the server); the database is created and migrated if needed, and this run's rows are deleted
at the end. The last line printed is one JSON object.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/lms_bench")
os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory: not what we measure

import django

django.setup()

from decimal import Decimal  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks._database import create_database  # noqa: E402
from courses.cohorts.selectors.dashboard import (  # noqa: E402
    FAILED,
    OVERDUE,
    PASSED,
    LearnerRow,
    ProgressCell,
    RiskReason,
    cohort_progress,
)
from courses.cohorts.selectors.learners import cohort_learners_matching  # noqa: E402
from courses.models import (  # noqa: E402
    Cohort,
    Competency,
    Course,
    DueDateExtension,
    Enrolment,
    Module,
    ModuleDueDate,
    ModuleProgress,
)
from courses.selectors.due_dates import NEW_LEARNER_GRACE_DAYS  # noqa: E402
from quizzes.models import Quiz  # noqa: E402

BUDGET_RATIO = 20
User = get_user_model()


def _build(stamp: str, modules: int, sizes: list[int], today) -> tuple[Course, list[Cohort]]:
    """A course, and one cohort per size with seeded random progress in the read model."""
    rng = random.Random(stamp)
    codes = list(Competency.values)
    course = Course.objects.create(
        title=f"Cohort benchmark {stamp}", slug=f"cohort-bench-{stamp}", status="published"
    )
    module_rows = Module.objects.bulk_create(
        [
            Module(
                course=course,
                position=p,
                slug=f"m{p}",
                title=f"Module {p}",
                competencies=rng.sample(codes, 2),
                required=p % 7 != 0,
                status="published",
            )
            for p in range(1, modules + 1)
        ]
    )
    Quiz.objects.bulk_create(
        [Quiz(module=m, title=f"{m.title} quiz", status="published") for m in module_rows]
    )
    start = today - timedelta(days=150)
    cohorts = []
    for size in sizes:
        cohort = Cohort.objects.create(
            course=course,
            name=f"{size} residents",
            start_date=start,
            end_date=start + timedelta(days=364),
        )
        ModuleDueDate.objects.bulk_create(
            [
                ModuleDueDate(cohort=cohort, module=m, due_on=start + timedelta(days=12 * i))
                for i, m in enumerate(module_rows, start=1)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-{stamp}-{size}-{n}",
                    full_name=f"Resident {n:05d} of {size}",
                    email=f"r{n}-{size}-{stamp}@bench.example.org",
                    password=make_password(None),
                )
                for n in range(size)
            ]
        )
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(user=u, course=course, cohort=cohort) for u in users]
        )
        progress = []
        started = timezone.make_aware(datetime.combine(start, datetime.min.time()))
        # Residents join when the cohort starts (a learner who joined today would still be in
        # the new learners' grace period, with nothing overdue).
        Enrolment.objects.filter(cohort=cohort).update(enrolled_at=started)
        for enrolment in enrolments:
            reached = rng.randint(0, modules)
            for i, module in enumerate(module_rows):
                row = ModuleProgress(enrolment=enrolment, module=module)
                if i < reached:
                    best = Decimal(rng.randint(40, 100))
                    passed = best >= 70
                    when = started + timedelta(days=rng.randint(1, 149), minutes=i)
                    row.status = PASSED if passed else FAILED
                    row.best_score_percent = row.score_percent = best
                    row.attempts_count = rng.randint(1, 3)
                    row.last_attempt_passed = passed
                    row.passed_at = when if passed else None
                    row.last_activity_at = when
                elif i == reached and rng.random() < 0.5:
                    row.status = ModuleProgress.Status.IN_PROGRESS
                    row.last_activity_at = started + timedelta(days=rng.randint(1, 149))
                progress.append(row)
        ModuleProgress.objects.bulk_create(progress, batch_size=5000)
        cohorts.append(cohort)
    return course, cohorts


def naive_progress(cohort: Cohort, today) -> list[LearnerRow]:
    """The dashboard's rows as a per-learner ORM loop builds them: a query or two per learner."""
    modules = list(Module.objects.filter(course=cohort.course).order_by("position"))
    due = {d.module_id: d.due_on for d in ModuleDueDate.objects.filter(cohort=cohort)}
    required = [m for m in modules if m.required] or modules
    tagged: dict[str, list[int]] = {}
    for m in modules:
        for code in m.competencies:
            tagged.setdefault(code, []).append(m.id)
    codes = [c for c in Competency.values if c in tagged]
    inactive_before = today - timedelta(days=cohort.inactivity_days)
    cohort_started = timezone.make_aware(datetime.combine(cohort.start_date, datetime.min.time()))
    extensions: dict[int, dict[int, date]] = {}
    for e in DueDateExtension.objects.filter(enrolment__cohort=cohort):
        extensions.setdefault(e.enrolment_id, {})[e.module_id] = e.due_on
    rows = []
    for enrolment in Enrolment.objects.filter(cohort=cohort).order_by(
        "user__full_name", "user__username"
    ):
        user = enrolment.user  # a query per learner
        progress = {p.module_id: p for p in enrolment.module_progress.all()}  # and another
        cells, risks, passed, scores, last_activity = [], [], set(), [], None
        complete = enrolment.status == Enrolment.Status.COMPLETED
        own_due = extensions.get(enrolment.pk, {})
        joined_on = timezone.localdate(enrolment.enrolled_at)
        grace_until = joined_on + timedelta(days=NEW_LEARNER_GRACE_DAYS - 1)
        in_grace = grace_until >= today
        for module in modules:
            p = progress.get(module.id)
            status = p.status if p else ModuleProgress.Status.NOT_STARTED
            best = p.best_score_percent if p else None
            due_on = own_due.get(module.id, due.get(module.id))
            if status == PASSED:
                passed.add(module.id)
            elif due_on is not None and due_on < today and not in_grace:
                if not complete:
                    when = "extended to" if module.id in own_due else "due"
                    risks.append(
                        RiskReason(
                            OVERDUE,
                            f"Overdue: {module.title} ({when} {due_on:%-d %b %Y})",
                            module.id,
                        )
                    )
                status = OVERDUE
            if p and p.last_attempt_passed is False and module.id not in passed and not complete:
                risks.append(
                    RiskReason(
                        "failed_last_attempt",
                        f"Failed the last attempt: {module.title}",
                        module.id,
                    )
                )
            if best is not None:
                scores.append(best)
            if (
                p
                and p.last_activity_at
                and (not last_activity or p.last_activity_at > last_activity)
            ):
                last_activity = p.last_activity_at
            cells.append(ProgressCell(module.id, status, best, p.attempts_count if p else 0))
        if not complete:
            since = max(t for t in (last_activity, enrolment.enrolled_at, cohort_started) if t)
            since_day = timezone.localdate(since)
            if since_day < inactive_before:
                days = (today - since_day).days
                risks.append(
                    RiskReason(
                        "inactive",
                        f"No activity for {days} days"
                        if last_activity
                        else f"No activity since joining, {days} days ago",
                    )
                )
        rows.append(
            LearnerRow(
                user_id=user.pk,
                enrolment_id=enrolment.pk,
                name=user.get_full_name(),
                email=user.email,
                enrolment_status=enrolment.status,
                completed_at=enrolment.completed_at,
                cells=cells,
                modules_passed=len(passed),
                progress_percent=round(
                    len(passed & {m.id for m in required}) * 100 / len(required), 1
                ),
                average_score_percent=round(sum(scores, Decimal(0)) / len(scores), 2)
                if scores
                else None,
                last_activity_at=last_activity,
                risks=risks,
                competencies={
                    c: round(len(passed.intersection(tagged[c])) / len(tagged[c]), 4) for c in codes
                },
                extended_due=own_due,
                grace_until=grace_until if in_grace else None,
            )
        )
    return rows


def _median_ms(fn, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--modules", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="project x3, baseline x1 each")
    parser.add_argument("--runs", type=int, default=7, help="timed API and page requests")
    args = parser.parse_args()

    create_database()
    call_command("migrate", verbosity=0)
    # Pages render as in production (DEBUG off): static URLs come from collectstatic's manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    today = timezone.localdate()
    with transaction.atomic():
        course, (small, large) = _build(stamp, args.modules, [args.small, args.learners], today)
    director = User.objects.create(username=f"bench-director-{stamp}", is_staff=True)
    try:
        client = Client()
        client.force_login(director)
        api = "/api/v1/cohorts/{}/progress/"
        page = "/cohorts/{}/"
        queries = {
            "queries_200": _queries(client, api.format(small.id)),
            "queries_2000": _queries(client, api.format(large.id)),
            "page_queries_200": _queries(client, page.format(small.id)),
            "page_queries_2000": _queries(client, page.format(large.id)),
        }

        def project():
            progress = cohort_progress(cohort=large, today=today)
            return cohort_learners_matching(progress, sort="name")

        # Same rows from both, or the comparison means nothing.
        ours = project()
        theirs = naive_progress(large, today)
        if ours != theirs:
            raise SystemExit("The baseline and the project disagree: the benchmark is invalid")

        project()  # warm
        # Interleaved rounds, so a busy moment on a shared machine falls on both sides.
        project_runs, baseline_runs = [], []
        for _ in range(args.rounds):
            project_runs.append(_median_ms(project, 3))
            baseline_runs.append(_median_ms(lambda: naive_progress(large, today), 1))
        project_ms = statistics.median(project_runs)
        baseline_ms = statistics.median(baseline_runs)
        api_ms = _median_ms(
            lambda: client.get(api.format(large.id), HTTP_HOST="127.0.0.1"), args.runs
        )
        page_ms = _median_ms(
            lambda: client.get(page.format(large.id), HTTP_HOST="127.0.0.1"), args.runs
        )
    finally:
        # This run's rows go; the database stays for the next run.
        with transaction.atomic():
            ModuleProgress.objects.filter(enrolment__course=course).delete()
            Enrolment.objects.filter(course=course).delete()
            User.objects.filter(username__startswith=f"bench-{stamp}-").delete()
            director.delete()
            course.delete()

    result = {
        "benchmark": "cohort",
        "learners": args.learners,
        "modules": args.modules,
        "project_ms": round(project_ms, 1),
        "baseline_ms": round(baseline_ms, 1),
        "ratio": round(baseline_ms / project_ms, 1),
        **queries,
        "api_ms": round(api_ms, 1),
        "page_ms": round(page_ms, 1),
        "database": connection.vendor,
        "python": platform.python_version(),
        "budget": {"ratio_min": BUDGET_RATIO, "queries_equal": True},
    }
    result["within_budget"] = (
        result["ratio"] >= BUDGET_RATIO
        and queries["queries_200"] == queries["queries_2000"]
        and queries["page_queries_200"] == queries["page_queries_2000"]
    )
    print(json.dumps(result))
    if not result["within_budget"]:
        sys.exit("cohort: outside its budget (see the JSON line above)")


if __name__ == "__main__":
    main()
