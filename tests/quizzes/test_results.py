"""A quiz's results: every attempt with its learner and cohort, the filters, the query count,
the CSV (formula-escaped), and the page with its download."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Cohort
from lms.errors import ApplicationError, PermissionDenied
from quizzes.models import Attempt
from quizzes.results_csv import RESULTS_CSV_COLUMNS, results_csv_lines
from quizzes.selectors import results
from tests.factories import CourseFactory, UserFactory, enrol
from tests.quizzes.analysis_data import choice, graded_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(quiz):
    """Attempts of four learners: two in a cohort, one with a formula for a name."""
    course = quiz.module.course
    cohort = Cohort.objects.create(
        course=course, name="PGY-1 2026", start_date=date(2026, 1, 5), end_date=date(2026, 12, 1)
    )
    other = Cohort.objects.create(
        course=course, name="Nurses 2026", start_date=date(2026, 1, 5), end_date=date(2026, 12, 1)
    )
    questions = [s.question for s in quiz.slots.order_by("position") if s.question is not None]
    people = {
        "ana": UserFactory(full_name="Ana Gómez", email="ana@example.org"),
        "ben": UserFactory(full_name="Ben Okoro", email="ben@example.org"),
        "eve": UserFactory(full_name='=HYPERLINK("http://x")', email="eve@example.org"),
        "kim": UserFactory(full_name="Kim Tan", email="kim@example.org"),
    }
    for key, in_cohort in (("ana", cohort), ("ben", cohort), ("eve", other), ("kim", None)):
        enrolment = enrol(people[key], course)
        enrolment.cohort = in_cohort
        enrolment.save(update_fields=["cohort"])
    every = [(q, 1, choice(q, True)) for q in questions]
    none = [(q, 0, choice(q, False)) for q in questions]
    graded_attempt(quiz, people["ana"], none)
    graded_attempt(quiz, people["ana"], every, number=2)
    graded_attempt(quiz, people["ben"], every)
    graded_attempt(quiz, people["eve"], none)
    graded_attempt(quiz, people["kim"], none, state=Attempt.State.IN_PROGRESS)
    old = Attempt.objects.get(user=people["ben"])
    Attempt.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=40))
    return {"cohort": cohort, "other": other, **people}


def rows(quiz, **params):
    chosen = results.results_filter_from(params, quiz=quiz)
    return results.result_rows(results.quiz_results(quiz=quiz, chosen=chosen))


def test_every_attempt_with_its_learner_cohort_and_grade(quiz, taken):
    found = rows(quiz)
    assert [(r.learner, r.number, r.cohort, r.state, r.percent, r.passed) for r in found] == [
        ('=HYPERLINK("http://x")', 1, "Nurses 2026", "graded", Decimal("0.00"), False),
        ("Ana Gómez", 1, "PGY-1 2026", "graded", Decimal("0.00"), False),
        ("Ana Gómez", 2, "PGY-1 2026", "graded", Decimal("100.00"), True),
        ("Ben Okoro", 1, "PGY-1 2026", "graded", Decimal("100.00"), True),
        ("Kim Tan", 1, "", "in_progress", None, None),
    ]
    assert found[1].email == "ana@example.org"
    assert found[4].state_label == "In progress"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "in_progress"}, [("Kim Tan", 1)]),
        ({"outcome": "passed"}, [("Ana Gómez", 2), ("Ben Okoro", 1)]),
        ({"outcome": "failed"}, [('=HYPERLINK("http://x")', 1), ("Ana Gómez", 1)]),
        ({"q": "okoro"}, [("Ben Okoro", 1)]),
        ({"q": "kim@example"}, [("Kim Tan", 1)]),
    ],
)
def test_filters(quiz, taken, params, expected):
    assert [(r.learner, r.number) for r in rows(quiz, **params)] == expected


def test_cohort_and_date_range_filters(quiz, taken):
    by_cohort = rows(quiz, cohort=str(taken["cohort"].id))
    assert {r.learner for r in by_cohort} == {"Ana Gómez", "Ben Okoro"}
    today = timezone.localdate()
    recent = rows(quiz, **{"from": (today - timedelta(days=7)).isoformat()})
    assert "Ben Okoro" not in {r.learner for r in recent} and len(recent) == 4
    long_ago = rows(quiz, to=(today - timedelta(days=30)).isoformat())
    assert [r.learner for r in long_ago] == ["Ben Okoro"]


def test_filters_it_cannot_read_are_refused_each_with_its_reason(quiz, taken):
    foreign = Cohort.objects.create(
        course=CourseFactory(),
        name="Elsewhere",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 12, 1),
    )
    with pytest.raises(ApplicationError) as raised:
        results.results_filter_from(
            {
                "state": "lost",
                "outcome": "maybe",
                "cohort": str(foreign.id),
                "from": "2026-13-01",
                "to": "yesterday",
            },
            quiz=quiz,
        )
    assert set(raised.value.details) == {"state", "outcome", "cohort", "from", "to"}
    with pytest.raises(ApplicationError) as raised:
        results.results_filter_from({"from": "2026-05-02", "to": "2026-05-01"}, quiz=quiz)
    assert raised.value.details == {"to": ["The end of the range is before its start."]}


def test_the_rows_cost_one_query_however_many_attempts(quiz, taken):
    chosen = results.ResultsFilter()
    with CaptureQueriesContext(connection) as few:
        results.result_rows(results.quiz_results(quiz=quiz, chosen=chosen))
    questions = [s.question for s in quiz.slots.all() if s.question is not None]
    for _ in range(20):
        graded_attempt(quiz, UserFactory(), [(q, 1, None) for q in questions])
    with CaptureQueriesContext(connection) as many:
        assert len(results.result_rows(results.quiz_results(quiz=quiz, chosen=chosen))) == 25
    assert len(few) == len(many) == 1


def test_only_instructors_and_staff_have_access(quiz, learner, instructor, outsider):
    results.require_results_access(user=instructor, quiz=quiz)
    staff = UserFactory(is_staff=True)
    results.require_results_access(user=staff, quiz=quiz)
    for user in (learner, outsider):
        with pytest.raises(PermissionDenied):
            results.require_results_access(user=user, quiz=quiz)


def _read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_escapes_formulas_and_says_which_filter_applied(quiz, taken):
    lines = results_csv_lines(
        results.iter_result_rows(quiz=quiz, chosen=results.ResultsFilter(outcome="failed")),
        note="Filter: failed attempts.",
    )
    table = _read_csv("".join(lines))
    assert table[0] == ["Filter: failed attempts."]
    assert table[1] == list(RESULTS_CSV_COLUMNS)
    assert table[2][:5] == [
        '\'=HYPERLINK("http://x")',
        "eve@example.org",
        "Nurses 2026",
        "1",
        "Graded",
    ]
    assert table[2][7:] == ["0.00", "3.00", "0.00", "no"]
    assert len(table) == 4


# --- the page ------------------------------------------------------------------------------


def test_page_lists_filters_and_pages_the_attempts(client, quiz, taken, instructor, monkeypatch):
    client.force_login(instructor)
    url = reverse("teach-quiz-results", args=[quiz.id])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ana Gómez" in body and "PGY-1 2026" in body and "5 attempts" in body
    filtered = client.get(url, {"outcome": "passed", "q": "ben"}).content.decode()
    assert "Ben Okoro" in filtered and "Ana Gómez" not in filtered
    assert "outcome=passed" in filtered and "q=ben" in filtered  # the CSV link keeps the filter

    from quizzes import teach_results

    monkeypatch.setattr(teach_results, "RESULTS_PER_PAGE", 2)
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Page 2 of 3" in second and "Ana Gómez" in second and "Kim Tan" not in second


def test_page_shows_a_filter_it_cannot_read_beside_its_field(client, quiz, taken, instructor):
    client.force_login(instructor)
    page = client.get(reverse("teach-quiz-results", args=[quiz.id]), {"from": "soon"})
    assert page.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in page.content.decode()


def test_page_query_count_is_the_same_for_5_and_25_attempts(client, quiz, taken, instructor):
    client.force_login(instructor)
    url = reverse("teach-quiz-results", args=[quiz.id])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    questions = [s.question for s in quiz.slots.all() if s.question is not None]
    for _ in range(20):
        graded_attempt(quiz, UserFactory(), [(q, 1, None) for q in questions])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_csv_download_streams_every_filtered_row(client, quiz, taken, instructor):
    client.force_login(instructor)
    response = client.get(reverse("teach-quiz-results-csv", args=[quiz.id]), {"state": "graded"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = _read_csv(b"".join(response.streaming_content).decode())
    assert table[0][0].startswith("Filter: ")
    assert len(table) == 2 + 4


def test_learners_and_outsiders_are_refused_the_page_and_the_csv(client, quiz, taken, learner):
    client.force_login(learner)
    for name in ("teach-quiz-results", "teach-quiz-results-csv"):
        assert client.get(reverse(name, args=[quiz.id])).status_code == 403
