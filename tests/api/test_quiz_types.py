"""Every question type through the API: what a learner is shown, what they may send, and the
essay grading endpoint. Refused requests change nothing and enqueue nothing."""

import pytest

from quizzes.models import Attempt
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.api.helpers import assert_error, keys_anywhere
from tests.conftest import api_client_for
from tests.quizzes.builders import T, quiz_of_every_type, right_response

pytestmark = pytest.mark.django_db

KEY_FIELDS = {
    "fraction",
    "correct",
    "feedback",
    "general_feedback",
    "right_answer",
    "correctness",
    "match_text",
    "value_min",
    "value_max",
    "comment",
}


@pytest.fixture
def every_type(quiz, instructor):
    return quiz_of_every_type(quiz, instructor)


@pytest.fixture
def started(learner, quiz, enrolment, every_type):
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    return attempt


def item_of(attempt, kind):
    return attempt.questions.select_related("question").get(question__type=kind)


def url(attempt, item) -> str:
    return f"/api/v1/attempts/{attempt.id}/responses/{item.question_id}/"


def test_each_type_is_shown_with_its_own_fields_and_no_key(
    learner_api, quiz, enrolment, every_type
):
    response = learner_api.post(f"/api/v1/quizzes/{quiz.id}/attempts/")
    assert response.status_code == 201
    body = response.json()
    assert keys_anywhere(body) & KEY_FIELDS == set()
    common = {"question_id", "position", "type", "text_html", "points", "answered"}
    fields = {q["type"]: set(q) - common for q in body["questions"]}
    assert fields == {
        "single_choice": {"choices"},
        "multiple_response": {"choices"},
        "true_false": {"choices"},
        "short_answer": {"response"},
        "numerical": {"response"},
        "matching": {"prompts", "options"},
        "essay": {"response"},
        "description": set(),
    }
    matching = next(q for q in body["questions"] if q["type"] == "matching")
    assert sorted(o["text"] for o in matching["options"]) == [
        "The history",
        "What is happening now",
        "What you need",
        "Who is on call",
    ]
    assert [o["id"] for o in matching["options"]] == [1, 2, 3, 4]
    assert {p["text"] for p in matching["prompts"]} == {"Situation", "Background", "Recommendation"}
    assert all(set(p) == {"id", "text", "chosen_option"} for p in matching["prompts"])
    description = next(q for q in body["questions"] if q["type"] == "description")
    assert description["points"] == "0.00"
    assert "<em>Read this case before the next questions.</em>" in description["text_html"]


@pytest.mark.parametrize(
    "kind", [T.SHORT_ANSWER, T.NUMERICAL, T.MATCHING, T.ESSAY, T.MULTIPLE_RESPONSE]
)
def test_a_saved_answer_of_each_type_comes_back_on_reload(learner_api, started, kind):
    item = item_of(started, kind)
    answer = right_response(item)
    assert answer is not None

    saved = learner_api.put(url(started, item), answer, format="json")

    assert saved.status_code == 200, saved.content
    shown = learner_api.get(f"/api/v1/attempts/{started.id}/").json()
    question = next(q for q in shown["questions"] if q["question_id"] == item.question_id)
    assert question["answered"] is True
    if kind in (T.SHORT_ANSWER, T.ESSAY, T.NUMERICAL):
        assert question["response"] == answer
    elif kind == T.MATCHING:
        chosen = {str(p["id"]): p["chosen_option"] for p in question["prompts"]}
        assert chosen == answer["matches"]
    else:
        assert {c["id"] for c in question["choices"] if c["chosen"]} == set(answer["choice_ids"])


@pytest.mark.parametrize(
    ("kind", "body", "status", "code"),
    [
        (T.NUMERICAL, {"value": "about twelve"}, 400, "invalid_number"),
        (T.NUMERICAL, {"value": ""}, 400, "invalid_number"),
        (T.NUMERICAL, {"value": [1]}, 400, "invalid_number"),
        (T.SHORT_ANSWER, {"text": ["a"]}, 400, "invalid_response"),
        (T.SHORT_ANSWER, {"text": "a", "extra": 1}, 400, "invalid_response"),
        (T.SHORT_ANSWER, {"text": "a" * 501}, 400, "response_too_long"),
        (T.MATCHING, {"matches": {"1": 1}}, 400, "invalid_option"),
        (T.MATCHING, {"matches": "1=1"}, 400, "invalid_response"),
        (T.ESSAY, {"choice_ids": [1]}, 400, "invalid_response"),
        (T.DESCRIPTION, {"text": "a"}, 400, "invalid_response"),
        (T.SINGLE_CHOICE, {"text": "SBAR"}, 400, "invalid_response"),
    ],
)
def test_bad_answers_of_each_type_are_refused_in_the_error_shape(
    learner_api, started, unchanged, kind, body, status, code
):
    item = item_of(started, kind)
    response = unchanged(lambda: learner_api.put(url(started, item), body, format="json"))
    error = assert_error(response, status, code)
    assert error["details"]["question_id"] == item.question_id


def test_an_answer_to_a_submitted_attempt_is_a_conflict(learner, learner_api, started, unchanged):
    attempt_submit(user=learner, attempt_id=started.id)
    item = item_of(started, T.SHORT_ANSWER)
    response = unchanged(lambda: learner_api.put(url(started, item), {"text": "x"}, format="json"))
    assert_error(response, 409, "attempt_closed")


def test_a_missing_question_is_not_found(learner_api, started, unchanged):
    response = unchanged(
        lambda: learner_api.put(
            f"/api/v1/attempts/{started.id}/responses/999999/", {"text": "x"}, format="json"
        )
    )
    assert_error(response, 404, "question_not_in_attempt")


# --- essay grading ----------------------------------------------------------------------------


@pytest.fixture
def waiting(learner, started):
    responses = {
        i.question_id: right_response(i)
        for i in started.questions.select_related("question")
        if i.question.type != T.DESCRIPTION
    }
    attempt_submit(user=learner, attempt_id=started.id, responses=responses)
    return attempt_grade(attempt_id=started.id)


def grade_url(attempt, item) -> str:
    return f"/api/v1/attempts/{attempt.id}/questions/{item.question_id}/grade/"


def test_the_instructor_grades_the_essay_and_the_learner_sees_score_and_comment(
    instructor, learner_api, waiting
):
    assert waiting.state == Attempt.State.NEEDS_REVIEW
    pending = learner_api.get(f"/api/v1/attempts/{waiting.id}/").json()
    assert (pending["state"], pending["score"], pending["review_available"]) == (
        "needs_review",
        None,
        False,
    )
    assert keys_anywhere(pending) & KEY_FIELDS == set()

    item = item_of(waiting, T.ESSAY)
    response = api_client_for(instructor).post(
        grade_url(waiting, item), {"score": "0.5", "comment": "Name the impact too."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["score"]) == ("graded", "6.50")
    seen = learner_api.get(f"/api/v1/attempts/{waiting.id}/").json()
    essay = next(q for q in seen["questions"] if q["type"] == "essay")
    assert (essay["score"], essay["comment"], essay["correctness"]) == (
        "0.50",
        "Name the impact too.",
        "partially_right",
    )


@pytest.mark.parametrize("persona", ["learner", "other_learner", "director", "outsider"])
def test_no_one_else_grades_essays(request, persona, waiting, unchanged):
    item = item_of(waiting, T.ESSAY)
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(
        lambda: client.post(grade_url(waiting, item), {"score": "1"}, format="json")
    )
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [({"score": "2"}, "invalid_score"), ({"score": "x"}, "invalid"), ({}, "invalid")],
)
def test_a_bad_essay_score_is_refused(instructor, waiting, unchanged, body, code):
    item = item_of(waiting, T.ESSAY)
    client = api_client_for(instructor)
    response = unchanged(lambda: client.post(grade_url(waiting, item), body, format="json"))
    assert_error(response, 400, code)
