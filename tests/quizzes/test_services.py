"""Quiz services and grading rules: starting, resuming, answering, submitting, scoring."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lms.errors import ApplicationError, NotFound, PermissionDenied
from quizzes.models import Attempt, AttemptQuestion, Choice, Question, QuestionCategory, QuizSlot
from quizzes.scoring import grade_choice_question
from quizzes.selectors.review import attempt_view
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.factories import enrol, right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(learner, course):
    return enrol(learner, course)


def _responses(attempt: Attempt) -> dict[int, object]:
    return dict(attempt.questions.values_list("question_id", "response"))


# --- starting -----------------------------------------------------------------------------


def test_attempt_start_freezes_every_question_of_the_quiz(learner, quiz, enrolled):
    attempt, created = attempt_start(user=learner, quiz=quiz)

    assert created is True
    assert (attempt.number, attempt.state) == (1, Attempt.State.IN_PROGRESS)
    assert sorted(attempt.questions.values_list("question_id", flat=True)) == sorted(
        quiz.slots.values_list("question_id", flat=True)
    )


def test_attempt_start_without_enrolment_is_refused(outsider, quiz):
    with pytest.raises(PermissionDenied) as caught:
        attempt_start(user=outsider, quiz=quiz)

    assert caught.value.code == "not_enrolled"
    assert not Attempt.objects.exists()


def test_attempt_start_resumes_the_open_attempt(learner, quiz, enrolled):
    first, _ = attempt_start(user=learner, quiz=quiz)

    again, created = attempt_start(user=learner, quiz=quiz)

    assert created is False
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1
    assert AttemptQuestion.objects.count() == 3


def test_a_second_attempt_is_refused_when_one_is_allowed(learner, quiz, enrolled):
    quiz.attempts_allowed = 1
    quiz.save()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)

    with pytest.raises(ApplicationError) as caught:
        attempt_start(user=learner, quiz=quiz)

    assert caught.value.code == "no_attempts_left"
    assert Attempt.objects.count() == 1
    assert AttemptQuestion.objects.count() == 3


def test_a_quiz_not_yet_open_refuses_to_start(learner, quiz, enrolled):
    quiz.opens_at = timezone.now() + timedelta(hours=1)
    quiz.save()

    with pytest.raises(ApplicationError) as caught:
        attempt_start(user=learner, quiz=quiz)

    assert caught.value.code == "quiz_not_open"
    assert not Attempt.objects.exists()


def test_a_closed_quiz_refuses_to_start(learner, quiz, enrolled):
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()

    with pytest.raises(ApplicationError) as caught:
        attempt_start(user=learner, quiz=quiz)

    assert caught.value.code == "quiz_closed"
    assert not Attempt.objects.exists()


def test_the_deadline_is_the_time_limit_from_the_start(learner, quiz, enrolled):
    quiz.time_limit_minutes = 20
    quiz.save()
    before = timezone.now()

    attempt, _ = attempt_start(user=learner, quiz=quiz)

    assert attempt.deadline is not None
    assert before + timedelta(minutes=20) <= attempt.deadline
    assert attempt.deadline <= timezone.now() + timedelta(minutes=20)


def test_the_deadline_is_the_closing_time_when_that_comes_first(learner, quiz, enrolled):
    quiz.time_limit_minutes = 60
    quiz.closes_at = timezone.now() + timedelta(minutes=10)
    quiz.save()

    attempt, _ = attempt_start(user=learner, quiz=quiz)

    assert attempt.deadline == quiz.closes_at


# --- shuffling ----------------------------------------------------------------------------


@pytest.fixture
def many_choices_quiz(quiz):
    """One question with eight choices: a shuffle that changes nothing is rare (1 in 40,320)."""
    quiz.slots.all().delete()
    category = QuestionCategory.objects.get(course=quiz.module.course, name=quiz.module.title)
    question = Question.objects.create(
        category=category, name="Escalation", text="Who do you call first?"
    )
    for position in range(1, 9):
        Choice.objects.create(
            question=question,
            position=position,
            text=f"Option {position}",
            fraction=Decimal("1") if position == 1 else Decimal("0"),
        )
    QuizSlot.objects.create(quiz=quiz, position=1, question=question)
    quiz.shuffle_choices = True
    quiz.save()
    return quiz


def test_the_frozen_choice_order_is_the_same_on_every_read(learner, many_choices_quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=many_choices_quiz)
    frozen = attempt.questions.get().choice_order

    reads = [
        [c.id for c in attempt_view(attempt=attempt, user=learner).questions[0].choices]
        for _ in range(3)
    ]
    resumed, _ = attempt_start(user=learner, quiz=many_choices_quiz)

    assert reads == [frozen, frozen, frozen]
    assert resumed.questions.get().choice_order == frozen
    question = many_choices_quiz.slots.get().question
    assert sorted(frozen) == sorted(question.choices.values_list("id", flat=True))


def test_choices_are_shuffled_per_attempt(learner, many_choices_quiz, enrolled):
    orders = set()
    for _ in range(3):
        attempt, _ = attempt_start(user=learner, quiz=many_choices_quiz)
        orders.add(tuple(attempt.questions.get().choice_order))
        attempt_submit(user=learner, attempt_id=attempt.id)

    assert len(orders) > 1  # three identical shuffles of eight: about 1 in 1.6 billion


# --- answering and submitting -------------------------------------------------------------


def test_a_saved_answer_is_kept(learner, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.first()
    assert item is not None

    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=item.question_id,
        response={"choice_ids": [item.choice_order[0]]},
    )

    item.refresh_from_db()
    assert item.response == {"choice_ids": [item.choice_order[0]]}


def test_someone_elses_attempt_is_not_found(learner, other_learner, course, quiz, enrolled):
    enrol(other_learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    with pytest.raises(NotFound):
        attempt_submit(user=other_learner, attempt_id=attempt.id)

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_submit_with_a_choice_from_another_question_changes_nothing(
    learner, quiz, enrolled, django_capture_on_commit_callbacks
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    first, second, third = attempt.questions.order_by("position")
    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=first.question_id,
        response={"choice_ids": [first.choice_order[0]]},
    )
    before = _responses(attempt)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ApplicationError) as caught,
    ):
        attempt_submit(
            user=learner,
            attempt_id=attempt.id,
            responses={
                first.question_id: {"choice_ids": [first.choice_order[1]]},
                second.question_id: {"choice_ids": [third.choice_order[0]]},
            },
        )

    assert caught.value.code == "invalid_choice"
    assert caught.value.details == {
        "question_id": second.question_id,
        "choice_ids": [third.choice_order[0]],
    }
    assert _responses(attempt) == before
    attempt.refresh_from_db()
    assert (attempt.state, attempt.submitted_at) == (Attempt.State.IN_PROGRESS, None)
    assert callbacks == []


def test_submit_moves_the_attempt_to_submitted_and_enqueues_grading_on_commit(
    learner, quiz, enrolled, django_capture_on_commit_callbacks
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    with django_capture_on_commit_callbacks() as callbacks:
        attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.submitted_by_system is False
    assert len(callbacks) == 1


def test_a_submitted_attempt_takes_no_more_answers(learner, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id)
    item = attempt.questions.first()
    assert item is not None

    with pytest.raises(ApplicationError) as caught:
        attempt_save_response(
            user=learner,
            attempt_id=attempt.id,
            question_id=item.question_id,
            response={"choice_ids": [item.choice_order[0]]},
        )

    assert caught.value.code == "attempt_closed"
    assert set(_responses(attempt).values()) == {None}


def test_an_answer_after_the_deadline_and_grace_is_refused(learner, quiz, enrolled):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=31))
    item = attempt.questions.first()
    assert item is not None

    with pytest.raises(ApplicationError) as caught:
        attempt_save_response(
            user=learner,
            attempt_id=attempt.id,
            question_id=item.question_id,
            response={"choice_ids": [item.choice_order[0]]},
        )

    assert caught.value.code == "attempt_time_up"
    item.refresh_from_db()
    assert item.response is None


def test_grading_scores_each_question_and_the_total(learner, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    wrong_item = attempt.questions.order_by("position").first()
    assert wrong_item is not None
    wrong_choice = wrong_item.question.choices.get(position=2)
    answers[wrong_item.question_id] = {"choice_ids": [wrong_choice.id]}
    attempt_submit(user=learner, attempt_id=attempt.id, responses=answers)

    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None

    assert (graded.score, graded.max_score, graded.percent, graded.passed) == (
        Decimal("2.00"),
        Decimal("3.00"),
        Decimal("66.67"),
        True,
    )
    assert list(graded.questions.order_by("position").values_list("score", flat=True)) == [
        Decimal("0.00"),
        Decimal("1.00"),
        Decimal("1.00"),
    ]


# --- grading rules ------------------------------------------------------------------------

SINGLE = Question.Type.SINGLE_CHOICE
MULTIPLE = Question.Type.MULTIPLE_RESPONSE
TRUE_FALSE = Question.Type.TRUE_FALSE
D = Decimal


@pytest.mark.parametrize(
    ("question_type", "fractions", "chosen", "points", "score", "fraction"),
    [
        # single choice and true/false: the chosen choice's fraction
        (SINGLE, {1: D("1"), 2: D("0"), 3: D("0")}, [1], D("2"), D("2.00"), D("1")),
        (SINGLE, {1: D("1"), 2: D("0"), 3: D("0")}, [2], D("2"), D("0.00"), D("0")),
        (SINGLE, {1: D("1"), 2: D("0"), 3: D("0")}, [], D("2"), D("0.00"), D("0")),
        (SINGLE, {1: D("1"), 2: D("0.5"), 3: D("0")}, [2], D("3"), D("1.50"), D("0.5")),
        (SINGLE, {1: D("1"), 2: D("-0.5")}, [2], D("2"), D("0.00"), D("0")),
        (SINGLE, {1: D("1"), 2: D("0")}, [99], D("2"), D("0.00"), D("0")),
        (TRUE_FALSE, {1: D("1"), 2: D("0")}, [1], D("1"), D("1.00"), D("1")),
        (TRUE_FALSE, {1: D("1"), 2: D("0")}, [2], D("1"), D("0.00"), D("0")),
        # multiple response: the sum, floored at 0 and capped at 1
        (MULTIPLE, {1: D("0.5"), 2: D("0.5"), 3: D("-1")}, [1, 2], D("2"), D("2.00"), D("1")),
        (MULTIPLE, {1: D("0.5"), 2: D("0.5"), 3: D("-1")}, [1], D("2"), D("1.00"), D("0.5")),
        (
            MULTIPLE,
            {1: D("0.5"), 2: D("0.5"), 3: D("-0.25")},
            [1, 3],
            D("2"),
            D("0.50"),
            D("0.25"),
        ),
        (MULTIPLE, {1: D("0.5"), 2: D("0.5"), 3: D("-1")}, [1, 3], D("2"), D("0.00"), D("0")),
        (MULTIPLE, {1: D("0.6"), 2: D("0.6"), 3: D("0")}, [1, 2], D("2"), D("2.00"), D("1")),
        (MULTIPLE, {1: D("0.5"), 2: D("0.5")}, [1, 1], D("2"), D("1.00"), D("0.5")),
        (MULTIPLE, {1: D("0.5"), 2: D("0.5")}, [], D("2"), D("0.00"), D("0")),
        # rounding to cents, half up
        (
            MULTIPLE,
            {1: D("0.33333"), 2: D("0.33333"), 3: D("0.33334")},
            [1],
            D("1"),
            D("0.33"),
            D("0.33333"),
        ),
        (SINGLE, {1: D("0.125")}, [1], D("1"), D("0.13"), D("0.125")),
    ],
    ids=[
        "single-right",
        "single-wrong",
        "single-none",
        "single-partial",
        "single-negative-floors-at-0",
        "single-unknown-choice-ignored",
        "true-false-right",
        "true-false-wrong",
        "multiple-all-right",
        "multiple-half",
        "multiple-penalty-subtracts",
        "multiple-floors-at-0",
        "multiple-caps-at-1",
        "multiple-duplicate-counted-once",
        "multiple-none",
        "rounds-to-cents",
        "rounds-half-up",
    ],
)
def test_grade_choice_question(question_type, fractions, chosen, points, score, fraction):
    result = grade_choice_question(
        question_type=question_type, fractions=fractions, chosen=chosen, points=points
    )

    assert (result.score, result.fraction) == (score, fraction)


def test_grading_costs_the_same_queries_however_many_attempts_came_before(
    learner, quiz, enrolled, django_assert_num_queries
):
    # A failed attempt at a required module: its progress is read from rows, never per
    # attempt, and the completion check (which could only say no) is skipped. One of the
    # queries writes the grade history's row.
    quiz.attempts_allowed = None
    quiz.save(update_fields=["attempts_allowed"])
    for _ in range(3):
        attempt, _ = attempt_start(user=learner, quiz=quiz)
        attempt_submit(user=learner, attempt_id=attempt.id)  # nothing answered: it fails
        with django_assert_num_queries(15):
            graded = attempt_grade(attempt_id=attempt.id)
            assert graded is not None
        assert graded.passed is False
    progress = enrolled.module_progress.get(module=quiz.module)
    assert (progress.status, progress.attempts_count) == ("failed", 3)
