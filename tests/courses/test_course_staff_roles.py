"""Every authoring and grading route, page and API, as each role of a course: anonymous, a
learner of the course, its teaching assistant, an instructor of another course, its
instructor, and staff. Instructors (and staff) edit; assistants grade essays and see results;
nobody else does either. A refused request writes nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz, QuizOverride
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.conftest import database_state
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.builders import essay

ROLES = ("anonymous", "learner", "assistant", "other_instructor", "instructor", "staff")

OK, LOGIN, DENIED, HIDDEN, INVALID = "ok", "login", "denied", "hidden", "invalid"


@dataclass
class World:
    users: dict[str, User | None]
    quiz: Quiz
    slot_id: int
    essay_id: int
    attempt_id: int
    override_id: int
    slug: str


@pytest.fixture
def world(db) -> World:
    users: dict[str, User | None] = {
        role: UserFactory(username=f"role-{role}", email=f"{role}@example.org")
        for role in ROLES[1:]
    }
    users["anonymous"] = None
    staff = users["staff"]
    assert staff is not None
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    course = build_course(modules=1, questions=1, slug="roles-course")
    course.instructors.add(users["instructor"])
    course.assistants.add(users["assistant"])
    build_course(modules=1, questions=1, slug="roles-other").instructors.add(
        users["other_instructor"]
    )
    quiz = course.modules.get().quizzes.get()
    instructor = users["instructor"]
    learner = users["learner"]
    assert instructor is not None and learner is not None
    question = essay(quiz, instructor)
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    for item in AttemptQuestion.objects.filter(attempt=attempt).select_related("question"):
        response: dict = (
            {"text": "I would say what I saw."}
            if item.question.type == Question.Type.ESSAY
            else {"choice_ids": [item.question.choices.order_by("position")[0].id]}
        )
        attempt_save_response(
            user=learner, attempt_id=attempt.id, question_id=item.question_id, response=response
        )
    attempt_submit(user=learner, attempt_id=attempt.id)
    attempt_grade(attempt_id=attempt.id)
    assert Attempt.objects.get(pk=attempt.id).state == Attempt.State.NEEDS_REVIEW
    override = QuizOverride.objects.create(quiz=quiz, user=learner, attempts_allowed=3)
    return World(
        users=users,
        quiz=quiz,
        slot_id=quiz.slots.order_by("position")[0].id,
        essay_id=question.id,
        attempt_id=attempt.id,
        override_id=override.id,
        slug=course.slug,
    )


def cells(default: str, **role: str) -> dict[str, str]:
    return {r: role.get(r, default) for r in ROLES}


def editors(ok: str = OK, others: str = DENIED) -> dict[str, str]:
    """Instructors of the course and staff; anyone else signed in refused."""
    return cells(others, anonymous="anon", instructor=ok, staff=ok)


def graders(ok: str = OK, others: str = HIDDEN) -> dict[str, str]:
    """Who grades essays and sees attempts: the course's instructors, its assistants, staff."""
    return cells(others, anonymous="anon", assistant=ok, instructor=ok, staff=ok)


def course_staff(ok: str = OK) -> dict[str, str]:
    return cells(DENIED, anonymous="anon", assistant=ok, instructor=ok, staff=ok)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, str]
    body: Callable[[World], dict] = lambda w: {}
    api: bool = False


def _quiz(name: str, **extra) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"quiz_id": w.quiz.id, **extra})


ROUTES = [
    # the quiz builder and its pages: instructors only
    Route("teach-quiz", "get", _quiz("teach-quiz"), editors()),
    Route("teach-quiz", "post", _quiz("teach-quiz"), editors()),
    Route(
        "teach-quiz-new",
        "post",
        lambda w: reverse("teach-quiz-new"),
        editors(),
        body=lambda w: {"module": w.quiz.module_id, "title": "Another"},
    ),
    Route(
        "teach-question-new", "get", _quiz("teach-question-new", question_type="essay"), editors()
    ),
    Route(
        "teach-question",
        "get",
        lambda w: reverse("teach-question", args=[w.quiz.id, w.essay_id]),
        editors(),
    ),
    Route(
        "teach-slot",
        "post",
        lambda w: reverse("teach-slot", args=[w.quiz.id, w.slot_id]),
        editors(),
        body=lambda w: {"action": "down"},
    ),
    Route("teach-preview", "get", _quiz("teach-preview"), editors()),
    Route("teach-overrides", "get", _quiz("teach-overrides"), editors()),
    Route(
        "teach-override-delete",
        "post",
        lambda w: reverse("teach-override-delete", args=[w.quiz.id, w.override_id]),
        editors(),
    ),
    # grading: instructors and assistants of the course
    Route("teach-grading", "get", lambda w: reverse("teach-grading"), cells(OK, anonymous="anon")),
    Route(
        "teach-essay-grade",
        "get",
        lambda w: reverse("teach-essay-grade", args=[w.attempt_id, w.essay_id]),
        graders(),
    ),
    Route(
        "teach-essay-grade",
        "post",
        lambda w: reverse("teach-essay-grade", args=[w.attempt_id, w.essay_id]),
        graders(),
        body=lambda w: {"score": "1", "comment": "Clear."},
    ),
    Route(
        "attempt-result",
        "get",
        lambda w: reverse("attempt-result", args=[w.attempt_id]),
        graders(others=HIDDEN) | {"learner": OK},
    ),
    # publishing, staff, new runs
    Route(
        "teach-publish",
        "get",
        lambda w: reverse("teach-publish", args=["quiz", w.quiz.id]),
        editors(),
    ),
    Route(
        "teach-publish",
        "post",
        lambda w: reverse("teach-publish", args=["quiz", w.quiz.id]),
        editors(),
        body=lambda w: {"action": "unpublish"},
    ),
    Route(
        "teach-course-staff",
        "get",
        lambda w: reverse("teach-course-staff", args=[w.slug]),
        course_staff(),
    ),
    Route(
        "teach-course-staff",
        "post",
        lambda w: reverse("teach-course-staff", args=[w.slug]),
        editors(),
        body=lambda w: {"action": "add", "email": "learner@example.org", "role": "assistant"},
    ),
    Route(
        "teach-course-copy", "get", lambda w: reverse("teach-course-copy", args=[w.slug]), editors()
    ),
    Route(
        "teach-course-copy",
        "post",
        lambda w: reverse("teach-course-copy", args=[w.slug]),
        editors(),
        body=lambda w: {"title": "Next run", "slug": "roles-next"},
    ),
    # the API
    Route(
        "api:attempt-question-grade",
        "post",
        lambda w: f"/api/v1/attempts/{w.attempt_id}/questions/{w.essay_id}/grade/",
        graders(),
        body=lambda w: {"score": "1"},
        api=True,
    ),
    Route(
        "api:quiz-unpublish",
        "post",
        lambda w: f"/api/v1/quizzes/{w.quiz.id}/unpublish/",
        editors(),
        api=True,
    ),
    Route(
        "api:module-unpublish",
        "post",
        lambda w: f"/api/v1/modules/{w.quiz.module_id}/unpublish/",
        editors(),
        api=True,
    ),
    Route(
        "api:lesson-unpublish",
        "post",
        lambda w: f"/api/v1/lessons/{w.quiz.module.lessons.get().id}/unpublish/",
        editors(),
        api=True,
    ),
    Route(
        "api:course-unpublish",
        "post",
        lambda w: f"/api/v1/courses/{w.slug}/unpublish/",
        editors(),
        api=True,
    ),
    Route(
        "api:course-staff",
        "get",
        lambda w: f"/api/v1/courses/{w.slug}/staff/",
        course_staff(),
        api=True,
    ),
    Route(
        "api:course-staff",
        "post",
        lambda w: f"/api/v1/courses/{w.slug}/staff/",
        editors(),
        body=lambda w: {"email": "learner@example.org", "role": "assistant"},
        api=True,
    ),
    Route(
        "api:course-staff",
        "delete",
        lambda w: f"/api/v1/courses/{w.slug}/staff/",
        editors(),
        body=lambda w: {"user_id": w.users["assistant"].pk},  # type: ignore[union-attr]
        api=True,
    ),
    Route(
        "api:course-copy",
        "post",
        lambda w: f"/api/v1/courses/{w.slug}/copy/",
        editors(),
        body=lambda w: {"title": "Next run", "slug": "roles-next"},
        api=True,
    ),
]


def _outcome(response) -> str:
    status = response.status_code
    assert status < 500, response.content[:300]
    if status in (301, 302, 303):
        return LOGIN if response["Location"].startswith(reverse("login")) else OK
    if status < 300:
        return OK
    if status in (401, 403):
        return DENIED
    if status == 404:
        return HIDDEN
    return INVALID


def _client(route: Route, user: User | None) -> Client | APIClient:
    if route.api:
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(route: Route, world: World, client: Client | APIClient):
    url, body = route.url(world), route.body(world)
    if route.api:
        return getattr(client, route.method)(url, body, format="json")
    return client.get(url) if route.method == "get" else client.post(url, body)


@pytest.mark.parametrize(
    ("route", "role"),
    [(route, role) for route in ROUTES for role in ROLES],
    ids=[f"{route.name}-{route.method}-{role}" for route in ROUTES for role in ROLES],
)
def test_each_role_on_each_authoring_and_grading_route(world, route, role):
    wanted = route.expect[role]
    if wanted == "anon":
        wanted = DENIED if route.api else LOGIN
    refused = wanted in (DENIED, HIDDEN, LOGIN)
    client = _client(route, world.users[role])  # signing in records the log-in: before the picture
    before = database_state() if refused else None
    response = _send(route, world, client)
    assert _outcome(response) == wanted, (response.status_code, response.content[:300])
    if refused:
        assert database_state() == before, "a refused request changed something"


def test_the_grading_queue_lists_the_essay_to_its_graders_only(world):
    for role, listed in (
        ("assistant", True),
        ("instructor", True),
        ("staff", True),
        ("learner", False),
        ("other_instructor", False),
    ):
        client = Client()
        client.force_login(world.users[role])
        page = client.get(reverse("teach-grading")).content.decode()
        link = reverse("teach-essay-grade", args=[world.attempt_id, world.essay_id])
        assert (link in page) is listed, role


def test_assistants_get_the_quiz_without_its_answer_keys(world):
    api = APIClient()
    api.force_authenticate(world.users["assistant"])
    body = api.get(f"/api/v1/quizzes/{world.quiz.id}/").json()
    assert "slots" not in body
