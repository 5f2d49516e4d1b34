"""Answer keys never reach a learner before the review options allow it.

The walk: every response a learner gets while taking and after finishing an attempt at a quiz
with every question type, from the API and from the pages (quiz page, take page, autosave
replies, submit, result page, the polled status panel). Every key text carries a marker
(KEY-, FEEDBACK-, GENERAL-; numerical answers are 8765.x and 87xx), so a leak is a substring.
The same walk with review allowed must find them: the detector is shown to work.
"""

import re

import pytest
from django.test import Client

from quizzes.models import Quiz
from quizzes.services.grading import attempt_grade
from tests.conftest import api_client_for
from tests.quizzes.builders import quiz_of_every_type

pytestmark = pytest.mark.django_db

MARKERS = re.compile(
    r"KEYSB|FEEDBACK-|GENERAL-|8765\.[46]|\b87[08]0\b|fraction|right_answer|\"correct\"|"
    r"correctness|match_text|value_min|value_max|✓|class=\"right\"|Right answer"
)
# Matching pairs, as a review would print them: the options alone are not the key.
PAIRS = ["Situation → What is happening now", "Background → The history"]


def leaks(text: str) -> set[str]:
    found = set(MARKERS.findall(text))
    found |= {pair for pair in PAIRS if pair in text}
    return found


def walk(learner, quiz) -> list[tuple[str, str]]:
    """Every learner-facing response of one attempt, as (what, body text)."""
    api = api_client_for(learner)
    pages = Client()
    pages.force_login(learner)
    seen: list[tuple[str, str]] = []

    def keep(what, response, status=200):
        assert response.status_code == status, (what, response.status_code, response.content[:500])
        seen.append((what, response.content.decode()))
        return response

    keep("api quiz", api.get(f"/api/v1/quizzes/{quiz.id}/"))
    keep("page quiz", pages.get(f"/quizzes/{quiz.id}/"))
    started = keep("api start", api.post(f"/api/v1/quizzes/{quiz.id}/attempts/"), 201).json()
    attempt_id = started["id"]
    keep("page take", pages.get(f"/attempts/{attempt_id}/"))
    for question in started["questions"]:
        qid = question["question_id"]
        kind = question["type"]
        if kind == "description":
            continue
        if kind in ("single_choice", "true_false", "multiple_response"):
            body: dict[str, object] = {"choice_ids": [question["choices"][0]["id"]]}
            form = {f"q{qid}": str(question["choices"][-1]["id"])}
        elif kind == "matching":
            body = {"matches": {str(p["id"]): 1 for p in question["prompts"]}}
            form = {f"q{qid}-p{p['id']}": "2" for p in question["prompts"]}
        elif kind == "numerical":
            body, form = {"value": "3"}, {f"q{qid}-value": "4"}
        else:
            body, form = {"text": "a guess"}, {f"q{qid}-text": "another guess"}
        keep(
            f"api save {kind}",
            api.put(f"/api/v1/attempts/{attempt_id}/responses/{qid}/", body, format="json"),
        )
        keep(f"page autosave {kind}", pages.post(f"/attempts/{attempt_id}/answers/{qid}/", form))
        keep(
            f"api bad {kind}",
            api.put(f"/api/v1/attempts/{attempt_id}/responses/{qid}/", {"x": 1}, format="json"),
            400,
        )
    keep("api attempt in progress", api.get(f"/api/v1/attempts/{attempt_id}/"))
    keep("page take after answers", pages.get(f"/attempts/{attempt_id}/"))
    keep("api submit", api.post(f"/api/v1/attempts/{attempt_id}/submit/"), 202)
    keep("api attempt submitted", api.get(f"/api/v1/attempts/{attempt_id}/"))
    keep("page result submitted", pages.get(f"/attempts/{attempt_id}/result/"))
    attempt_grade(attempt_id=attempt_id)  # what the worker does: the essay now waits
    keep("api attempt waiting", api.get(f"/api/v1/attempts/{attempt_id}/"))
    keep("page status waiting", pages.get(f"/attempts/{attempt_id}/status/"))
    return seen


def grade_essay(instructor, attempt_id) -> None:
    from quizzes.models import AttemptQuestion
    from quizzes.services.grading import attempt_question_grade

    essay = AttemptQuestion.objects.get(attempt_id=attempt_id, question__type="essay")
    attempt_question_grade(
        grader=instructor,
        attempt_id=attempt_id,
        question_id=essay.question_id,
        score="0.5",
        comment="FEEDBACK-comment from the grader",
    )


def after_grading(learner, attempt_id) -> list[tuple[str, str]]:
    api = api_client_for(learner)
    pages = Client()
    pages.force_login(learner)
    return [
        ("api attempt graded", api.get(f"/api/v1/attempts/{attempt_id}/").content.decode()),
        ("page result graded", pages.get(f"/attempts/{attempt_id}/result/").content.decode()),
        ("page status graded", pages.get(f"/attempts/{attempt_id}/status/").content.decode()),
        ("page quiz graded", pages.get(f"/quizzes/{quiz_id_of(attempt_id)}/").content.decode()),
    ]


def quiz_id_of(attempt_id) -> int:
    from quizzes.models import Attempt

    return Attempt.objects.get(pk=attempt_id).quiz_id


def set_review(quiz, when):
    for item in Quiz.REVIEW_ITEMS:
        setattr(quiz, f"review_{item}", when)
    quiz.save()


@pytest.fixture
def every_type(quiz, instructor, enrolment):
    quiz_of_every_type(quiz, instructor)
    return quiz


@pytest.mark.parametrize("when", [Quiz.ReviewWhen.NEVER, Quiz.ReviewWhen.AFTER_CLOSE])
def test_no_key_reaches_the_learner_while_review_forbids_it(learner, instructor, every_type, when):
    set_review(every_type, when)

    seen = walk(learner, every_type)
    attempt_id = every_type.attempts.get().id
    grade_essay(instructor, attempt_id)
    seen += after_grading(learner, attempt_id)

    found = {what: leaks(text) for what, text in seen if leaks(text)}
    assert found == {}
    assert len(seen) >= 30


def test_the_walk_finds_the_keys_once_review_allows_them(learner, instructor, every_type):
    set_review(every_type, Quiz.ReviewWhen.IMMEDIATELY)

    seen = walk(learner, every_type)
    before_grading = {what: leaks(text) for what, text in seen if leaks(text)}
    attempt_id = every_type.attempts.get().id
    grade_essay(instructor, attempt_id)
    graded = dict(after_grading(learner, attempt_id))

    # Nothing while the attempt is open; while the essay waits for its grade the API shows
    # nothing yet, and the result panel reviews the questions already scored, never the essay...
    waiting_panel = before_grading.pop("page status waiting", set())
    assert before_grading == {}
    assert {"GENERAL-", "KEYSB"} <= waiting_panel
    assert "GENERAL-essay" not in dict(seen)["page status waiting"]
    # ...and, once graded, the detector finds what review now shows, in the API and the page.
    for what in ("api attempt graded", "page result graded"):
        found = leaks(graded[what])
        assert {"FEEDBACK-", "GENERAL-", "KEYSB"} <= found, (what, found)
        assert "8765.4" in found
    assert set(PAIRS) <= leaks(graded["page result graded"])
