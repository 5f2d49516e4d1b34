"""The regrade and grade-history API: a dry run writes nothing, a regrade is a job to follow,
overrides need a reason, and only the course's instructors and staff get anywhere."""

from decimal import Decimal

import pytest

from quizzes.models import Attempt, Choice, GradeChange, RegradeJob
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from quizzes.services.regrade import regrade_job_run
from tasks.enqueue import RUN_REGRADE_JOB
from tests.api.helpers import assert_error, sent_tasks
from tests.factories import enrol, right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(learner, quiz, course) -> Attempt:
    """The learner's attempt, right on every question (3 of 3)."""
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()
    return attempt


def _break_first_key(quiz) -> None:
    """The first question's key now says its second choice is the right one."""
    first = quiz.slots.order_by("position")[0].question
    first.choices.filter(position=1).update(fraction=0)
    first.choices.filter(position=2).update(fraction=1)


def test_a_dry_run_lists_the_change_and_writes_nothing(api, instructor, quiz, graded):
    _break_first_key(quiz)
    url = f"/api/v1/quizzes/{quiz.id}/regrade/"

    response = api(instructor).post(url, {"dry_run": True}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["quiz_id"], body["question_id"], body["checked"]) == (quiz.id, None, 1)
    (change,) = body["changes"]
    assert change["attempt_id"] == graded.id
    assert change["old"] == {"score": "3.00", "percent": "100.00", "passed": True}
    assert change["new"] == {"score": "2.00", "percent": "66.67", "passed": True}
    assert (change["flip"], change["questions_changed"]) == ("", 1)
    assert not RegradeJob.objects.exists()
    assert not GradeChange.objects.filter(kind="regrade").exists()


def test_a_regrade_is_a_job_on_the_grading_queue_to_follow(
    api, instructor, quiz, graded, django_capture_on_commit_callbacks
):
    _break_first_key(quiz)
    client = api(instructor)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/api/v1/quizzes/{quiz.id}/regrade/",
            {"dry_run": False, "reason": "Key fixed."},
            format="json",
        )

    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["reason"], job["total"]) == ("pending", "Key fixed.", 0)
    assert "outcome" not in job
    assert sent_tasks(callbacks) == [(RUN_REGRADE_JOB, (job["id"],))]

    regrade_job_run(job_id=job["id"])

    done = client.get(f"/api/v1/regrade-jobs/{job['id']}/").json()
    assert (done["status"], done["total"], done["done"], done["percent_done"]) == (
        "done",
        1,
        1,
        100,
    )
    assert done["outcome"] == {"attempts_changed": 1, "passed_now": 0, "failed_now": 0}
    assert done["shortfalls"] == []


def test_a_question_of_another_quiz_is_not_found(api, instructor, quiz, course, graded):
    other = course.modules.get(position=2).quizzes.get().slots.first().question

    response = api(instructor).post(
        f"/api/v1/quizzes/{quiz.id}/regrade/", {"question_id": other.id}, format="json"
    )

    assert_error(response, 404, "question_not_in_quiz")


def test_the_history_and_an_override_with_its_reason(api, instructor, graded):
    url = f"/api/v1/attempts/{graded.id}/grade-history/"
    client = api(instructor)
    (first,) = client.get(url).json()["changes"]
    assert (first["kind"], first["changed_by"], first["new_score"]) == ("grading", None, "3.00")

    refused = client.post(url, {"score": "1", "reason": " "}, format="json")
    error = assert_error(refused, 400, "invalid_reason")
    assert "reason" in error["details"]
    too_long = client.post(url, {"score": "1", "reason": "x" * 1001}, format="json")
    assert_error(too_long, 400, "invalid_reason")
    out_of_range = client.post(url, {"score": "4", "reason": "Appeal."}, format="json")
    assert_error(out_of_range, 400, "invalid_score")

    response = client.post(url, {"score": "1.5", "reason": "Appeal upheld."}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["grade"] == {"score": "1.50", "percent": "50.00", "passed": False}
    last = body["changes"][-1]
    assert (last["kind"], last["reason"], last["changed_by"]["id"]) == (
        "override",
        "Appeal upheld.",
        instructor.id,
    )
    assert (last["old_passed"], last["new_passed"]) == (True, False)
    graded.refresh_from_db()
    assert graded.score == Decimal("1.50")


def test_overriding_an_attempt_not_graded_is_a_conflict(api, instructor, learner, quiz, course):
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    response = api(instructor).post(
        f"/api/v1/attempts/{attempt.id}/grade-history/",
        {"score": "1", "reason": "Early."},
        format="json",
    )

    assert_error(response, 409, "attempt_not_graded")


def test_nobody_else_reaches_regrades_or_grade_history(
    api, learner, outsider, instructor, quiz, graded
):
    Choice.objects.update(fraction=1)
    job = RegradeJob.objects.create(quiz=quiz, requested_by=instructor)
    for person in (learner, outsider):
        client = api(person)
        assert_error(
            client.post(f"/api/v1/quizzes/{quiz.id}/regrade/", {}, format="json"),
            403,
            "not_instructor",
        )
        assert_error(client.get(f"/api/v1/regrade-jobs/{job.id}/"), 404, "not_found")
        history = f"/api/v1/attempts/{graded.id}/grade-history/"
        assert_error(client.get(history), 404, "not_found")
        assert_error(
            client.post(history, {"score": "3", "reason": "Mine."}, format="json"), 404, "not_found"
        )
    assert_error(api(None).get(f"/api/v1/regrade-jobs/{job.id}/"), 403, "not_authenticated")
    assert RegradeJob.objects.count() == 1
    assert not GradeChange.objects.exclude(kind="grading").exists()
