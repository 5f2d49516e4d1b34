"""The teaching API: publish and unpublish, course staff, a new run; with the error shape and
the course's roles."""

import pytest

from courses.models import Course, PublishStatus
from quizzes.services.authoring import quiz_create
from tests.api.helpers import assert_error, complete_course
from tests.conftest import api_client_for
from tests.factories import LessonFactory, ModuleFactory, UserFactory, add_single_choice_question

DRAFT = PublishStatus.DRAFT


@pytest.fixture
def assistant(course):
    user = UserFactory(username="assistant", email="assistant@example.org")
    course.assistants.add(user)
    return user


@pytest.fixture
def draft_quiz(course, instructor):
    quiz = quiz_create(actor=instructor, module=course.modules.get(position=1), title="Draft")
    add_single_choice_question(quiz, text="Which tool?", right="SBAR", wrong=["Narrative"])
    return quiz


def test_an_instructor_publishes_and_unpublishes_a_quiz(course, instructor, learner, draft_quiz):
    complete_course(learner, course)
    api = api_client_for(instructor)
    response = api.post(f"/api/v1/quizzes/{draft_quiz.id}/publish/")
    assert response.status_code == 200
    assert response.json() == {
        "kind": "quiz",
        "id": draft_quiz.id,
        "title": "Draft",
        "published": True,
        "hidden_by": "",
        "completed_learners": 1,
        "problems": [],
    }
    response = api.post(f"/api/v1/quizzes/{draft_quiz.id}/unpublish/")
    assert response.json()["published"] is False
    draft_quiz.refresh_from_db()
    assert draft_quiz.status == DRAFT


def test_a_quiz_with_no_questions_is_refused_with_its_problems(course, instructor):
    quiz = quiz_create(actor=instructor, module=course.modules.first(), title="Empty")
    response = api_client_for(instructor).post(f"/api/v1/quizzes/{quiz.id}/publish/")
    error = assert_error(response, 400, "quiz_not_ready")
    assert error["details"] == {"problems": ["The quiz has no questions yet."]}


def test_modules_lessons_and_courses_publish_by_id_and_slug(course, instructor):
    module = ModuleFactory(course=course, position=3, slug="m3", status=DRAFT)
    lesson = LessonFactory(module=module, position=1, slug="m3-l1", status=DRAFT)
    api = api_client_for(instructor)
    body = api.post(f"/api/v1/lessons/{lesson.id}/publish/").json()
    assert (body["published"], body["hidden_by"]) == (True, "module")
    assert api.post(f"/api/v1/modules/{module.id}/publish/").json()["published"] is True
    assert api.post(f"/api/v1/courses/{course.slug}/unpublish/").json()["published"] is False
    assert Course.objects.get(pk=course.pk).status == DRAFT
    assert api.post(f"/api/v1/courses/{course.slug}/publish/").json()["kind"] == "course"


@pytest.mark.parametrize("who", ["assistant", "learner", "outsider"])
def test_others_cannot_publish(request, course, draft_quiz, who):
    response = api_client_for(request.getfixturevalue(who)).post(
        f"/api/v1/quizzes/{draft_quiz.id}/publish/"
    )
    assert_error(response, 403, "not_instructor")
    draft_quiz.refresh_from_db()
    assert draft_quiz.status == DRAFT


def test_publishing_asks_for_a_sign_in_and_unknown_items_are_not_found(instructor):
    assert api_client_for(None).post("/api/v1/quizzes/1/publish/").status_code in (401, 403)
    assert_error(
        api_client_for(instructor).post("/api/v1/modules/999999/publish/"), 404, "not_found"
    )


def test_staff_list_add_and_remove(course, instructor, assistant):
    api = api_client_for(instructor)
    body = api.get(f"/api/v1/courses/{course.slug}/staff/").json()
    assert [p["id"] for p in body["instructors"]] == [instructor.id]
    assert [p["email"] for p in body["assistants"]] == ["assistant@example.org"]
    colleague = UserFactory(username="colleague", email="colleague@example.org")
    body = api.post(
        f"/api/v1/courses/{course.slug}/staff/",
        {"email": "colleague@example.org", "role": "instructor"},
        format="json",
    ).json()
    assert {p["id"] for p in body["instructors"]} == {instructor.id, colleague.id}
    body = api.delete(
        f"/api/v1/courses/{course.slug}/staff/", {"user_id": assistant.id}, format="json"
    ).json()
    assert body["assistants"] == []


def test_staff_errors_keep_the_shape(course, instructor, assistant):
    api = api_client_for(instructor)
    url = f"/api/v1/courses/{course.slug}/staff/"
    error = assert_error(
        api.post(url, {"email": "nobody@example.org", "role": "assistant"}, format="json"),
        404,
        "no_account",
    )
    assert error["details"] == {"email": ["No account with this address."]}
    assert_error(api.delete(url, {"user_id": instructor.id}, format="json"), 409, "last_instructor")
    assert_error(api.post(url, {"email": "x", "role": "boss"}, format="json"), 400, "invalid")
    # Assistants read the staff but do not change it.
    assistant_api = api_client_for(assistant)
    assert assistant_api.get(url).status_code == 200
    assert_error(
        assistant_api.post(url, {"email": assistant.email, "role": "instructor"}, format="json"),
        403,
        "not_instructor",
    )


def test_learners_do_not_see_the_staff(course, learner):
    assert_error(
        api_client_for(learner).get(f"/api/v1/courses/{course.slug}/staff/"),
        403,
        "not_course_staff",
    )


def test_copy_makes_a_draft_run(course, instructor, learner):
    api = api_client_for(instructor)
    response = api.post(
        f"/api/v1/courses/{course.slug}/copy/",
        {"title": "Next year", "slug": "next-year"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {
        "slug": "next-year",
        "title": "Next year",
        "status": "draft",
        "modules": 2,
    }
    assert_error(
        api.post(
            f"/api/v1/courses/{course.slug}/copy/",
            {"title": "Again", "slug": "next-year"},
            format="json",
        ),
        400,
        "invalid",
    )
    assert_error(
        api_client_for(learner).post(
            f"/api/v1/courses/{course.slug}/copy/", {"title": "Mine", "slug": "mine"}, format="json"
        ),
        403,
        "not_instructor",
    )
    assert not Course.objects.filter(slug="mine").exists()
