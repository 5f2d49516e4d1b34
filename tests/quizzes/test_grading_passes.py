"""Grading passes: a worker's task grades its own attempt together with the others waiting."""

import logging
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from courses.models import Enrolment, ModuleProgress
from quizzes.models import Attempt, AttemptQuestion
from quizzes.services import grading as grading_services
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade, attempts_grade_waiting
from tests.factories import UserFactory, enrol
from tests.quizzes.builders import matching, quiz_of_every_type, right_response, wrong_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def residents(db):
    return [UserFactory(username=f"resident{n}", full_name=f"Resident {n}") for n in range(8)]


def _submitted(user, quiz, respond=right_response) -> Attempt:
    enrol(user, quiz.module.course)
    attempt, _ = attempt_start(user=user, quiz=quiz)
    for item in attempt.questions.select_related("question"):
        response = respond(item)
        if response is not None:
            attempt_save_response(
                user=user, attempt_id=attempt.id, question_id=item.question_id, response=response
            )
    attempt_submit(user=user, attempt_id=attempt.id)
    return attempt


def _outcome(attempt: Attempt):
    """What grading decided for an attempt, in terms that do not depend on which one it is."""
    attempt.refresh_from_db()
    items = AttemptQuestion.objects.filter(attempt=attempt).order_by("question_id")
    progress = ModuleProgress.objects.get(
        enrolment__user_id=attempt.user_id, module=attempt.quiz.module
    )
    return (
        attempt.state,
        attempt.score,
        attempt.percent,
        attempt.passed,
        [(i.question_id, i.score, i.fraction) for i in items],
        (progress.status, progress.score_percent, progress.attempts_count),
    )


def test_one_pass_grades_every_waiting_attempt_as_grading_each_alone_would(
    quiz, instructor, residents
):
    quiz_of_every_type(quiz, instructor, essay_too=False)
    responses = [right_response, wrong_response, right_response]
    together = [_submitted(r, quiz, f) for r, f in zip(residents[:3], responses, strict=True)]
    alone = [_submitted(r, quiz, f) for r, f in zip(residents[3:6], responses, strict=True)]
    # The alone ones first, each by itself; then one task's pass takes the three others.
    for attempt in alone:
        attempt_grade(attempt_id=attempt.id)

    attempts_grade_waiting(attempt_id=together[0].id)

    outcomes = [_outcome(a) for a in together]
    assert outcomes == [_outcome(a) for a in alone]
    assert [(state, passed) for state, _, _, passed, _, _ in outcomes] == [
        (Attempt.State.GRADED, True),
        (Attempt.State.GRADED, False),
        (Attempt.State.GRADED, True),
    ]


def test_the_same_matches_are_scored_against_the_options_each_learner_was_shown(
    quiz, instructor, residents
):
    question = matching(quiz, instructor)
    prompts = list(question.choices.exclude(text="").order_by("position"))
    shown = [
        [p.match_text for p in prompts] + ["Who is on call"],  # option n answers prompt n
        ["Who is on call"] + [p.match_text for p in prompts],  # every option one place later
    ]
    same_matches = {"matches": {str(p.id): n for n, p in enumerate(prompts, start=1)}}
    attempts = []
    for resident, options in zip(residents[:2], shown, strict=True):
        enrol(resident, quiz.module.course)
        attempt, _ = attempt_start(user=resident, quiz=quiz)
        AttemptQuestion.objects.filter(attempt=attempt, question=question).update(options=options)
        attempt_save_response(
            user=resident, attempt_id=attempt.id, question_id=question.id, response=same_matches
        )
        attempt_submit(user=resident, attempt_id=attempt.id)
        attempts.append(attempt)

    attempts_grade_waiting(attempt_id=attempts[0].id)  # one pass grades both

    fractions = [
        AttemptQuestion.objects.get(attempt=a, question=question).fraction for a in attempts
    ]
    assert fractions == [1, 0]


def test_a_pass_costs_the_same_queries_for_one_attempt_as_for_five(quiz, residents):
    first = _submitted(residents[0], quiz)
    with CaptureQueriesContext(connection) as one:
        attempts_grade_waiting(attempt_id=first.id)
    five = [_submitted(r, quiz) for r in residents[1:6]]
    with CaptureQueriesContext(connection) as many:
        attempts_grade_waiting(attempt_id=five[0].id)

    assert Attempt.objects.filter(state=Attempt.State.GRADED).count() == 6
    assert len(many) == len(one)


def test_a_task_whose_attempt_is_beyond_the_pass_still_ends_with_it_graded(quiz, residents):
    oldest, middle, newest = (_submitted(r, quiz) for r in residents[:3])

    attempts_grade_waiting(attempt_id=newest.id, limit=1)

    states = dict(Attempt.objects.values_list("id", "state"))
    assert states[oldest.id] == states[newest.id] == Attempt.State.GRADED
    assert states[middle.id] == Attempt.State.SUBMITTED  # its own task grades it


def test_a_task_whose_attempt_is_graded_already_does_nothing(quiz, residents):
    attempt = _submitted(residents[0], quiz)
    attempt_grade(attempt_id=attempt.id)
    waiting = _submitted(residents[1], quiz)

    with CaptureQueriesContext(connection) as queries:
        attempts_grade_waiting(attempt_id=attempt.id)

    assert len(queries) == 1
    assert Attempt.objects.get(pk=waiting.id).state == Attempt.State.SUBMITTED


def test_an_attempt_that_cannot_be_scored_is_left_to_its_own_task(quiz, residents, caplog):
    first, broken, last = (_submitted(r, quiz) for r in residents[:3])
    # A stored response no rule can read (written past the checks, as a bad migration might).
    AttemptQuestion.objects.filter(attempt=broken, position=1).update(response={"choice_ids": 5})

    with caplog.at_level(logging.ERROR, logger="quizzes.services"):
        attempts_grade_waiting(attempt_id=first.id)

    states = dict(Attempt.objects.values_list("id", "state"))
    assert states[first.id] == states[last.id] == Attempt.State.GRADED
    assert states[broken.id] == Attempt.State.SUBMITTED
    assert f"Attempt {broken.id} could not be graded" in caplog.text
    with pytest.raises(TypeError):
        attempts_grade_waiting(attempt_id=broken.id)  # its own task fails, and is retried
    assert Attempt.objects.get(pk=broken.id).state == Attempt.State.SUBMITTED


def test_an_answered_essay_sends_its_attempt_to_review_while_the_pass_grades_the_rest(
    quiz, instructor, residents
):
    quiz_of_every_type(quiz, instructor, essay_too=True)
    with_essay = _submitted(residents[0], quiz, right_response)
    without = _submitted(
        residents[1],
        quiz,
        lambda item: None if item.question.type == "essay" else right_response(item),
    )

    attempts_grade_waiting(attempt_id=with_essay.id)

    with_essay.refresh_from_db()
    without.refresh_from_db()
    assert with_essay.state == Attempt.State.NEEDS_REVIEW
    assert without.state == Attempt.State.GRADED
    assert without.questions.filter(score__isnull=True, question__type="essay").count() == 0


def test_a_pass_that_fails_leaves_the_task_to_grade_its_own_attempt_alone(quiz, residents, caplog):
    first, second, third = (_submitted(r, quiz) for r in residents[:3])
    progress_after_grading = grading_services._progress_after_grading

    def fails_for_many(attempts):
        # Something past scoring fails the pass as a whole (a database error, say).
        if len(attempts) > 1:
            raise DatabaseError("deadlock detected")
        return progress_after_grading(attempts)

    with (
        mock.patch.object(grading_services, "_progress_after_grading", side_effect=fails_for_many),
        caplog.at_level(logging.ERROR, logger="quizzes.services"),
    ):
        attempts_grade_waiting(attempt_id=second.id)

    states = dict(Attempt.objects.values_list("id", "state"))
    assert states[second.id] == Attempt.State.GRADED
    assert states[first.id] == states[third.id] == Attempt.State.SUBMITTED  # theirs come
    assert f"Grading pass with attempt {second.id} failed" in caplog.text


def test_an_attempt_whose_learner_left_the_course_is_graded_without_progress(quiz, residents):
    attempt = _submitted(residents[0], quiz)
    Enrolment.objects.filter(user=residents[0]).delete()

    attempts_grade_waiting(attempt_id=attempt.id)

    attempt.refresh_from_db()
    assert (attempt.state, attempt.passed) == (Attempt.State.GRADED, True)
    assert not ModuleProgress.objects.filter(enrolment__user=residents[0]).exists()


def test_a_task_whose_attempt_an_earlier_pass_graded_ends_after_one_query(quiz, residents):
    first, second = (_submitted(r, quiz) for r in residents[:2])
    attempts_grade_waiting(attempt_id=first.id)  # its pass grades both

    with CaptureQueriesContext(connection) as queries:
        attempts_grade_waiting(attempt_id=second.id)

    assert len(queries) == 1  # its attempt's state, by primary key
    assert '"quizzes_attempt"' in queries[0]["sql"]
    assert f'"id" = {second.id}' in queries[0]["sql"]
    assert Attempt.objects.get(pk=second.id).state == Attempt.State.GRADED


def test_an_attempt_submitted_again_is_graded_again_by_the_same_process(quiz, residents):
    # Regrading returns a graded attempt to `submitted`: nothing may remember it as graded.
    attempt = _submitted(residents[0], quiz)
    attempts_grade_waiting(attempt_id=attempt.id)
    Attempt.objects.filter(pk=attempt.id).update(state=Attempt.State.SUBMITTED, score=None)

    attempts_grade_waiting(attempt_id=attempt.id)

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == attempt.max_score
