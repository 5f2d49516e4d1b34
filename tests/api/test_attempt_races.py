"""Races, with real concurrent requests against PostgreSQL: each thread has its own connection.

Two tabs starting an attempt at once, a double submit, two workers grading the same attempt,
an answer racing the submit. Every request must end in a 2xx or a clear 4xx (never a 500 from a
broken constraint), the attempt limit must hold, and grading must happen once.
"""

import threading
from unittest import mock

import pytest
from django.db import connection, connections

from quizzes.models import Attempt
from quizzes.services import grading as grading_services
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tasks.enqueue import GRADE_ATTEMPT
from tests.conftest import api_client_for
from tests.factories import enrol, right_answers

pytestmark = pytest.mark.django_db(transaction=True)

TABS = 6


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are what these tests prove: they need PostgreSQL.")


def at_once(*calls):
    """Run the calls in threads released together; return their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait(timeout=10)
            results[n] = call()
        except Exception as error:  # reported to the test, which asserts on it
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def sent(sends):
    """Grading tasks the requests would send (recorded across threads, never sent)."""
    return sends[GRADE_ATTEMPT]


def start(user, quiz):
    return lambda: api_client_for(user).post(f"/api/v1/quizzes/{quiz.id}/attempts/")


def test_tabs_starting_at_once_get_one_attempt(learner, quiz):
    enrol(learner, quiz.module.course)
    quiz.attempts_allowed = 1
    quiz.save()

    responses = at_once(*[start(learner, quiz)] * TABS)

    assert sorted(r.status_code for r in responses) == [200] * (TABS - 1) + [201]
    attempt = Attempt.objects.get()
    assert {r.json()["id"] for r in responses} == {attempt.id}
    assert attempt.questions.count() == 3


def test_the_last_attempt_left_is_started_once_from_two_tabs(learner, quiz, sent):
    enrol(learner, quiz.module.course)
    quiz.attempts_allowed = 2
    quiz.save()
    first, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=first.id, responses=right_answers(first))
    attempt_grade(attempt_id=first.id)

    # Each tab starts and at once submits: a naive check would let both tabs in.
    def tab():
        response = start(learner, quiz)()
        if response.status_code == 201:
            api_client_for(learner).post(f"/api/v1/attempts/{response.json()['id']}/submit/")
        return response

    responses = at_once(tab, tab)

    codes = sorted(r.status_code for r in responses)
    assert codes in ([200, 201], [201, 400]), [r.content for r in responses]
    if codes == [201, 400]:
        assert [r.json()["error"]["code"] for r in responses if r.status_code == 400] == [
            "no_attempts_left"
        ]
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 2
    assert sorted(Attempt.objects.values_list("number", flat=True)) == [1, 2]


def test_a_double_submit_is_accepted_once_and_grades_once(learner, quiz, sent):
    enrol(learner, quiz.module.course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    for question_id, answer in answers.items():
        api_client_for(learner).put(
            f"/api/v1/attempts/{attempt.id}/responses/{question_id}/", answer, format="json"
        )

    submit = lambda: api_client_for(learner).post(f"/api/v1/attempts/{attempt.id}/submit/")  # noqa: E731
    responses = at_once(submit, submit, submit)

    assert sorted(r.status_code for r in responses) == [202, 409, 409]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "attempt_closed"
    }
    assert sent.call_args_list == [mock.call(attempt.id)]

    # The message delivered twice (or the sweeper's re-enqueue meeting the first): two workers
    # grade at once, by the task's batch pass and by the single one; one does the work, the
    # other finds it done or waits for it.
    graded: list[int] = []

    def recording(attempts):
        graded.extend(a.pk for a in attempts)
        return grade(attempts)

    grade = grading_services._attempts_grade
    with mock.patch.object(grading_services, "_attempts_grade", side_effect=recording):
        results = at_once(
            lambda: grading_services.attempts_grade_waiting(attempt_id=attempt.id),
            lambda: attempt_grade(attempt_id=attempt.id),
        )
    assert not [r for r in results if isinstance(r, Exception)]
    assert graded == [attempt.id]
    attempt.refresh_from_db()
    assert (attempt.state, attempt.percent) == (Attempt.State.GRADED, 100)
    progress = attempt.user.enrolments.get().module_progress.get(module=quiz.module)
    assert progress.attempts_count == 1


def test_an_answer_racing_the_submit_is_either_graded_or_refused(learner, quiz, sent):
    enrol(learner, quiz.module.course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.get(position=1)
    answer = right_answers(attempt)[item.question_id]

    put = lambda: api_client_for(learner).put(  # noqa: E731
        f"/api/v1/attempts/{attempt.id}/responses/{item.question_id}/", answer, format="json"
    )
    submit = lambda: api_client_for(learner).post(f"/api/v1/attempts/{attempt.id}/submit/")  # noqa: E731
    saved, submitted = at_once(put, submit)

    assert submitted.status_code == 202
    item.refresh_from_db()
    if saved.status_code == 200:
        assert item.response == answer  # it landed before the submit locked the attempt
    else:
        assert (saved.status_code, saved.json()["error"]["code"]) == (409, "attempt_closed")
        assert item.response is None
    attempt_grade(attempt_id=attempt.id)
    item.refresh_from_db()
    assert item.score == (1 if saved.status_code == 200 else 0)


MANY = 50  # requests at once: a cohort's worth of tabs and retries


def test_fifty_submits_of_one_attempt_are_accepted_once_and_grade_it_once(learner, quiz, sent):
    enrol(learner, quiz.module.course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    submit = lambda: attempt_submit(user=learner, attempt_id=attempt.id, responses=answers)  # noqa: E731

    results = at_once(*[submit] * MANY)

    refused = [r for r in results if r is not None]
    assert len(refused) == MANY - 1, [r for r in refused if not hasattr(r, "code")]
    assert {r.code for r in refused} == {"attempt_closed"}
    assert sent.call_args_list == [mock.call(attempt.id)]

    # Every delivery of the message grading at once: one pass does the work.
    graded: list[int] = []
    grade = grading_services._attempts_grade

    def recording(attempts):
        graded.extend(a.pk for a in attempts)
        return grade(attempts)

    with mock.patch.object(grading_services, "_attempts_grade", side_effect=recording):
        results = at_once(
            *[lambda: grading_services.attempts_grade_waiting(attempt_id=attempt.id)] * (MANY // 2),
            *[lambda: attempt_grade(attempt_id=attempt.id)] * (MANY // 2),
        )
    assert not [r for r in results if isinstance(r, Exception)]
    assert graded == [attempt.id]
    progress = attempt.user.enrolments.get().module_progress.get(module=quiz.module)
    assert (progress.attempts_count, progress.best_score_percent) == (1, 100)


def test_fifty_starts_at_the_attempt_limit_never_exceed_it(learner, quiz, sent):
    enrol(learner, quiz.module.course)
    quiz.attempts_allowed = 3
    quiz.save()

    def start_and_submit():
        attempt, created = attempt_start(user=learner, quiz=quiz)
        if created:
            attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
        return created

    results = at_once(*[start_and_submit] * MANY)

    errors = [r for r in results if isinstance(r, Exception)]
    assert {getattr(e, "code", repr(e)) for e in errors} <= {"no_attempts_left"}
    numbers = sorted(
        Attempt.objects.filter(user=learner, quiz=quiz).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3][: len(numbers)] and 1 <= len(numbers) <= 3
    assert results.count(True) == len(numbers)
