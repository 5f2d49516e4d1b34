"""The question bank's API: questions listed with filters, created and revised, the category
tree, move, copy and tags, and quiz slots filled from the bank; the error shape throughout."""

from decimal import Decimal

import pytest

from quizzes.models import Question, QuestionCategory, QuizSlot
from quizzes.services import bank as bank_services
from quizzes.services.attempts import attempt_start
from tests.conftest import api_client_for
from tests.factories import enrol
from tests.quizzes.test_bank import sbar_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(instructor):
    return api_client_for(instructor)


@pytest.fixture
def cats(course, instructor):
    top = bank_services.category_create(actor=instructor, course=course, name="Communication")
    phone = bank_services.category_create(
        actor=instructor, course=course, name="Phone calls", parent=top
    )
    return {"top": top, "phone": phone}


def url(course, rest: str = "questions/") -> str:
    return f"/api/v1/courses/{course.slug}/bank/{rest}"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


NEW_QUESTION = {
    "type": "single_choice",
    "name": "Escalation call",
    "text": "A nurse reports new confusion in a patient after surgery. What do you say first?",
    "general_feedback": "Open with the situation, as SBAR does.",
    "answers": [
        {"text": "Who you are and the patient's situation", "fraction": "1", "feedback": "Yes."},
        {"text": "The full past medical history", "fraction": "0", "feedback": "Later."},
    ],
}


def test_create_list_and_filter_questions(api, course, cats, instructor):
    response = api.post(url(course), {**NEW_QUESTION, "category": cats["phone"].id}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["category_path"] == "Communication / Phone calls"
    assert (created["version"], created["previous_id"], created["used_in"]) == (1, None, [])
    assert [a["fraction"] for a in created["answers"]] == ["1.00000", "0.00000"]
    sbar_question(instructor, cats["top"], name="Team huddle")

    everything = api.get(url(course)).json()
    names = {q["name"] for q in everything["results"]}
    assert {"Escalation call", "Team huddle"} <= names

    def names_for(query: str) -> set[str]:
        return {q["name"] for q in api.get(url(course) + query).json()["results"]}

    assert names_for(f"?category={cats['top'].id}") == {"Escalation call", "Team huddle"}
    assert names_for(f"?category={cats['phone'].id}") == {"Escalation call"}
    assert names_for("?q=confusion+SURGERY") == {"Escalation call"}
    assert names_for("?type=essay") == set()

    api.post(
        url(course, "questions/tags/"),
        {"question_ids": [created["id"]], "tag": "PGY-1"},
        format="json",
    )
    assert names_for("?tag=pgy-1") == {"Escalation call"}
    assert error_of(api.get(url(course) + "?tag=nothing"))["code"] == "tag_not_found"


def test_a_bad_question_is_refused_in_the_error_shape(api, course, cats):
    response = api.post(
        url(course),
        {**NEW_QUESTION, "category": cats["phone"].id, "answers": NEW_QUESTION["answers"][:1]},
        format="json",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_question"
    response = api.post(url(course), {**NEW_QUESTION, "category": 999999}, format="json")
    assert response.status_code == 404
    assert error_of(response)["details"] == {"category": ["No such category in this course."]}
    assert not Question.objects.filter(name="Escalation call").exists()


def test_put_revises_an_asked_question_into_a_new_version(
    api, course, cats, instructor, quiz, learner
):
    question = sbar_question(instructor, cats["phone"])
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[question.id])
    detail = url(course, f"questions/{question.id}/")
    swapped = [
        {"text": "SBAR", "fraction": 0},
        {"text": "A free narrative", "fraction": 1},
    ]

    in_place = api.put(detail, {"name": "Renamed", "answers": swapped}, format="json").json()
    assert (in_place["id"], in_place["version"], in_place["name"]) == (question.id, 1, "Renamed")

    enrol(learner, course)
    attempt_start(user=learner, quiz=quiz)
    revised = api.put(detail, {"answers": swapped, "text": "Revised."}, format="json").json()
    assert revised["id"] != question.id
    assert (revised["version"], revised["previous_id"], revised["text"]) == (
        2,
        question.id,
        "Revised.",
    )
    assert [u["quiz_id"] for u in revised["used_in"]] == [quiz.id]

    again = api.put(detail, {"answers": swapped}, format="json")
    assert again.status_code == 409
    assert error_of(again)["code"] == "question_not_current"


def test_category_tree_create_update_delete(api, course, cats):
    tree = api.get(url(course, "categories/")).json()
    mine = [c for c in tree if c["id"] in (cats["top"].id, cats["phone"].id)]
    assert [(c["name"], c["depth"], c["path"]) for c in mine] == [
        ("Communication", 0, "Communication"),
        ("Phone calls", 1, "Communication / Phone calls"),
    ]

    made = api.post(
        url(course, "categories/"), {"name": "Escalation", "parent_id": cats["phone"].id}
    )
    assert made.status_code == 201
    made_id = made.json()["id"]
    assert made.json()["path"] == "Communication / Phone calls / Escalation"

    one = url(course, f"categories/{made_id}/")
    moved = api.patch(one, {"name": "Escalating care", "parent_id": None}, format="json")
    assert moved.json() | {"id": 0} == {
        "id": 0,
        "name": "Escalating care",
        "parent_id": None,
        "depth": 0,
        "path": "Escalating care",
        "question_count": 0,
    }
    cycle = api.patch(
        url(course, f"categories/{cats['top'].id}/"),
        {"parent_id": cats["phone"].id},
        format="json",
    )
    assert cycle.status_code == 400 and error_of(cycle)["code"] == "category_cycle"

    not_empty = api.delete(url(course, f"categories/{cats['top'].id}/"))
    assert not_empty.status_code == 409
    assert error_of(not_empty)["code"] == "category_not_empty"
    assert api.delete(one).status_code == 204
    assert not QuestionCategory.objects.filter(pk=made_id).exists()


def test_move_copy_and_untag(api, course, cats, instructor):
    question = sbar_question(instructor, cats["top"])
    moved = api.post(
        url(course, "questions/move/"),
        {"question_ids": [question.id], "category": cats["phone"].id},
        format="json",
    )
    assert moved.json() == {"moved": 1}
    question.refresh_from_db()
    assert question.category == cats["phone"]

    copies = api.post(
        url(course, "questions/copy/"),
        {"question_ids": [question.id], "category": cats["top"].id},
        format="json",
    )
    assert copies.status_code == 201
    (copy,) = copies.json()
    assert copy["id"] != question.id and copy["category_id"] == cats["top"].id

    api.post(url(course, "questions/tags/"), {"question_ids": [question.id], "tag": "Ward"})
    removed = api.post(
        url(course, "questions/tags/"),
        {"question_ids": [question.id], "tag": "ward", "remove": True},
        format="json",
    )
    assert removed.json() == {"tag": "Ward"}
    assert not question.tags.exists()

    foreign = api.post(
        url(course, "questions/move/"),
        {"question_ids": [question.id, 999999], "category": cats["top"].id},
        format="json",
    )
    assert foreign.status_code == 404
    assert error_of(foreign)["details"] == {"question_ids": [999999]}


def test_quiz_slots_from_the_bank(api, course, cats, instructor, quiz):
    first = sbar_question(instructor, cats["phone"], name="First")
    sbar_question(instructor, cats["phone"], name="Second")

    fixed = api.post(
        f"/api/v1/quizzes/{quiz.id}/slots/bank/",
        {"question_ids": [first.id], "points": "2"},
        format="json",
    )
    assert fixed.status_code == 201
    assert fixed.json()[0] | {"id": 0} == {
        "id": 0,
        "position": 4,
        "question_id": first.id,
        "random_category_id": None,
        "random_count": 1,
        "points": "2.00",
    }
    twice = api.post(
        f"/api/v1/quizzes/{quiz.id}/slots/bank/", {"question_ids": [first.id]}, format="json"
    )
    assert twice.status_code == 400 and error_of(twice)["code"] == "question_in_quiz"

    random_url = f"/api/v1/quizzes/{quiz.id}/slots/random/"
    too_many = api.post(random_url, {"category": cats["top"].id, "count": 2}, format="json")
    assert too_many.status_code == 400
    assert error_of(too_many)["code"] == "category_too_small"
    drawn = api.post(random_url, {"category": cats["top"].id, "count": 1}, format="json")
    assert drawn.status_code == 201
    assert drawn.json()["random_count"] == 1
    slot = QuizSlot.objects.get(pk=drawn.json()["id"])
    assert slot.random_category == cats["top"] and slot.points is None

    keys = api.get(f"/api/v1/quizzes/{quiz.id}/").json()
    assert keys["slots"][-1]["random_category_id"] == cats["top"].id
    assert keys["slots"][-2]["points"] == str(Decimal("2.00"))


def test_learners_and_other_instructors_are_refused(course, cats, learner, outsider, quiz):
    for user in (learner, outsider):
        client = api_client_for(user)
        assert error_of(client.get(url(course)))["code"] == "not_instructor"
        made = client.post(url(course, "categories/"), {"name": "X"})
        assert made.status_code == 403
        slot = client.post(
            f"/api/v1/quizzes/{quiz.id}/slots/random/",
            {"category": cats["top"].id, "count": 1},
            format="json",
        )
        assert slot.status_code == 403
    assert not QuestionCategory.objects.filter(name="X").exists()
    assert api_client_for(learner).get("/api/v1/courses/no-such/bank/questions/").status_code == 404
