"""The grade history: every path that changes a score leaves a row saying who, when, why,
old and new."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Attempt, GradeChange
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade, attempt_question_grade, attempts_grade_waiting
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
