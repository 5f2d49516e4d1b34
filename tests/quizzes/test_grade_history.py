"""The grade history: every path that changes a score leaves a row saying who, when, why,
old and new."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from quizzes.models import MAX_GRADE_REASON, Attempt, Choice, GradeChange
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grade_overrides import attempt_grade_override
from quizzes.services.grading import attempt_grade, attempt_question_grade, attempts_grade_waiting
from quizzes.services.regrade import regrade_job_run, regrade_request
from tests.factories import enrol, right_answers, wrong_answers
from tests.quizzes.builders import essay

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(learner, course):
    return enrol(learner, course)


def _submitted(user, quiz, answers) -> Attempt:
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=answers(attempt))
    return attempt


def test_grading_writes_one_row_with_the_first_grade(learner, quiz, enrolled):
    attempt = _submitted(learner, quiz, right_answers)

    attempt_grade(attempt_id=attempt.id)

    change = GradeChange.objects.get()
    assert (change.attempt_id, change.question_id, change.kind) == (attempt.id, None, "grading")
    assert change.changed_by is None  # the worker
    assert (change.old_score, change.new_score) == (None, Decimal("3.00"))
    assert (change.old_percent, change.new_percent) == (None, Decimal("100.00"))
    assert (change.old_passed, change.new_passed) == (None, True)


def test_a_grading_pass_writes_every_attempt_s_row_in_one_statement(
    learner, other_learner, quiz, course, enrolled
):
    enrol(other_learner, course)
    first = _submitted(learner, quiz, right_answers)
    second = _submitted(other_learner, quiz, wrong_answers)

    with CaptureQueriesContext(connection) as queries:
        attempts_grade_waiting(attempt_id=first.id)

    table = GradeChange._meta.db_table
    inserts = [q["sql"] for q in queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(inserts) == 1

    rows = {c.attempt_id: c for c in GradeChange.objects.all()}
    assert set(rows) == {first.id, second.id}
    assert (rows[first.id].new_passed, rows[second.id].new_passed) == (True, False)
    assert rows[second.id].new_score == Decimal("0.00")


def test_running_the_grading_task_twice_writes_no_second_row(learner, quiz, enrolled):
    attempt = _submitted(learner, quiz, right_answers)

    attempts_grade_waiting(attempt_id=attempt.id)
    attempts_grade_waiting(attempt_id=attempt.id)

    assert GradeChange.objects.count() == 1


def test_hand_grading_records_the_essay_and_then_the_attempt(learner, instructor, quiz, enrolled):
    question = essay(quiz, instructor)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    answers[question.id] = {"text": "I would ask what happened first."}
    attempt_submit(user=learner, attempt_id=attempt.id, responses=answers)
    attempt_grade(attempt_id=attempt.id)
    assert not GradeChange.objects.exists()  # waiting for an instructor: no total yet

    attempt_question_grade(
        grader=instructor, attempt_id=attempt.id, question_id=question.id, score="0.5"
    )

    essay_row, total_row = GradeChange.objects.order_by("id")
    assert (essay_row.question_id, essay_row.kind, essay_row.changed_by) == (
        question.id,
        "hand_grading",
        instructor,
    )
    assert (essay_row.old_score, essay_row.new_score) == (None, Decimal("0.50"))
    assert total_row.question_id is None
    assert (total_row.new_score, total_row.new_passed) == (Decimal("3.50"), True)

    attempt_question_grade(
        grader=instructor, attempt_id=attempt.id, question_id=question.id, score="0.5"
    )
    assert GradeChange.objects.count() == 2  # the same score again changes nothing


# --- overrides --------------------------------------------------------------------------------


@pytest.fixture
def graded(learner, quiz, enrolled) -> Attempt:
    attempt = _submitted(learner, quiz, wrong_answers)
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (Decimal("0.00"), False)
    return attempt


def test_overriding_the_total_keeps_the_reason_and_progress_follows(
    instructor, graded, enrolled, quiz
):
    attempt_grade_override(
        actor=instructor, attempt_id=graded.id, score="2", reason="Marked on paper: 2 of 3."
    )

    graded.refresh_from_db()
    assert (graded.score, graded.percent, graded.passed) == (
        Decimal("2.00"),
        Decimal("66.67"),
        True,
    )
    row = GradeChange.objects.get(kind="override")
    assert (row.question_id, row.changed_by, row.reason) == (
        None,
        instructor,
        "Marked on paper: 2 of 3.",
    )
    assert (row.old_score, row.new_score, row.old_passed, row.new_passed) == (
        Decimal("0.00"),
        Decimal("2.00"),
        False,
        True,
    )
    progress = enrolled.module_progress.get(module=quiz.module)
    assert progress.score_percent == Decimal("66.67")


def test_overriding_one_question_makes_the_total_again(instructor, graded):
    item = graded.questions.order_by("position")[0]

    attempt_grade_override(
        actor=instructor,
        attempt_id=graded.id,
        question_id=item.question_id,
        score="1",
        reason="Both readings of the question are right.",
    )

    item.refresh_from_db()
    graded.refresh_from_db()
    assert (item.score, item.fraction, graded.score) == (
        Decimal("1.00"),
        Decimal("1"),
        Decimal("1.00"),
    )
    question_row, total_row = GradeChange.objects.filter(kind="override").order_by("id")
    assert question_row.question_id == item.question_id
    assert (total_row.question_id, total_row.new_score) == (None, Decimal("1.00"))


@pytest.mark.parametrize(
    ("score", "reason", "code"),
    [
        ("2", "", "invalid_reason"),
        ("2", "   ", "invalid_reason"),
        ("2", "x" * (MAX_GRADE_REASON + 1), "invalid_reason"),
        ("4", "Out of range.", "invalid_score"),
        ("-1", "Out of range.", "invalid_score"),
        ("two", "Not a number.", "invalid_score"),
        ("0", "The same score.", "no_change"),
    ],
)
def test_an_override_is_refused_without_a_reason_or_out_of_bounds(
    instructor, graded, score, reason, code
):
    with pytest.raises(ApplicationError) as caught:
        attempt_grade_override(actor=instructor, attempt_id=graded.id, score=score, reason=reason)

    assert caught.value.code == code
    graded.refresh_from_db()
    assert graded.score == Decimal("0.00")
    assert not GradeChange.objects.filter(kind="override").exists()


def test_only_the_course_s_instructors_override_and_never_their_own_attempt(
    graded, outsider, learner, instructor, quiz, course
):
    with pytest.raises(NotFound):
        attempt_grade_override(actor=outsider, attempt_id=graded.id, score="1", reason="Why not.")
    with pytest.raises(NotFound):
        attempt_grade_override(actor=learner, attempt_id=graded.id, score="3", reason="Mine.")
    enrol(instructor, course)
    own = _submitted(instructor, quiz, wrong_answers)
    attempt_grade(attempt_id=own.id)
    with pytest.raises(PermissionDenied):
        attempt_grade_override(actor=instructor, attempt_id=own.id, score="3", reason="Mine.")
    assert not GradeChange.objects.filter(kind="override").exists()


def test_an_attempt_not_graded_yet_cannot_be_overridden(instructor, learner, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    with pytest.raises(Conflict):
        attempt_grade_override(actor=instructor, attempt_id=attempt.id, score="1", reason="Early.")


def test_a_regrade_keeps_an_overridden_total_and_question(instructor, graded, other_learner, quiz):
    first, second = (i.question for i in graded.questions.order_by("position")[:2])
    attempt_grade_override(
        actor=instructor,
        attempt_id=graded.id,
        question_id=first.id,
        score="1",
        reason="Accepted on appeal.",
    )
    # Every choice of the first two questions earns the points now.
    Choice.objects.filter(question__in=[first, second]).update(fraction=1)

    job = regrade_request(actor=instructor, quiz=quiz)
    regrade_job_run(job_id=job.pk)

    graded.refresh_from_db()
    assert graded.score == Decimal("2.00")  # the appeal's point stands, the second is regraded
    attempt_grade_override(
        actor=instructor, attempt_id=graded.id, score="1.5", reason="Half marks agreed."
    )
    Choice.objects.filter(question=graded.questions.order_by("position")[2].question).update(
        fraction=1
    )
    regrade_job_run(job_id=regrade_request(actor=instructor, quiz=quiz).pk)
    graded.refresh_from_db()
    assert graded.score == Decimal("1.50")  # a total set by hand stands


# --- the attempt's grades page ----------------------------------------------------------------


def test_the_grades_page_shows_the_history_and_overrides_with_a_reason(client, instructor, graded):
    url = reverse("teach-attempt-grades", kwargs={"attempt_id": graded.id})
    client.force_login(instructor)
    page = client.get(url).content.decode()
    assert "Graded automatically" in page and "Grading worker" in page

    refused = client.post(url, {"target": "total", "score": "2", "reason": ""})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    too_high = client.post(url, {"target": "total", "score": "9", "reason": "Appeal upheld."})
    assert "The score is a number from 0 to 3." in too_high.content.decode()
    assert not GradeChange.objects.filter(kind="override").exists()

    response = client.post(url, {"target": "total", "score": "2", "reason": "Appeal upheld."})

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Overridden" in page and "Appeal upheld." in page and "(fail → pass)" in page


def test_the_grades_page_is_hidden_from_everyone_but_the_course_s_instructors(
    client, graded, learner, outsider, instructor
):
    url = reverse("teach-attempt-grades", kwargs={"attempt_id": graded.id})
    for person in (learner, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
        body = {"target": "total", "score": "3", "reason": "Mine."}
        assert client.post(url, body).status_code == 404
    assert not GradeChange.objects.filter(kind="override").exists()
