"""The instructors' authoring API: the same rules as the pages, the error shape, the roles."""

import io

import pytest
from django.contrib.auth.models import Group
from PIL import Image

from courses.models import Course, LessonImage, Module
from courses.selectors.authoring import INSTRUCTORS_GROUP
from courses.services.enrolment import lesson_complete
from quizzes.models import Quiz
from tests.conftest import api_client_for
from tests.factories import UserFactory, enrol


@pytest.fixture
def author(db):
    user = UserFactory(username="api-author", full_name="Dr. Lena Berg")
    user.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    return user


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def test_an_instructor_builds_a_course_through_the_api(author):
    api = api_client_for(author)

    created = api.post(
        "/api/v1/teach/courses/",
        {"title": "Leading Family Meetings", "summary": "Goals-of-care conversations."},
        format="json",
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    assert created.json()["status"] == "draft"

    module = api.post(
        f"/api/v1/teach/courses/{slug}/modules/",
        {
            "title": "Preparing the meeting",
            "objectives": ["Plan who attends a family meeting and why"],
            "competencies": ["interpersonal_communication"],
            "required": True,
        },
        format="json",
    )
    assert module.status_code == 201, module.content
    module_id = module.json()["id"]
    assert module.json()["objectives"] == ["Plan who attends a family meeting and why"]

    lesson = api.post(
        f"/api/v1/teach/modules/{module_id}/lessons/",
        {
            "title": "Before the room",
            "body": "## Agree the aim\n\nWith the team first.",
            "estimated_minutes": 7,
        },
        format="json",
    )
    assert lesson.status_code == 201, lesson.content
    assert "<h2>Agree the aim</h2>" in lesson.json()["body_html"]

    quiz = api.post(
        f"/api/v1/teach/modules/{module_id}/quizzes/",
        {"title": "Family meeting check", "pass_mark_percent": 80, "attempts_allowed": 2},
        format="json",
    )
    assert quiz.status_code == 201, quiz.content
    assert (quiz.json()["pass_mark_percent"], quiz.json()["attempts_allowed"]) == (80, 2)

    changed = api.patch(
        f"/api/v1/teach/quizzes/{quiz.json()['id']}/", {"pass_mark_percent": 70}, format="json"
    )
    assert changed.json()["pass_mark_percent"] == 70

    changed = api.patch(
        f"/api/v1/teach/courses/{slug}/", {"credit_type": "", "max_credits": "0"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    for address in (  # the quiz has no questions yet: it stays a draft
        f"/api/v1/lessons/{lesson.json()['id']}/publish/",
        f"/api/v1/modules/{module_id}/publish/",
        f"/api/v1/courses/{slug}/publish/",
    ):
        published = api.post(address)
        assert published.status_code == 200, published.content
    assert Course.objects.get(slug=slug).is_published
    outline = api.get(f"/api/v1/teach/courses/{slug}/").json()
    assert [m["title"] for m in outline["modules"]] == ["Preparing the meeting"]
    assert outline["modules"][0]["quizzes"][0]["title"] == "Family meeting check"


def test_the_credit_rules_refuse_in_the_error_shape(course, instructor):
    response = api_client_for(instructor).patch(
        f"/api/v1/teach/courses/{course.slug}/", {"max_credits": "1.10"}, format="json"
    )
    error = _error(response, 400, "invalid")
    assert "max_credits" in error["details"]


def test_branding_text_is_set_with_the_course(course, instructor):
    response = api_client_for(instructor).patch(
        f"/api/v1/teach/courses/{course.slug}/",
        {"issuer_name": "Northfield CME Office"},
        format="json",
    )
    assert response.status_code == 200
    assert course.certificate_branding.issuer_name == "Northfield CME Office"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 403), ("learner", 403), ("instructor", 403), ("author", 201)],
)
def test_who_may_create_a_course(request, course, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = api_client_for(user) if user else api_client_for(None)
    response = client.post("/api/v1/teach/courses/", {"title": "Mine"}, format="json")
    assert response.status_code == status, response.content
    if status != 201:
        assert Course.objects.filter(title="Mine").count() == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/teach/courses/{slug}/"),
        ("patch", "/api/v1/teach/courses/{slug}/"),
        ("post", "/api/v1/teach/courses/{slug}/modules/"),
        ("put", "/api/v1/teach/courses/{slug}/modules/order/"),
        ("patch", "/api/v1/teach/modules/{module}/"),
        ("delete", "/api/v1/teach/modules/{module}/"),
        ("post", "/api/v1/teach/modules/{module}/lessons/"),
        ("post", "/api/v1/teach/modules/{module}/quizzes/"),
        ("patch", "/api/v1/teach/lessons/{lesson}/"),
        ("delete", "/api/v1/teach/lessons/{lesson}/"),
        ("patch", "/api/v1/teach/quizzes/{quiz}/"),
    ],
)
def test_an_instructor_of_another_course_is_refused_and_nothing_changes(
    course, method, path, unchanged
):
    other = UserFactory(username="api-other-instructor")
    module = course.modules.get(position=1)
    url = path.format(
        slug=course.slug,
        module=module.pk,
        lesson=module.lessons.get().pk,
        quiz=module.quizzes.get().pk,
    )
    client = api_client_for(other)
    body = {"title": "Taken over", "body": "Text.", "ids": []}

    response = unchanged(lambda: getattr(client, method)(url, body, format="json"))

    _error(response, 403, "not_instructor")


def test_modules_are_reordered_with_every_id_once(course, instructor):
    api = api_client_for(instructor)
    first, second = course.modules.order_by("position")
    url = f"/api/v1/teach/courses/{course.slug}/modules/order/"

    _error(api.put(url, {"ids": [first.pk]}, format="json"), 400)
    response = api.put(url, {"ids": [second.pk, first.pk]}, format="json")

    assert [m["id"] for m in response.json()["modules"]] == [second.pk, first.pk]


def test_a_lesson_a_learner_read_is_not_deleted(course, instructor, learner):
    enrol(learner, course)
    lesson = course.modules.get(position=1).lessons.get()
    lesson_complete(user=learner, lesson=lesson)

    response = api_client_for(instructor).delete(f"/api/v1/teach/lessons/{lesson.pk}/")

    _error(response, 409, "learner_progress")


def test_an_unworked_module_is_deleted(course, instructor):
    module = course.modules.get(position=2)

    response = api_client_for(instructor).delete(f"/api/v1/teach/modules/{module.pk}/")

    assert response.status_code == 204
    assert not Module.objects.filter(pk=module.pk).exists()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 80)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_is_uploaded_into_a_lesson(course, instructor):
    lesson = course.modules.get(position=1).lessons.get()
    upload = io.BytesIO(_png())
    upload.name = "team.png"

    response = api_client_for(instructor).post(
        f"/api/v1/teach/courses/{course.slug}/images/",
        {"image": upload, "alt_text": "Team huddle board", "lesson_id": lesson.pk},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    image = LessonImage.objects.get()
    assert response.json()["markdown"] == f"![Team huddle board](/lesson-images/{image.pk}/)"
    lesson.refresh_from_db()
    assert response.json()["markdown"] in lesson.body


def test_a_text_file_named_png_is_refused_by_the_api(course, instructor):
    upload = io.BytesIO(b"not an image at all")
    upload.name = "fake.png"

    response = api_client_for(instructor).post(
        f"/api/v1/teach/courses/{course.slug}/images/",
        {"image": upload, "alt_text": "Fake"},
        format="multipart",
    )

    assert "image" in _error(response, 400, "invalid_file")["details"]


def test_quiz_settings_are_checked_by_the_quiz_service(course, instructor):
    quiz = Quiz.objects.filter(module__course=course).first()
    assert quiz is not None

    response = api_client_for(instructor).patch(
        f"/api/v1/teach/quizzes/{quiz.pk}/",
        {"opens_at": "2026-05-02T10:00:00Z", "closes_at": "2026-05-01T10:00:00Z"},
        format="json",
    )

    _error(response, 400)
