"""The Celery tasks as plain functions: called directly, never through a broker or eager mode."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate, CreditClaim
from certificates.services.issue import certificate_request
from courses.models import Enrolment, LessonProgress, ModuleProgress
from lms.celery import app
from quizzes.models import Attempt, AttemptQuestion
from quizzes.services.attempts import (
    DEADLINE_GRACE,
    attempt_save_response,
    attempt_start,
    attempt_submit,
)
from tasks.certificates import issue_certificate
from tasks.config import STUCK_AFTER, Queues
from tasks.enqueue import GRADE_ATTEMPT, ISSUE_CERTIFICATE
from tasks.grading import grade_attempt
from tasks.maintenance import sweep_stuck_work
from tests.factories import enrol, right_answers

pytestmark = pytest.mark.django_db

COMPLETED_AT = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _submitted_attempt(learner, course) -> Attempt:
    enrol(learner, course)
    quiz = course.modules.first().quizzes.get()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt.refresh_from_db()
    return attempt


def _completed_enrolment(learner, course) -> Enrolment:
    """Completed, with the course's credit claimed: ready for its certificate."""
    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=COMPLETED_AT
    )
    enrolment.refresh_from_db()
    CreditClaim.objects.create(enrolment=enrolment, credits=course.max_credits)
    return enrolment


def _row_counts() -> dict[str, int]:
    return {
        "attempts": Attempt.objects.count(),
        "attempt_questions": AttemptQuestion.objects.count(),
        "module_progress": ModuleProgress.objects.count(),
        "lesson_progress": LessonProgress.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "certificates": Certificate.objects.count(),
    }


def _backdate_submission(attempt: Attempt, *, by: timedelta) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - by)


# --- grade_attempt ------------------------------------------------------------------------


def test_grade_attempt_grades_a_submitted_attempt(learner, course):
    attempt = _submitted_attempt(learner, course)

    grade_attempt.run(attempt.id)

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert str(attempt.percent) == "100.00"
    assert str(attempt.score) == "3.00"
    assert attempt.passed is True
    assert attempt.graded_at is not None


def test_grade_attempt_twice_changes_nothing_the_second_time(learner, course):
    attempt = _submitted_attempt(learner, course)
    grade_attempt.run(attempt.id)
    first = Attempt.objects.get(pk=attempt.id)
    progress_before = list(ModuleProgress.objects.order_by("id").values())
    scores_before = list(attempt.questions.order_by("id").values_list("id", "score"))
    counts_before = _row_counts()

    grade_attempt.run(attempt.id)

    second = Attempt.objects.get(pk=attempt.id)
    assert (second.graded_at, second.score, second.percent, second.passed) == (
        first.graded_at,
        first.score,
        first.percent,
        first.passed,
    )
    assert list(attempt.questions.order_by("id").values_list("id", "score")) == scores_before
    assert list(ModuleProgress.objects.order_by("id").values()) == progress_before
    assert _row_counts() == counts_before


def test_grade_attempt_on_a_missing_id_does_nothing(learner, course):
    enrol(learner, course)
    counts_before = _row_counts()

    assert grade_attempt.run(987654321) is None

    assert _row_counts() == counts_before


def test_grade_attempt_leaves_an_in_progress_attempt_alone(learner, course):
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=course.modules.first().quizzes.get())

    grade_attempt.run(attempt.id)

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert (attempt.score, attempt.percent, attempt.passed, attempt.graded_at) == (
        None,
        None,
        None,
        None,
    )
    assert list(attempt.questions.values_list("score", flat=True)) == [None, None, None]


# --- issue_certificate --------------------------------------------------------------------


def test_issue_certificate_renders_a_ready_certificate(learner, course):
    enrolment = _completed_enrolment(learner, course)

    issue_certificate.run(enrolment.id)

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.READY
    assert certificate.render_attempts == 1
    assert certificate.pdf.name == f"certificates/{certificate.code}.pdf"
    assert len(certificate.sha256) == 64


def test_issue_certificate_twice_keeps_the_same_code_checksum_and_file(learner, course, media_root):
    enrolment = _completed_enrolment(learner, course)
    issue_certificate.run(enrolment.id)
    first = Certificate.objects.get(enrolment=enrolment)
    first_bytes = first.pdf.read()

    issue_certificate.run(enrolment.id)

    second = Certificate.objects.get(enrolment=enrolment)  # still exactly one row
    assert (second.pk, second.code, second.sha256, second.pdf.name) == (
        first.pk,
        first.code,
        first.sha256,
        first.pdf.name,
    )
    assert (second.rendered_at, second.render_attempts) == (first.rendered_at, 1)
    assert second.pdf.read() == first_bytes
    assert sorted(p.name for p in (media_root / "certificates").iterdir()) == [f"{first.code}.pdf"]


def test_issue_certificate_for_an_active_enrolment_creates_nothing(learner, course, media_root):
    enrolment = enrol(learner, course)

    assert issue_certificate.run(enrolment.id) is None

    assert not Certificate.objects.exists()
    assert not (media_root / "certificates").exists()


def test_issue_certificate_for_a_missing_enrolment_creates_nothing():
    assert issue_certificate.run(987654321) is None

    assert not Certificate.objects.exists()


# --- options and routes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        (grade_attempt, Queues.GRADING),
        (issue_certificate, Queues.CERTIFICATES),
        (sweep_stuck_work, Queues.GRADING),
    ],
    ids=["grade_attempt", "issue_certificate", "sweep_stuck_work"],
)
def test_task_is_routed_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task.name)["queue"].name == queue


@pytest.mark.parametrize(
    "task", [grade_attempt, issue_certificate, sweep_stuck_work], ids=lambda t: t.name
)
def test_task_acknowledges_late_and_has_a_soft_limit_below_its_hard_limit(task):
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.soft_time_limit is not None
    assert task.time_limit is not None
    assert task.soft_time_limit < task.time_limit


@pytest.mark.parametrize("task", [grade_attempt, issue_certificate], ids=lambda t: t.name)
def test_task_retries_a_bounded_number_of_times(task):
    assert task.max_retries == 5
    assert task.retry_backoff


def test_beat_sweeps_stuck_work_every_minute():
    entry = app.conf.beat_schedule["sweep-stuck-work"]
    assert entry["task"] == sweep_stuck_work.name
    assert entry["schedule"] == timedelta(minutes=1)


# --- sweep_stuck_work ---------------------------------------------------------------------


@pytest.fixture
def delays(sends):
    """The grading and certificate tasks the sweeper sends: its logic is under test."""
    return sends[GRADE_ATTEMPT], sends[ISSUE_CERTIFICATE]


def test_sweep_re_enqueues_an_attempt_stuck_in_submitted(
    learner, course, delays, django_capture_on_commit_callbacks
):
    grade, issue = delays
    attempt = _submitted_attempt(learner, course)
    _backdate_submission(attempt, by=STUCK_AFTER + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    grade.assert_called_once_with(attempt.id)
    issue.assert_not_called()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED  # the worker grades it, not the sweeper


def test_sweep_leaves_a_freshly_submitted_attempt_to_its_own_message(
    learner, course, delays, django_capture_on_commit_callbacks
):
    grade, issue = delays
    attempt = _submitted_attempt(learner, course)
    _backdate_submission(attempt, by=STUCK_AFTER - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    grade.assert_not_called()
    issue.assert_not_called()


def test_sweep_submits_an_overdue_attempt_with_the_answers_saved_so_far(
    learner, course, delays, django_capture_on_commit_callbacks
):
    grade, _ = delays
    enrol(learner, course)
    quiz = course.modules.first().quizzes.get()
    quiz.time_limit_minutes = 20
    quiz.save()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    first_item = attempt.questions.select_related("question").first()
    assert first_item is not None
    answer = {"choice_ids": [first_item.choice_order[0]]}
    attempt_save_response(
        user=learner, attempt_id=attempt.id, question_id=first_item.question_id, response=answer
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - DEADLINE_GRACE - timedelta(seconds=5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.submitted_by_system is True
    assert attempt.submitted_at is not None
    responses = dict(attempt.questions.values_list("question_id", "response"))
    assert responses.pop(first_item.question_id) == answer
    assert list(responses.values()) == [None, None]
    grade.assert_called_once_with(attempt.id)  # enqueued once, on commit; not again as stuck


def test_sweep_leaves_an_attempt_within_its_deadline_grace_open(
    learner, course, delays, django_capture_on_commit_callbacks
):
    grade, _ = delays
    enrol(learner, course)
    quiz = course.modules.first().quizzes.get()
    quiz.time_limit_minutes = 20
    quiz.save()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - DEADLINE_GRACE + timedelta(seconds=10)
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert attempt.submitted_by_system is False
    grade.assert_not_called()


def test_sweep_re_enqueues_a_certificate_pending_for_too_long(
    learner, course, delays, django_capture_on_commit_callbacks
):
    grade, issue = delays
    enrolment = _completed_enrolment(learner, course)
    with django_capture_on_commit_callbacks(execute=False):  # its first message is "lost"
        certificate = certificate_request(enrolment=enrolment)
        assert certificate is not None
    Certificate.objects.filter(pk=certificate.pk).update(
        created_at=timezone.now() - STUCK_AFTER - timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    issue.assert_called_once_with(enrolment.id)
    grade.assert_not_called()


def test_sweep_re_enqueues_a_completed_enrolment_that_has_no_certificate(
    learner, course, delays, django_capture_on_commit_callbacks
):
    _, issue = delays
    enrolment = _completed_enrolment(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=timezone.now() - STUCK_AFTER - timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    issue.assert_called_once_with(enrolment.id)


def test_sweep_leaves_a_fresh_pending_certificate_to_its_own_message(
    learner, course, delays, django_capture_on_commit_callbacks
):
    grade, issue = delays
    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    enrolment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        certificate_request(enrolment=enrolment)

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    issue.assert_not_called()
    grade.assert_not_called()


def test_sweep_leaves_a_freshly_completed_enrolment_to_its_own_message(
    learner, course, delays, django_capture_on_commit_callbacks
):
    _, issue = delays
    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    issue.assert_not_called()


def test_sweep_leaves_a_ready_certificate_alone(
    learner, course, delays, django_capture_on_commit_callbacks
):
    _, issue = delays
    enrolment = _completed_enrolment(learner, course)
    issue_certificate.run(enrolment.id)
    Certificate.objects.filter(enrolment=enrolment).update(
        created_at=timezone.now() - STUCK_AFTER - timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_stuck_work.run()

    issue.assert_not_called()
