"""GET /api/v1/quizzes/{id}/results/ and /item-analysis/: filters, pages, the job's 202, the
error shape, and who may call them."""

import pytest
from rest_framework.pagination import PageNumberPagination

from quizzes.models import ItemAnalysis
from quizzes.services import item_analysis as analysis
from tasks.enqueue import BUILD_ITEM_ANALYSIS
from tasks.reports import build_item_analysis
from tests.api.helpers import assert_error
from tests.factories import UserFactory
from tests.quizzes.analysis_data import known_attempts

pytestmark = pytest.mark.django_db


def test_results_are_paginated_and_filtered(api, quiz, instructor):
    known_attempts(quiz)
    client = api(instructor)
    everything = client.get(f"/api/v1/quizzes/{quiz.id}/results/")
    assert everything.status_code == 200, everything.content
    body = everything.json()
    assert body["count"] == 6 and body["next"] is None
    first = body["results"][0]
    assert set(first) == {
        "attempt_id",
        "learner",
        "email",
        "cohort",
        "number",
        "state",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
        "percent",
        "passed",
    }
    assert [(r["learner"], r["number"]) for r in body["results"][:2]] == [
        ("Learner A", 1),
        ("Learner B", 1),
    ]
    passed = client.get(f"/api/v1/quizzes/{quiz.id}/results/", {"outcome": "passed"}).json()
    assert [(r["learner"], r["number"], r["percent"]) for r in passed["results"]] == [
        ("Learner A", 1, "100.00"),
        ("Learner B", 1, "66.67"),  # the pass mark is 60%
        ("Learner D", 2, "100.00"),
    ]
    searched = client.get(f"/api/v1/quizzes/{quiz.id}/results/", {"q": "answering"}).json()
    assert [r["state"] for r in searched["results"]] == ["in_progress"]


def test_results_come_in_pages(api, quiz, instructor, monkeypatch):
    known_attempts(quiz)
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    paged = api(instructor).get(f"/api/v1/quizzes/{quiz.id}/results/", {"page": 2}).json()
    assert paged["count"] == 6 and paged["next"] and paged["previous"]
    assert [(r["learner"], r["number"]) for r in paged["results"]] == [
        ("Learner C", 1),
        ("Learner D", 1),
    ]


def test_results_refuse_filters_they_cannot_read_in_the_error_shape(api, quiz, instructor):
    response = api(instructor).get(
        f"/api/v1/quizzes/{quiz.id}/results/", {"state": "lost", "from": "soon"}
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["details"]) == {"state", "from"}


@pytest.mark.parametrize("path", ["results", "item-analysis"])
def test_learners_and_other_instructors_are_refused(api, quiz, learner, path):
    other = UserFactory()
    for user in (learner, other):
        assert_error(api(user).get(f"/api/v1/quizzes/{quiz.id}/{path}/"), 403, "not_course_staff")
    assert_error(api(None).get(f"/api/v1/quizzes/{quiz.id}/{path}/"), 403, "not_authenticated")
    assert_error(api(learner).get(f"/api/v1/quizzes/999999/{path}/"), 404, "not_found")


def test_item_analysis_of_a_small_quiz_comes_at_once(api, quiz, instructor):
    known_attempts(quiz)
    response = api(instructor).get(f"/api/v1/quizzes/{quiz.id}/item-analysis/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready" and body["up_to_date"] is True
    assert body["scope"] == "first" and body["attempt_count"] == 4
    assert [q["facility"] for q in body["questions"]] == [0.75, 0.5, 0.5]
    assert [q["discrimination"] for q in body["questions"]] == [0.0, 0.5774, -0.3015]
    assert [q["discriminates_poorly"] for q in body["questions"]] == [True, False, True]
    assert [r["count"] for r in body["questions"][0]["responses"]] == [3, 1, 0]

    every = api(instructor).get(f"/api/v1/quizzes/{quiz.id}/item-analysis/", {"attempts": "all"})
    assert every.json()["attempt_count"] == 5
    wrong = api(instructor).get(f"/api/v1/quizzes/{quiz.id}/item-analysis/", {"attempts": "best"})
    assert_error(wrong, 400, "invalid")


def test_item_analysis_of_a_large_quiz_is_202_until_the_worker_stored_it(
    api, quiz, instructor, monkeypatch, sends, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(analysis, "SMALL_QUIZ_ATTEMPTS", 0)
    known_attempts(quiz)
    client = api(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(f"/api/v1/quizzes/{quiz.id}/item-analysis/")
    assert waiting.status_code == 202, waiting.content
    assert waiting.json()["status"] == "pending" and waiting.json()["questions"] == []
    row = ItemAnalysis.objects.get()
    sends[BUILD_ITEM_ANALYSIS].assert_called_once_with(row.id)

    build_item_analysis(row.id)
    ready = client.get(f"/api/v1/quizzes/{quiz.id}/item-analysis/")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert [q["discrimination"] for q in ready.json()["questions"]] == [0.0, 0.5774, -0.3015]


def test_both_routes_are_in_the_schema(api, instructor):
    schema = api(instructor).get("/api/schema/", {"format": "json"}).json()
    results = schema["paths"]["/api/v1/quizzes/{quiz_id}/results/"]["get"]
    assert {p["name"] for p in results["parameters"]} >= {"state", "outcome", "cohort", "q", "page"}
    analysis_op = schema["paths"]["/api/v1/quizzes/{quiz_id}/item-analysis/"]["get"]
    assert set(analysis_op["responses"]) >= {"200", "202"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "Ana\x00"}, 400),
        ({"cohort": "99999999999999999999999"}, 400),
        ({"from": "0000-01-01"}, 400),
        ({"to": "9999-12-31"}, 200),
        ({"page": "-1"}, 404),
    ],
)
def test_odd_filters_are_read_or_refused_never_a_server_error(
    api, quiz, instructor, params, status
):
    response = api(instructor).get(f"/api/v1/quizzes/{quiz.id}/results/", params)
    assert response.status_code == status, response.content
