"""The demo cohort: sixty residents with a realistic, deterministic spread of progress."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Max, Sum

from courses.cohorts.selectors.dashboard import cohort_progress
from courses.models import Cohort, Enrolment, LessonProgress, ModuleProgress
from quizzes.models import Attempt

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)


@pytest.fixture
def cohort(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_PASSWORD = "a demo password"
    call_command("load_demo")
    return Cohort.objects.get(name="PGY-1 residents 2026")


def test_about_sixty_residents_with_every_kind_of_progress(cohort):
    progress = cohort_progress(cohort=cohort, today=AS_OF)

    assert len(progress.learners) == 61  # sixty residents and the demo's graduate
    assert progress.completed == 16
    statuses = Counter(c.status for row in progress.learners for c in row.cells)
    assert set(statuses) == {"not_started", "in_progress", "passed", "failed", "overdue"}
    reasons = Counter(r.code for row in progress.at_risk for r in row.risks)
    assert set(reasons) == {"overdue", "failed_last_attempt", "inactive"}
    assert 15 <= len(progress.at_risk) <= 30
    # On track: active in the last fortnight, nothing overdue.
    assert (
        sum(1 for row in progress.learners if not row.risks and row.enrolment_status == "active")
        >= 15
    )
    assert [m.due_on for m in progress.modules] == [
        None,
        date(2026, 8, 12),
        date(2026, 9, 16),
        date(2026, 10, 21),
        date(2026, 12, 9),
        None,
        None,
        None,
        None,
    ]
    assert all(0 < c.share < 1 for c in progress.competencies)


def test_the_read_model_agrees_with_the_attempts_and_lessons(cohort):
    # The residents (the graduate went through the services, at today's times).
    rows = (
        ModuleProgress.objects.filter(enrolment__cohort=cohort)
        .exclude(enrolment__user__username="graduate")
        .select_related("enrolment", "module")
    )
    checked = 0
    for row in rows:
        attempts = list(
            Attempt.objects.filter(user=row.enrolment.user_id, quiz__module=row.module).order_by(
                "number"
            )
        )
        assert row.attempts_count == len(attempts), row
        if attempts:
            percents = [a.percent for a in attempts if a.percent is not None]
            assert len(percents) == len(attempts)  # every attempt of the demo is graded
            assert row.best_score_percent == max(percents)
            assert row.last_attempt_passed == attempts[-1].passed
            assert row.last_activity_at == attempts[-1].graded_at
            checked += 1
        read = LessonProgress.objects.filter(
            enrolment=row.enrolment, lesson__module=row.module
        ).count()
        assert row.lessons_read == read
        passed = (
            bool(attempts)
            and row.best_score_percent is not None
            and row.best_score_percent >= 70
            and read == row.module.lessons.count()
        )
        assert (row.status == "passed") == passed, row
    assert checked > 150


def test_each_attempt_holds_the_answers_that_give_its_score(cohort):
    attempts = Attempt.objects.filter(user__enrolments__cohort=cohort, user__username__contains=".")
    assert attempts.count() > 150
    for attempt in attempts.annotate(
        total=Sum("questions__score"), last=Max("questions__position")
    ):
        assert attempt.total == attempt.score
        assert attempt.last == attempt.max_score
        assert attempt.submitted_at is not None and attempt.graded_at is not None
        assert attempt.started_at < attempt.submitted_at < attempt.graded_at


def test_completion_dates_follow_the_last_required_module(cohort):
    for enrolment in Enrolment.objects.filter(cohort=cohort, status="completed").exclude(
        user__username="graduate"
    ):
        last_required = enrolment.module_progress.filter(module__required=True).aggregate(
            Max("passed_at")
        )["passed_at__max"]
        assert enrolment.completed_at == last_required


def test_the_demo_director_may_create_cohorts(cohort):
    director = cohort.directors.get()
    assert director.has_perm("courses.add_cohort")
    assert director.groups.filter(name="Program directors").exists()
