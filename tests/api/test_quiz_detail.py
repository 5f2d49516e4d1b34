"""GET /api/v1/quizzes/{id}/: answer keys for the course's instructors, settings for the rest."""

import pytest

from tests.api.helpers import assert_error, keys_anywhere
from tests.conftest import api_client_for
from tests.factories import build_course

pytestmark = pytest.mark.django_db

SETTINGS_FIELDS = {
    "id",
    "status",
    "title",
    "intro",
    "module_id",
    "pass_mark_percent",
    "attempts_allowed",
    "grading_method",
    "time_limit_minutes",
    "opens_at",
    "closes_at",
    "delay_minutes",
    "question_count",
}


def expected_slots(quiz) -> list[dict]:
    slots = []
    for slot in quiz.slots.order_by("position"):
        question = slot.question
        slots.append(
            {
                "position": slot.position,
                "points": None,
                "random_category": None,
                "random_category_id": None,
                "random_count": 1,
                "question": {
                    "id": question.id,
                    "type": "single_choice",
                    "name": question.name,
                    "text": question.text,
                    "general_feedback": question.general_feedback,
                    "default_points": "1.00",
                    "choices": [
                        {
                            "id": choice.id,
                            "text": choice.text,
                            "fraction": f"{choice.fraction:.5f}",
                            "feedback": choice.feedback,
                        }
                        for choice in question.choices.order_by("position")
                    ],
                },
            }
        )
    return slots


def test_the_courses_instructor_gets_slots_with_answer_keys(instructor, quiz):
    response = api_client_for(instructor).get(f"/api/v1/quizzes/{quiz.id}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == SETTINGS_FIELDS | {
        "shuffle_questions",
        "shuffle_choices",
        "review_correctness",
        "review_score",
        "review_feedback",
        "review_right_answers",
        "feedback_bands",
        "slots",
    }
    assert (body["id"], body["title"], body["question_count"]) == (quiz.id, "Module 1 quiz", 3)
    assert {body[f"review_{item}"] for item in quiz.REVIEW_ITEMS} == {"immediately"}
    assert body["feedback_bands"] == []
    assert body["slots"] == expected_slots(quiz)
    first_choices = body["slots"][0]["question"]["choices"]
    assert [c["fraction"] for c in first_choices] == ["1.00000", "0.00000", "0.00000"]


@pytest.mark.parametrize("persona", ["learner", "director", "outsider"])
def test_everyone_else_gets_the_settings_without_answer_keys(request, persona, quiz, enrolment):
    user = request.getfixturevalue(persona)
    response = api_client_for(user).get(f"/api/v1/quizzes/{quiz.id}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == SETTINGS_FIELDS
    assert "slots" not in body
    assert keys_anywhere(body) & {"fraction", "correct", "feedback", "general_feedback"} == set()
    assert body == {
        "id": quiz.id,
        "status": "published",
        "title": "Module 1 quiz",
        "intro": "",
        "module_id": quiz.module_id,
        "pass_mark_percent": 60,
        "attempts_allowed": None,
        "grading_method": "highest",
        "time_limit_minutes": None,
        "opens_at": None,
        "closes_at": None,
        "delay_minutes": None,
        "question_count": 3,
    }


@pytest.mark.parametrize("persona", ["learner", "director", "outsider"])
def test_a_draft_courses_quiz_is_not_found_for_anyone_but_its_instructors(
    request, persona, draft_course
):
    quiz = draft_course.modules.get().quizzes.get()
    user = request.getfixturevalue(persona)
    response = api_client_for(user).get(f"/api/v1/quizzes/{quiz.id}/")
    assert_error(response, 404, "not_found")


def test_a_draft_courses_instructor_gets_its_quiz_with_answer_keys(instructor, draft_course):
    quiz = draft_course.modules.get().quizzes.get()
    response = api_client_for(instructor).get(f"/api/v1/quizzes/{quiz.id}/")
    assert response.status_code == 200
    assert response.json()["slots"] == expected_slots(quiz)


def test_an_instructor_of_another_course_gets_no_answer_keys(instructor, course):
    other_course = build_course(modules=1, title="Ethics Rounds", slug="ethics-rounds")
    quiz = other_course.modules.get().quizzes.get()
    response = api_client_for(instructor).get(f"/api/v1/quizzes/{quiz.id}/")
    assert response.status_code == 200
    assert set(response.json()) == SETTINGS_FIELDS


def test_an_unknown_quiz_is_not_found(learner):
    assert_error(api_client_for(learner).get("/api/v1/quizzes/999999/"), 404, "not_found")
