"""Every question type through the services: authoring, freezing, answering, grading, essays."""

from decimal import Decimal

import pytest

from courses.models import ModuleProgress
from lms.errors import ApplicationError, NotFound, PermissionDenied
from quizzes.models import Attempt, AttemptQuestion, Question
from quizzes.selectors.review import HIDDEN, attempt_view
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.authoring import question_create, question_update
from quizzes.services.grading import attempt_grade, attempt_question_grade
from tests.factories import enrol
from tests.quizzes.builders import (
    BUILDERS,
    T,
    essay,
    matching,
    quiz_of_every_type,
    right_response,
    short_answer,
    wrong_response,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(learner, course):
    return enrol(learner, course)


@pytest.fixture
def every_type(quiz, instructor):
    return quiz_of_every_type(quiz, instructor)


def _items(attempt) -> dict[str, AttemptQuestion]:
    return {i.question.type: i for i in attempt.questions.select_related("question")}


def _progress(learner, quiz) -> ModuleProgress:
    return ModuleProgress.objects.get(enrolment__user=learner, module=quiz.module)


# --- freezing ---------------------------------------------------------------------------------


def test_start_shows_choices_and_prompts_but_never_the_rows_of_other_keys(
    learner, quiz, enrolled, every_type
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    items = _items(attempt)

    for kind in (T.SINGLE_CHOICE, T.MULTIPLE_RESPONSE, T.TRUE_FALSE):
        assert sorted(items[kind].choice_order) == sorted(
            every_type[kind].choices.values_list("id", flat=True)
        )
    for kind in (T.SHORT_ANSWER, T.NUMERICAL, T.ESSAY, T.DESCRIPTION):
        assert (items[kind].choice_order, items[kind].options) == ([], [])
    prompts = every_type[T.MATCHING].choices.exclude(text="")
    assert sorted(items[T.MATCHING].choice_order) == sorted(prompts.values_list("id", flat=True))
    assert sorted(items[T.MATCHING].options) == [
        "The history",
        "What is happening now",
        "What you need",
        "Who is on call",
    ]
    assert items[T.DESCRIPTION].points == Decimal("0")


def test_matching_options_are_alphabetical_when_not_shuffled(learner, quiz, enrolled, instructor):
    quiz.slots.all().delete()
    quiz.shuffle_choices = False
    quiz.save()
    matching(quiz, instructor)

    attempt, _ = attempt_start(user=learner, quiz=quiz)

    item = attempt.questions.get()
    # Not the authoring order, which would pair option n with prompt n.
    assert item.options == [
        "The history",
        "What is happening now",
        "What you need",
        "Who is on call",
    ]


# --- answering: each type's shape -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "response", "stored"),
    [
        (T.SHORT_ANSWER, {"text": " KEYSBAR "}, {"text": " KEYSBAR "}),
        (T.NUMERICAL, {"value": "8765.50"}, {"value": "8765.50"}),
        (T.NUMERICAL, {"value": 12}, {"value": "12"}),
        (T.NUMERICAL, {"value": 1.5}, {"value": "1.5"}),
        (T.ESSAY, {"text": "Start with what I saw."}, {"text": "Start with what I saw."}),
    ],
)
def test_text_and_number_responses_are_stored(
    learner, quiz, enrolled, every_type, kind, response, stored
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = _items(attempt)[kind]

    attempt_save_response(
        user=learner, attempt_id=attempt.id, question_id=item.question_id, response=response
    )

    item.refresh_from_db()
    assert item.response == stored


def test_matching_responses_are_stored_with_string_keys_and_without_blanks(
    learner, quiz, enrolled, every_type
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = _items(attempt)[T.MATCHING]
    first, second, third = item.choice_order

    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=item.question_id,
        response={"matches": {str(third): 1, first: 2, str(second): None}},
    )

    item.refresh_from_db()
    assert item.response == {"matches": {str(first): 2, str(third): 1}}


@pytest.mark.parametrize(
    ("kind", "response", "code"),
    [
        (T.SHORT_ANSWER, {"text": 5}, "invalid_response"),
        (T.SHORT_ANSWER, {"choice_ids": []}, "invalid_response"),
        (T.SHORT_ANSWER, {"text": "x" * 501}, "response_too_long"),
        (T.ESSAY, {"text": "x" * 20_001}, "response_too_long"),
        (T.NUMERICAL, {"value": "twelve"}, "invalid_number"),
        (T.NUMERICAL, {"value": "NaN"}, "invalid_number"),
        (T.NUMERICAL, {"value": "1,5"}, "invalid_number"),
        (T.NUMERICAL, {"value": True}, "invalid_number"),
        (T.NUMERICAL, {"value": None}, "invalid_number"),
        (T.NUMERICAL, {"text": "12"}, "invalid_response"),
        (T.MATCHING, {"matches": [1, 2]}, "invalid_response"),
        (T.MATCHING, {"matches": {"abc": 1}}, "invalid_response"),
        (T.MATCHING, {"matches": {"999999": 1}}, "invalid_option"),
        (T.MATCHING, {"matches": {"PROMPT": 0}}, "invalid_option"),
        (T.MATCHING, {"matches": {"PROMPT": 5}}, "invalid_option"),
        (T.MATCHING, {"matches": {"PROMPT": "1"}}, "invalid_response"),
        (T.DESCRIPTION, {"text": "hello"}, "invalid_response"),
    ],
)
def test_bad_responses_are_refused_and_change_nothing(
    learner, quiz, enrolled, every_type, kind, response, code
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = _items(attempt)[kind]
    if kind == T.MATCHING and "matches" in response and isinstance(response["matches"], dict):
        response = {
            "matches": {
                (str(item.choice_order[0]) if k == "PROMPT" else k): v
                for k, v in response["matches"].items()
            }
        }

    with pytest.raises(ApplicationError) as caught:
        attempt_save_response(
            user=learner, attempt_id=attempt.id, question_id=item.question_id, response=response
        )

    assert caught.value.code == code
    assert caught.value.status == 400
    assert caught.value.details["question_id"] == item.question_id
    item.refresh_from_db()
    assert (item.response, item.responded_at) == (None, None)


# --- grading every type ----------------------------------------------------------------------


def test_right_answers_to_every_automatic_type_score_full_marks(
    learner, quiz, enrolled, instructor
):
    quiz_of_every_type(quiz, instructor, essay_too=False)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    responses = {i.question_id: right_response(i) for i in attempt.questions.all()}
    responses = {qid: r for qid, r in responses.items() if r is not None}
    attempt_submit(user=learner, attempt_id=attempt.id, responses=responses)

    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None

    assert graded.state == Attempt.State.GRADED
    # Six graded questions of one point each; the description carries none.
    assert (graded.score, graded.max_score, graded.percent, graded.passed) == (
        Decimal("6.00"),
        Decimal("6.00"),
        Decimal("100.00"),
        True,
    )
    scores = {i.question.type: i.score for i in graded.questions.select_related("question")}
    assert scores == {
        T.SINGLE_CHOICE: Decimal("1.00"),
        T.MULTIPLE_RESPONSE: Decimal("1.00"),
        T.TRUE_FALSE: Decimal("1.00"),
        T.SHORT_ANSWER: Decimal("1.00"),
        T.NUMERICAL: Decimal("1.00"),
        T.MATCHING: Decimal("1.00"),
        T.DESCRIPTION: None,
    }
    assert _progress(learner, quiz).score_percent == Decimal("100.00")


def test_partial_answers_earn_their_fractions(learner, quiz, enrolled, instructor):
    quiz_of_every_type(quiz, instructor, essay_too=False)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    items = _items(attempt)
    mr = items[T.MULTIPLE_RESPONSE].question.choices.order_by("position")
    m = items[T.MATCHING]
    situation = m.question.choices.get(text="Situation")
    responses = {
        items[T.SINGLE_CHOICE].question_id: wrong_response(items[T.SINGLE_CHOICE]),
        items[T.MULTIPLE_RESPONSE].question_id: {"choice_ids": [mr[0].id]},
        items[T.SHORT_ANSWER].question_id: {"text": "keysbxyz"},
        items[T.NUMERICAL].question_id: {"value": "8799"},
        m.question_id: {
            "matches": {str(situation.id): m.options.index("What is happening now") + 1}
        },
    }
    attempt_submit(user=learner, attempt_id=attempt.id, responses=responses)

    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None

    scores = {i.question.type: i.score for i in graded.questions.select_related("question")}
    assert scores[T.SINGLE_CHOICE] == Decimal("0.00")
    assert scores[T.MULTIPLE_RESPONSE] == Decimal("0.50")
    assert scores[T.SHORT_ANSWER] == Decimal("0.50")
    assert scores[T.NUMERICAL] == Decimal("0.50")
    assert scores[T.MATCHING] == Decimal("0.33")
    assert scores[T.TRUE_FALSE] == Decimal("0.00")  # unanswered
    assert graded.score == Decimal("1.83")


def test_a_case_sensitive_short_answer_needs_the_case(learner, quiz, enrolled, instructor):
    quiz.slots.all().delete()
    short_answer(quiz, instructor, case_sensitive=True)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.get()
    attempt_submit(
        user=learner, attempt_id=attempt.id, responses={item.question_id: {"text": "keysbar"}}
    )

    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None

    assert graded.score == Decimal("0.00")


# --- essays: graded by hand -------------------------------------------------------------------


@pytest.fixture
def essay_quiz(quiz, instructor):
    quiz.slots.all().delete()
    BUILDERS[T.SINGLE_CHOICE](quiz, instructor)
    essay(quiz, instructor, points=Decimal("4"))
    return quiz


def _submit_right(learner, attempt):
    responses = {i.question_id: right_response(i) for i in attempt.questions.all()}
    attempt_submit(user=learner, attempt_id=attempt.id, responses=responses)


def test_an_answered_essay_waits_for_an_instructor(learner, essay_quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    _submit_right(learner, attempt)

    waiting = attempt_grade(attempt_id=attempt.id)
    assert waiting is not None

    assert waiting.state == Attempt.State.NEEDS_REVIEW
    assert (waiting.score, waiting.percent, waiting.passed) == (None, None, None)
    scores = {i.question.type: i.score for i in waiting.questions.select_related("question")}
    assert scores == {T.SINGLE_CHOICE: Decimal("1.00"), T.ESSAY: None}
    assert _progress(learner, essay_quiz).score_percent is None
    # Grading again (a redelivered message) changes nothing.
    again = attempt_grade(attempt_id=attempt.id)
    assert again is not None and again.state == Attempt.State.NEEDS_REVIEW


def test_scoring_the_essay_grades_the_attempt_and_progress_follows(
    learner, instructor, essay_quiz, enrolled, django_capture_on_commit_callbacks
):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    _submit_right(learner, attempt)
    attempt_grade(attempt_id=attempt.id)
    essay_item = attempt.questions.get(question__type=T.ESSAY)

    graded = attempt_question_grade(
        grader=instructor,
        attempt_id=attempt.id,
        question_id=essay_item.question_id,
        score="3",
        comment="Good opening; name the impact on the team too.",
    )

    assert graded.state == Attempt.State.GRADED
    assert (graded.score, graded.max_score, graded.percent, graded.passed) == (
        Decimal("4.00"),
        Decimal("5.00"),
        Decimal("80.00"),
        True,
    )
    essay_item.refresh_from_db()
    assert (essay_item.score, essay_item.comment, essay_item.graded_by) == (
        Decimal("3.00"),
        "Good opening; name the impact on the team too.",
        instructor,
    )
    progress = _progress(learner, essay_quiz)
    assert (progress.score_percent, progress.best_score_percent) == (
        Decimal("80.00"),
        Decimal("80.00"),
    )

    # A regrade moves the score and the progress with it.
    attempt_question_grade(
        grader=instructor, attempt_id=attempt.id, question_id=essay_item.question_id, score="1"
    )
    attempt.refresh_from_db()
    assert (attempt.score, attempt.percent, attempt.passed) == (
        Decimal("2.00"),
        Decimal("40.00"),
        False,
    )
    assert _progress(learner, essay_quiz).score_percent == Decimal("40.00")


def test_an_unanswered_essay_scores_zero_without_waiting(learner, essay_quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    attempt_submit(user=learner, attempt_id=attempt.id)

    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None

    assert graded.state == Attempt.State.GRADED
    assert graded.score == Decimal("0.00")


@pytest.mark.parametrize(
    ("score", "code"),
    [("4.01", "invalid_score"), ("-1", "invalid_score"), ("lots", "invalid_score")],
)
def test_an_essay_score_outside_its_points_is_refused(
    learner, instructor, essay_quiz, enrolled, score, code
):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    _submit_right(learner, attempt)
    attempt_grade(attempt_id=attempt.id)
    essay_item = attempt.questions.get(question__type=T.ESSAY)

    with pytest.raises(ApplicationError) as caught:
        attempt_question_grade(
            grader=instructor,
            attempt_id=attempt.id,
            question_id=essay_item.question_id,
            score=score,
        )

    assert caught.value.code == code
    essay_item.refresh_from_db()
    assert essay_item.score is None
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.NEEDS_REVIEW


def test_only_the_courses_instructors_grade_essays(
    learner, other_learner, director, essay_quiz, enrolled
):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    _submit_right(learner, attempt)
    attempt_grade(attempt_id=attempt.id)
    essay_item = attempt.questions.get(question__type=T.ESSAY)

    for someone in (learner, other_learner, director):
        with pytest.raises(NotFound):
            attempt_question_grade(
                grader=someone, attempt_id=attempt.id, question_id=essay_item.question_id, score="1"
            )
    essay_item.refresh_from_db()
    assert essay_item.score is None


def test_automatic_questions_are_not_graded_by_hand(learner, instructor, essay_quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    _submit_right(learner, attempt)
    attempt_grade(attempt_id=attempt.id)
    choice_item = attempt.questions.get(question__type=T.SINGLE_CHOICE)

    with pytest.raises(ApplicationError) as caught:
        attempt_question_grade(
            grader=instructor, attempt_id=attempt.id, question_id=choice_item.question_id, score="0"
        )

    assert caught.value.code == "not_graded_by_hand"


def test_an_open_attempt_cannot_be_graded_by_hand(learner, instructor, essay_quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=essay_quiz)
    essay_item = attempt.questions.get(question__type=T.ESSAY)

    with pytest.raises(ApplicationError) as caught:
        attempt_question_grade(
            grader=instructor, attempt_id=attempt.id, question_id=essay_item.question_id, score="1"
        )

    assert (caught.value.code, caught.value.status) == ("attempt_not_ready", 409)


# --- authoring --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answers"),
    [
        (T.SINGLE_CHOICE, [{"text": "a", "fraction": 1}]),
        (T.SINGLE_CHOICE, [{"text": "a", "fraction": "0.5"}, {"text": "b", "fraction": 0}]),
        (T.SINGLE_CHOICE, [{"text": "a", "fraction": 1}, {"text": " ", "fraction": 0}]),
        (T.SINGLE_CHOICE, [{"text": "a", "fraction": 2}, {"text": "b", "fraction": 0}]),
        (T.TRUE_FALSE, [{"text": "True", "fraction": 1}]),
        (T.MULTIPLE_RESPONSE, [{"text": "a", "fraction": "0.5"}, {"text": "b", "fraction": 0}]),
        (T.SHORT_ANSWER, [{"text": "x", "fraction": "0.5"}]),
        (T.SHORT_ANSWER, [{"text": "x", "fraction": 1}, {"text": "y", "fraction": "-0.5"}]),
        (T.NUMERICAL, [{"value_min": "5", "value_max": "4", "fraction": 1}]),
        (T.NUMERICAL, [{"value_min": None, "value_max": "4", "fraction": 1}]),
        (T.MATCHING, [{"text": "a", "match_text": "1"}]),
        (T.MATCHING, [{"text": "a", "match_text": "1"}, {"text": "b", "match_text": ""}]),
        (T.ESSAY, [{"text": "a", "fraction": 1}]),
    ],
)
def test_questions_that_cannot_be_answered_right_are_refused(quiz, instructor, kind, answers):
    before = Question.objects.count()

    with pytest.raises(ApplicationError) as caught:
        question_create(actor=instructor, quiz=quiz, type=kind, text="Q?", answers=answers)

    assert caught.value.code == "invalid_question"
    assert Question.objects.count() == before


def test_only_the_courses_instructors_author_questions(quiz, learner, director, enrolled):
    for someone in (learner, director):
        with pytest.raises(ApplicationError) as caught:
            BUILDERS[T.SINGLE_CHOICE](quiz, someone)
        assert (caught.value.code, caught.value.status) == ("not_instructor", 403)


def test_updating_a_question_keeps_the_ids_of_its_answer_rows(quiz, instructor):
    question = BUILDERS[T.SHORT_ANSWER](quiz, instructor)
    ids = list(question.choices.order_by("position").values_list("id", flat=True))

    question_update(
        actor=instructor,
        quiz=quiz,
        question=question,
        text="Which tool? (edited)",
        answers=[{"text": "SBAR", "fraction": 1}],
    )

    question.refresh_from_db()
    assert question.text == "Which tool? (edited)"
    assert list(question.choices.values_list("id", "text")) == [(ids[0], "SBAR")]


def test_the_review_shows_each_types_own_answer(learner, quiz, enrolled, instructor):
    quiz_of_every_type(quiz, instructor, essay_too=False)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    responses = {
        i.question_id: right_response(i)
        for i in attempt.questions.all()
        if i.question.type != T.DESCRIPTION
    }
    attempt_submit(user=learner, attempt_id=attempt.id, responses=responses)
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()

    view = attempt_view(attempt=attempt, user=learner)

    by_type = {q.type: q for q in view.questions}
    assert by_type[T.SHORT_ANSWER].feedback == "FEEDBACK-short-right"
    assert by_type[T.SHORT_ANSWER].right_answer == "KEYSBAR"
    assert by_type[T.NUMERICAL].right_answer == "8765.4 to 8765.6"
    assert by_type[T.NUMERICAL].feedback == "FEEDBACK-num-right"
    assert set(str(by_type[T.MATCHING].right_answer).split("; ")) == {
        "Situation → What is happening now",
        "Background → The history",
        "Recommendation → What you need",
    }
    assert [p.correct for p in by_type[T.MATCHING].prompts] == [True, True, True]
    assert {q.correctness for q in view.questions if q.takes_answer} == {"right"}
    assert set(str(by_type[T.MULTIPLE_RESPONSE].right_answer).split("; ")) == {
        "Call-out",
        "Check-back",
    }
    assert by_type[T.DESCRIPTION].score is HIDDEN


def test_an_instructor_cannot_grade_their_own_essay(instructor, course, essay_quiz):
    enrol(instructor, course)  # an instructor taking their own course, as a learner
    attempt, _ = attempt_start(user=instructor, quiz=essay_quiz)
    _submit_right(instructor, attempt)
    attempt_grade(attempt_id=attempt.id)
    essay_item = attempt.questions.get(question__type=T.ESSAY)

    with pytest.raises(PermissionDenied) as refused:
        attempt_question_grade(
            grader=instructor,
            attempt_id=attempt.id,
            question_id=essay_item.question_id,
            score="4",
        )

    assert refused.value.code == "own_attempt"
    attempt.refresh_from_db()
    essay_item.refresh_from_db()
    assert (attempt.state, essay_item.score) == (Attempt.State.NEEDS_REVIEW, None)
