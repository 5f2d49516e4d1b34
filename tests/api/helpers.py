"""Helpers for the API tests: the error shape, enqueued tasks, and a picture of the database."""

from unittest import mock

from courses.models import Enrolment, PublishStatus
from courses.services.enrolment import lesson_complete
from lms.celery import app
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tasks.enqueue import GRADE_ATTEMPT, ISSUE_CERTIFICATE  # noqa: F401 (the tests import them here)
from tests.factories import enrol, right_answers

PUBLISHED = PublishStatus.PUBLISHED


def assert_error(response, status: int, code: str) -> dict:
    """The reply is `status` with the common error shape and `code`; returns the error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    return error


def keys_anywhere(data) -> set[str]:
    """Every key of every object nested anywhere in a JSON document."""
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_anywhere(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_anywhere(value)}
    return set()


def sent_tasks(callbacks) -> list[tuple[str, tuple]]:
    """Run captured on-commit callbacks with Celery's sending stubbed out.

    Returns (task name, args) for every task they would have sent: nothing reaches a broker.
    """
    with mock.patch.object(app, "send_task") as send_task:
        for callback in callbacks:
            callback()
    return [(call.args[0], tuple(call.kwargs["args"])) for call in send_task.call_args_list]


def complete_course(user, course) -> Enrolment:
    """Enrol `user`, read every published lesson and pass every published quiz, through the
    services (drafts are not the learner's to take)."""
    enrolment = enrol(user, course)
    for module in course.modules.filter(status=PUBLISHED):
        for lesson in module.lessons.filter(status=PUBLISHED):
            lesson_complete(user=user, lesson=lesson)
        for quiz in module.quizzes.filter(status=PUBLISHED):
            attempt, _ = attempt_start(user=user, quiz=quiz)
            attempt_submit(user=user, attempt_id=attempt.id, responses=right_answers(attempt))
            attempt_grade(attempt_id=attempt.id)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    return enrolment
