"""What the learner's quiz pages say: review labels, the summary before the submit, what a
waiting attempt shows, the learner's standing, and the result panel's polling."""

from decimal import Decimal

import pytest
from django.test import Client

from quizzes.models import Attempt, Quiz
from quizzes.scoring import kept_percent
from quizzes.selectors.review import (
    HIDDEN,
    Standing,
    attempt_summary,
    attempt_view,
    attempts_of_learner,
    quiz_standing,
)
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade, attempt_question_grade
from quizzes.templatetags.quiz_tags import attempts_left, clock
from tests.factories import enrol, right_answers, wrong_answers
from tests.quizzes.builders import T, essay, single_choice

pytestmark = pytest.mark.django_db

W = Quiz.ReviewWhen


@pytest.fixture
def enrolled(learner, course):
    return enrol(learner, course)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submitted(learner, quiz, responses) -> Attempt:
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=responses(attempt))
    return attempt


@pytest.fixture
def waiting(learner, instructor, quiz, enrolled) -> Attempt:
    """An attempt whose essay waits for the instructor; its single-choice question is wrong."""
    quiz.slots.all().delete()
    quiz.shuffle_questions = False
    quiz.save()
    single_choice(quiz, instructor)
    essay(quiz, instructor)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    items = list(attempt.questions.select_related("question").order_by("position"))
    choice = items[0].question.choices.get(text="Free narrative")
    attempt_submit(
        user=learner,
        attempt_id=attempt.id,
        responses={
            items[0].question_id: {"choice_ids": [choice.id]},
            items[1].question_id: {"text": "I would ask how they are."},
        },
    )
    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None and graded.state == Attempt.State.NEEDS_REVIEW
    return graded


# --- review labels ------------------------------------------------------------------------------


def test_an_unanswered_question_is_labelled_not_answered_and_a_wrong_one_wrong(
    learner, quiz, enrolled
):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = wrong_answers(attempt)
    first = min(answers)
    attempt_submit(user=learner, attempt_id=attempt.id, responses={first: answers[first]})
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()

    view = attempt_view(attempt=attempt, user=learner)

    verdicts = {q.question_id: q.verdict for q in view.questions}
    assert verdicts.pop(first) == "wrong"
    assert set(verdicts.values()) == {"not_answered"}


def test_no_label_while_the_review_options_hide_correctness(learner, quiz, enrolled):
    quiz.review_correctness = W.NEVER
    quiz.save()
    attempt = _submitted(learner, quiz, lambda a: {})
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()

    view = attempt_view(attempt=attempt, user=learner)

    assert {q.verdict for q in view.questions} == {""}


# --- an attempt waiting for an essay grade -----------------------------------------------------


def test_a_waiting_attempt_shows_the_scored_questions_and_keeps_the_essay_and_total_back(
    learner, waiting
):
    view = attempt_view(attempt=waiting, user=learner, scored_so_far=True)

    scored, pending = view.questions
    assert (scored.score, scored.verdict) == (Decimal("0.00"), "wrong")
    assert scored.right_answer == "SBAR"
    assert pending.verdict == "awaiting_grading"
    assert pending.score is HIDDEN and pending.general_feedback is HIDDEN
    assert pending.comment is HIDDEN
    assert (view.score, view.percent, view.passed) == (None, None, None)
    assert view.overall_feedback is HIDDEN


def test_a_waiting_attempt_shows_only_what_the_review_options_allow(learner, waiting):
    quiz = waiting.quiz
    quiz.review_right_answers = W.NEVER
    quiz.review_feedback = W.NEVER
    quiz.save()

    scored, _pending = attempt_view(attempt=waiting, user=learner, scored_so_far=True).questions

    assert scored.verdict == "wrong"
    assert scored.right_answer is HIDDEN and scored.general_feedback is HIDDEN
    assert all(c.feedback is HIDDEN for c in scored.choices)
    assert [c.correct for c in scored.choices if not c.chosen] == [HIDDEN, HIDDEN]

    quiz.review_correctness = quiz.review_score = W.NEVER
    quiz.save()
    assert attempt_view(attempt=waiting, user=learner, scored_so_far=True).show_answers is False


def test_without_scored_so_far_a_waiting_attempt_shows_nothing_as_before(learner, waiting):
    view = attempt_view(attempt=waiting, user=learner)

    assert view.show_answers is False
    assert all(q.score is HIDDEN and q.correctness is HIDDEN for q in view.questions)


def test_the_result_panel_polls_while_waiting_and_answers_204_until_the_grade(
    learner, instructor, waiting
):
    client = client_for(learner)
    page = client.get(f"/attempts/{waiting.id}/result/").content.decode()
    assert f"/attempts/{waiting.id}/status/?while=needs_review" in page
    assert "every 10s" in page
    assert "Scored so far" in page and "Waiting for an instructor" in page

    unchanged = client.get(f"/attempts/{waiting.id}/status/?while=needs_review")
    assert unchanged.status_code == 204

    item = waiting.questions.get(question__type=T.ESSAY)
    attempt_question_grade(
        grader=instructor, attempt_id=waiting.id, question_id=item.question_id, score="1"
    )
    changed = client.get(f"/attempts/{waiting.id}/status/?while=needs_review")
    assert changed.status_code == 200
    body = changed.content.decode()
    assert "Score:" in body and "hx-get" not in body


# --- the summary before the submit -------------------------------------------------------------


def test_the_summary_lists_every_question_answered_or_not(learner, instructor, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    first = attempt.questions.order_by("position").first()
    assert first is not None
    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=first.question_id,
        response=right_answers(attempt)[first.question_id],
    )

    summary = attempt_summary(questions=attempt_view(attempt=attempt, user=learner).questions)

    assert [(r.position, r.answered) for r in summary.rows] == [(1, True), (2, False), (3, False)]
    assert (summary.answered_count, len(summary.unanswered)) == (1, 2)


def test_the_autosave_sends_the_summary_again_out_of_band(learner, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.order_by("position").first()
    assert item is not None
    choice = item.question.choices.first()
    assert choice is not None

    response = client_for(learner).post(
        f"/attempts/{attempt.id}/answers/{item.question_id}/", {f"q{item.question_id}": choice.id}
    )

    body = response.content.decode()
    assert body.startswith("Saved at ")
    assert 'id="attempt-summary"' in body and 'hx-swap-oob="true"' in body
    assert "1 of 3 questions answered." in body
    assert "2 questions are not answered." in body


def test_a_form_the_timer_sent_says_so_on_the_result_page(learner, quiz, enrolled):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    client = client_for(learner)

    response = client.post(f"/attempts/{attempt.id}/", {"time_up": "1"}, follow=True)

    assert "Time ran out: the answers on your page were submitted for you." in (
        response.content.decode()
    )
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED


# --- the learner's standing on the quiz page ---------------------------------------------------


def _standing(learner, quiz, allowed):
    return quiz_standing(
        quiz=quiz, rows=attempts_of_learner(user=learner, quiz=quiz), attempts_allowed=allowed
    )


def test_the_standing_counts_attempts_left_and_says_not_passed_yet(learner, quiz, enrolled):
    assert _standing(learner, quiz, 3).status == Standing.NOT_STARTED

    attempt = _submitted(learner, quiz, wrong_answers)
    assert _standing(learner, quiz, 3).status == Standing.GRADING
    attempt_grade(attempt_id=attempt.id)

    standing = _standing(learner, quiz, 3)
    assert (standing.status, standing.attempts_left, standing.can_start) == (
        Standing.NOT_PASSED,
        2,
        True,
    )
    assert standing.next_number == 2
    unlimited = _standing(learner, quiz, None)
    assert (unlimited.attempts_left, unlimited.can_start) == (None, True)
    assert _standing(learner, quiz, 1).can_start is False


def test_the_standing_is_passed_by_the_grading_method(learner, quiz, enrolled):
    attempt_grade(attempt_id=_submitted(learner, quiz, right_answers).id)
    attempt_grade(attempt_id=_submitted(learner, quiz, wrong_answers).id)

    assert _standing(learner, quiz, None).status == Standing.PASSED  # highest: 100%
    quiz.grading_method = Quiz.GradingMethod.LAST
    quiz.save()
    assert _standing(learner, quiz, None).status == Standing.NOT_PASSED
    assert kept_percent([Decimal(100), Decimal(0)], Quiz.GradingMethod.AVERAGE) == 50


def test_a_hidden_score_keeps_the_standing_hidden(learner, quiz, enrolled):
    quiz.review_score = W.NEVER
    quiz.save()
    attempt_grade(attempt_id=_submitted(learner, quiz, wrong_answers).id)

    standing = _standing(learner, quiz, 3)

    assert (standing.status, standing.kept_percent) == (Standing.RESULT_HIDDEN, None)


def test_the_quiz_page_words_the_limits_and_the_next_attempt(learner, quiz, enrolled):
    quiz.time_limit_minutes = 10
    quiz.attempts_allowed = 3
    quiz.save()
    client = client_for(learner)
    first = client.get(f"/quizzes/{quiz.id}/").content.decode()
    assert "Time limit: 10 minutes." in first and "Start the quiz" in first

    attempt_grade(attempt_id=_submitted(learner, quiz, wrong_answers).id)
    page = client.get(f"/quizzes/{quiz.id}/").content.decode()

    assert "Not passed yet — 2 attempts left." in page
    assert "Start attempt 2" in page and "Start the quiz" not in page
    assert "Failed" not in page


# --- template filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"), [(1800, "30:00"), (65, "1:05"), (5, "0:05"), (-3, "0:00"), (None, "")]
)
def test_clock_shows_minutes_and_seconds_as_the_timer_does(seconds, shown):
    assert clock(seconds) == shown


def test_attempts_left_reads_naturally():
    assert [attempts_left(n) for n in (0, 1, 2)] == [
        "no attempts left",
        "1 attempt left",
        "2 attempts left",
    ]
