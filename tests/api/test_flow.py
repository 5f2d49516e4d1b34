"""The main flow through the public API (docs/architecture.md), without a Celery worker.

What a worker does (grading, rendering the certificate) is stood in for by calling the services
the tasks call. On-commit callbacks are captured, never run against a broker: `sent_tasks` says
which task each of them would have sent.
"""

import hashlib
from io import BytesIO

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from certificates.models import Certificate
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.models import Course, Enrolment, LessonProgress, ModuleProgress
from courses.services.enrolment import lesson_complete
from quizzes.models import Attempt, AttemptQuestion, Choice
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.api.helpers import (
    GRADE_ATTEMPT,
    ISSUE_CERTIFICATE,
    assert_error,
    complete_course,
    keys_anywhere,
    sent_tasks,
)
from tests.factories import PASSWORD, build_course, enrol, right_answers, wrong_answers

pytestmark = pytest.mark.django_db

ANSWER_KEY_FIELDS = {"fraction", "correct", "feedback", "general_feedback"}
ATTEMPT_FIELDS = {
    "id",
    "quiz_id",
    "number",
    "state",
    "started_at",
    "deadline",
    "submitted_at",
    "graded_at",
    "score",
    "max_score",
    "percent",
    "passed",
    "pass_mark_percent",
    "review_available",
    "questions",
}


def right_choice_id(question_id: int) -> int:
    return Choice.objects.get(question_id=question_id, fraction=1).id


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


# --- the whole flow, as an API client sees it --------------------------------------------------


def test_the_main_flow_from_token_to_verified_certificate(
    learner, course, django_capture_on_commit_callbacks
):
    anonymous = APIClient()
    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "learner", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    catalogue = client.get("/api/v1/courses/")
    assert catalogue.status_code == 200
    assert [c["slug"] for c in catalogue.json()["results"]] == [course.slug]

    detail = client.get(f"/api/v1/courses/{course.slug}/")
    assert detail.status_code == 200
    modules = detail.json()["modules"]
    assert [(m["title"], len(m["lessons"]), len(m["quizzes"])) for m in modules] == [
        ("Module 1", 1, 1),
        ("Module 2", 1, 1),
    ]

    enrolled = client.post(f"/api/v1/courses/{course.slug}/enroll/")
    assert enrolled.status_code == 201
    again = client.post(f"/api/v1/courses/{course.slug}/enroll/")
    assert again.status_code == 200
    assert again.json()["id"] == enrolled.json()["id"]
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.id == enrolled.json()["id"]

    for module in modules:
        read = client.post(f"/api/v1/lessons/{module['lessons'][0]['id']}/complete/")
        assert read.status_code == 200

        quiz_id = module["quizzes"][0]["id"]
        started = client.post(f"/api/v1/quizzes/{quiz_id}/attempts/")
        assert started.status_code == 201
        assert keys_anywhere(started.json()) & ANSWER_KEY_FIELDS == set()
        attempt_id = started.json()["id"]
        resumed = client.post(f"/api/v1/quizzes/{quiz_id}/attempts/")
        assert resumed.status_code == 200
        assert resumed.json()["id"] == attempt_id

        for question in started.json()["questions"]:
            saved = client.put(
                f"/api/v1/attempts/{attempt_id}/responses/{question['question_id']}/",
                {"choice_ids": [right_choice_id(question["question_id"])]},
                format="json",
            )
            assert saved.status_code == 200

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            submitted = client.post(f"/api/v1/attempts/{attempt_id}/submit/")
        assert submitted.status_code == 202
        assert submitted.json()["state"] == "submitted"
        assert sent_tasks(callbacks) == [(GRADE_ATTEMPT, (attempt_id,))]

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            attempt_grade(attempt_id=attempt_id)  # what the grading worker does
        # The course awards credit: completing it waits for the learner's claim.
        assert sent_tasks(callbacks) == []

        graded = client.get(f"/api/v1/attempts/{attempt_id}/")
        assert graded.status_code == 200
        assert (graded.json()["state"], graded.json()["percent"], graded.json()["passed"]) == (
            "graded",
            "100.00",
            True,
        )

    progress = client.get("/api/v1/me/progress/")
    assert progress.status_code == 200
    [course_progress] = progress.json()["results"]
    assert course_progress["status"] == "completed"
    assert [m["status"] for m in course_progress["modules"]] == ["passed", "passed"]

    to_claim = client.get("/api/v1/me/credit-claims/")
    assert [
        (c["course"], c["max_credits"], c["claimed_credits"]) for c in to_claim.json()["results"]
    ] == [(course.slug, "2.00", None)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claimed = client.post(
            "/api/v1/me/credit-claims/",
            {"course": course.slug, "credits": "1.5", "attested": True},
            format="json",
        )
    assert claimed.status_code == 201, claimed.content
    assert claimed.json()["claimed_credits"] == "1.50"
    assert sent_tasks(callbacks) == [(ISSUE_CERTIFICATE, (enrolment.id,))]

    pending = client.get("/api/v1/me/certificates/")
    assert [(c["course"], c["status"]) for c in pending.json()["results"]] == [
        (course.slug, "pending")
    ]

    certificate = certificate_issue(enrolment_id=enrolment.id)  # what the certificate worker does
    assert certificate is not None
    ready = client.get("/api/v1/me/certificates/")
    [listed] = ready.json()["results"]
    assert (listed["id"], listed["status"]) == (certificate.id, "ready")

    pdf = client.get(listed["pdf_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert isinstance(pdf, StreamingHttpResponse)
    assert "Alex Rivera" in pdf_text(pdf.getvalue())

    verified = anonymous.get(f"/api/v1/certificates/verify/{listed['verification_code']}/")
    assert verified.status_code == 200
    assert verified.json()["result"] == "valid"
    assert verified.json()["learner_name"] == "Alex Rivera"
    assert verified.json()["credits_claimed"] == "1.50"


# --- step by step -------------------------------------------------------------------------------


def test_a_token_from_username_and_password_authenticates_requests(learner):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "learner", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=learner).key

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    progress = client.get("/api/v1/me/progress/")
    assert progress.status_code == 200
    assert progress.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_asking_for_a_token_twice_returns_the_same_token(learner):
    client = APIClient()
    credentials = {"username": "learner", "password": PASSWORD}
    first = client.post("/api/v1/auth/token/", credentials, format="json")
    second = client.post("/api/v1/auth/token/", credentials, format="json")
    assert first.json() == second.json()
    assert Token.objects.filter(user=learner).count() == 1


def test_the_catalogue_is_paginated_and_lists_published_courses_only(learner_api, course):
    build_course(status=Course.Status.DRAFT, title="Unpublished draft", slug="unpublished")
    response = learner_api.get("/api/v1/courses/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": course.slug,
                "title": course.title,
                "summary": "Leading a ward team through handovers, conflict and change.",
                "status": "published",
                "pass_mark_percent": 70,
            }
        ],
    }


def test_a_course_shows_its_modules_lessons_and_quizzes(learner_api, course):
    response = learner_api.get(f"/api/v1/courses/{course.slug}/")
    assert response.status_code == 200
    body = response.json()
    modules = body.pop("modules")
    assert body == {
        "slug": course.slug,
        "title": course.title,
        "summary": "Leading a ward team through handovers, conflict and change.",
        "status": "published",
        "pass_mark_percent": 70,
        "accredited_provider": "Northfield Academic Medical Center",
        "credit_type": "ama_pra_1",
        "max_credits": "2.00",
        "learning_format": "",
        "about_html": "",
    }
    expected = []
    for module in course.modules.order_by("position"):
        lesson = module.lessons.get()
        quiz = module.quizzes.get()
        expected.append(
            {
                "id": module.id,
                "position": module.position,
                "title": f"Module {module.position}",
                "summary": "Structured handover that survives a busy night.",
                "required": True,
                "competencies": ["interpersonal_communication"],
                "status": "published",
                "objectives": [],
                "lessons": [
                    {
                        "id": lesson.id,
                        "title": f"Module {module.position}, lesson 1",
                        "estimated_minutes": 8,
                        "status": "published",
                        "body_html": lesson.body_html,
                    }
                ],
                "quizzes": [
                    {
                        "id": quiz.id,
                        "title": f"Module {module.position} quiz",
                        "pass_mark_percent": 60,
                        "status": "published",
                    }
                ],
            }
        )
    assert modules == expected
    assert modules[0]["lessons"][0]["body_html"].startswith("<h2>Situation</h2>")


def test_anonymous_callers_get_the_outline_without_the_lessons_text(course):
    # As on the site: anyone sees the course and its outline; the lesson page asks for a log-in.
    response = APIClient().get(f"/api/v1/courses/{course.slug}/")

    assert response.status_code == 200
    lessons = [lesson for m in response.json()["modules"] for lesson in m["lessons"]]
    assert lessons and all(
        set(lesson) == {"id", "title", "estimated_minutes", "status"} for lesson in lessons
    )
    page = Client().get(f"/lessons/{course.modules.first().lessons.first().id}/")
    assert page.status_code == 302
    assert page["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_enrolling_twice_returns_the_same_enrolment(learner, learner_api, course):
    first = learner_api.post(f"/api/v1/courses/{course.slug}/enroll/")
    assert first.status_code == 201
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert first.json() == {
        "id": enrolment.id,
        "course": course.slug,
        "status": "active",
        "enrolled_at": first.json()["enrolled_at"],
        "completed_at": None,
    }

    second = learner_api.post(f"/api/v1/courses/{course.slug}/enroll/")
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Enrolment.objects.filter(user=learner).count() == 1
    assert ModuleProgress.objects.filter(enrolment=enrolment).count() == 2


def test_completing_a_lesson_marks_it_read(learner, learner_api, course):
    enrolment = enrol(learner, course)
    lesson = course.modules.get(position=1).lessons.get()
    response = learner_api.post(f"/api/v1/lessons/{lesson.id}/complete/")
    assert response.status_code == 200
    read = LessonProgress.objects.get(enrolment=enrolment)
    assert read.lesson_id == lesson.id
    assert response.json() == {
        "lesson_id": lesson.id,
        "completed_at": response.json()["completed_at"],
    }
    module_progress = enrolment.module_progress.get(module=lesson.module)
    assert (module_progress.status, module_progress.lessons_read) == ("in_progress", 1)


def test_starting_an_attempt_shows_questions_without_answer_keys(learner_api, quiz, enrolment):
    response = learner_api.post(f"/api/v1/quizzes/{quiz.id}/attempts/")
    assert response.status_code == 201
    body = response.json()
    assert keys_anywhere(body) & ANSWER_KEY_FIELDS == set()
    assert set(body) == ATTEMPT_FIELDS
    attempt = Attempt.objects.get()
    assert (body["id"], body["quiz_id"], body["number"], body["state"]) == (
        attempt.id,
        quiz.id,
        1,
        "in_progress",
    )
    assert (body["deadline"], body["score"], body["percent"], body["passed"]) == (
        None,
        None,
        None,
        None,
    )
    assert body["review_available"] is False
    assert [q["position"] for q in body["questions"]] == [1, 2, 3]
    for question, item in zip(body["questions"], attempt.questions.all(), strict=True):
        assert set(question) == {
            "question_id",
            "position",
            "type",
            "text_html",
            "points",
            "answered",
            "choices",
        }
        assert (question["question_id"], question["type"], question["points"]) == (
            item.question_id,
            "single_choice",
            "1.00",
        )
        assert question["answered"] is False
        assert [c["id"] for c in question["choices"]] == item.choice_order
        assert {c["text"] for c in question["choices"]} == set(
            item.question.choices.values_list("text", flat=True)
        )
        assert all(set(c) == {"id", "text", "chosen"} for c in question["choices"])
        assert not any(c["chosen"] for c in question["choices"])


def test_starting_again_resumes_the_open_attempt(learner_api, attempt, quiz):
    response = learner_api.post(f"/api/v1/quizzes/{quiz.id}/attempts/")
    assert response.status_code == 200
    assert response.json()["id"] == attempt.id
    assert response.json()["number"] == 1
    assert Attempt.objects.count() == 1


def test_saving_a_response_stores_the_chosen_choice(learner_api, attempt):
    item = attempt.questions.get(position=1)
    choice_id = right_choice_id(item.question_id)
    response = learner_api.put(
        f"/api/v1/attempts/{attempt.id}/responses/{item.question_id}/",
        {"choice_ids": [choice_id]},
        format="json",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.response == {"choice_ids": [choice_id]}
    assert response.json() == {
        "question_id": item.question_id,
        "responded_at": response.json()["responded_at"],
    }
    assert item.responded_at is not None

    shown = learner_api.get(f"/api/v1/attempts/{attempt.id}/").json()["questions"][0]
    assert shown["answered"] is True
    assert [c["id"] for c in shown["choices"] if c["chosen"]] == [choice_id]


def test_submitting_returns_202_and_enqueues_grading_once(
    learner_api, attempt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = learner_api.post(f"/api/v1/attempts/{attempt.id}/submit/")
    assert response.status_code == 202
    assert response.json()["state"] == "submitted"
    assert response.json()["review_available"] is False
    assert keys_anywhere(response.json()) & ANSWER_KEY_FIELDS == set()
    assert len(callbacks) == 1
    assert sent_tasks(callbacks) == [(GRADE_ATTEMPT, (attempt.id,))]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.submitted_by_system is False


def test_a_graded_attempt_shows_score_pass_and_review(learner, learner_api, attempt):
    answers = right_answers(attempt)
    first_question = attempt.questions.get(position=1).question_id
    answers[first_question] = wrong_answers(attempt)[first_question]
    attempt_submit(user=learner, attempt_id=attempt.id, responses=answers)
    attempt_grade(attempt_id=attempt.id)

    response = learner_api.get(f"/api/v1/attempts/{attempt.id}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["score"], body["max_score"], body["percent"], body["passed"]) == (
        "graded",
        "2.00",
        "3.00",
        "66.67",
        True,
    )
    assert body["pass_mark_percent"] == 60
    assert body["review_available"] is True
    assert [q["score"] for q in body["questions"]] == ["0.00", "1.00", "1.00"]

    missed = body["questions"][0]
    item = AttemptQuestion.objects.get(attempt=attempt, position=1)
    assert missed["general_feedback"] == item.question.general_feedback
    by_id = {c["id"]: c for c in missed["choices"]}
    [chosen_id] = answers[first_question]["choice_ids"]
    assert by_id[chosen_id] == {
        "id": chosen_id,
        "text": Choice.objects.get(id=chosen_id).text,
        "chosen": True,
        "correct": False,
        "feedback": "Not quite: see the lesson.",
    }
    right_id = right_choice_id(item.question_id)
    assert by_id[right_id]["correct"] is True
    assert by_id[right_id]["chosen"] is False
    assert by_id[right_id]["feedback"] == ""  # per-answer feedback only for what was chosen


def test_my_progress_shows_each_modules_status(learner, learner_api, course, attempt):
    lesson_complete(user=learner, lesson=attempt.quiz.module.lessons.get())
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)

    response = learner_api.get("/api/v1/me/progress/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [progress] = body["results"]
    assert (progress["course"], progress["course_title"], progress["status"]) == (
        course.slug,
        course.title,
        "active",
    )
    assert progress["completed_at"] is None
    module_1, module_2 = course.modules.order_by("position")
    assert progress["modules"] == [
        {
            "module_id": module_1.id,
            "module": "Module 1",
            "required": True,
            "status": "passed",
            "lessons_read": 1,
            "score_percent": "100.00",
            "best_score_percent": "100.00",
            "attempts_count": 1,
        },
        {
            "module_id": module_2.id,
            "module": "Module 2",
            "required": True,
            "status": "not_started",
            "lessons_read": 0,
            "score_percent": None,
            "best_score_percent": None,
            "attempts_count": 0,
        },
    ]


def test_passing_the_last_required_module_enqueues_the_certificate(
    learner, course, django_capture_on_commit_callbacks
):
    # A course without credit: its certificate is issued straight away.
    Course.objects.filter(pk=course.pk).update(max_credits=0, credit_type="")
    enrolment = enrol(learner, course)
    for module in course.modules.order_by("position"):
        lesson_complete(user=learner, lesson=module.lessons.get())
        attempt, _ = attempt_start(user=learner, quiz=module.quizzes.get())
        attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    first, last = Attempt.objects.order_by("id")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt_grade(attempt_id=first.id)
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt_grade(attempt_id=last.id)
    assert sent_tasks(callbacks) == [(ISSUE_CERTIFICATE, (enrolment.id,))]


def test_a_completed_course_lists_a_pending_certificate(learner, learner_api, course):
    enrolment = complete_course(learner, course)
    credit_claim_create(user=learner, course=course, credits="2", attested=True)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert enrolment.completed_at is not None

    response = learner_api.get("/api/v1/me/certificates/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": certificate.id,
                "status": "pending",
                "course": course.slug,
                "course_title": course.title,
                "learner_name": "Alex Rivera",
                "completed_on": enrolment.completed_at.date().isoformat(),
                "credits_claimed": "2.00",
                "credit_type": "AMA PRA Category 1 Credit\u2122",
                "version": 1,
                "number": certificate.number,
                "verification_code": certificate.code,
                "verify_url": f"{settings.SITE_URL}/verify/{certificate.code}/",
                "pdf_url": None,
                "sha256": "",
                "revoked_on": None,
            }
        ],
    }


def test_an_issued_certificate_is_listed_ready_with_its_pdf(learner_api, ready_certificate):
    response = learner_api.get("/api/v1/me/certificates/")
    assert response.status_code == 200
    [listed] = response.json()["results"]
    assert (listed["id"], listed["status"]) == (ready_certificate.id, "ready")
    assert listed["pdf_url"] == f"/api/v1/certificates/{ready_certificate.id}/pdf/"
    assert listed["sha256"] == ready_certificate.sha256
    assert len(listed["sha256"]) == 64


def test_the_owner_downloads_the_certificate_pdf(learner_api, course, ready_certificate):
    response = learner_api.get(f"/api/v1/certificates/{ready_certificate.id}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{ready_certificate.download_name}"'
    )
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == ready_certificate.sha256
    text = pdf_text(data)
    assert "Alex Rivera" in text
    assert course.title in text
    assert ready_certificate.code in text


def test_anyone_verifies_a_certificate_without_an_account(course, ready_certificate):
    response = APIClient().get(f"/api/v1/certificates/verify/{ready_certificate.code}/")
    assert response.status_code == 200
    assert response.json() == {
        "result": "valid",
        "learner_name": "Alex Rivera",
        "course_title": course.title,
        "completed_on": ready_certificate.completed_on.isoformat(),
        "credits_claimed": "2.00",
        "credit_type": "AMA PRA Category 1 Credit\u2122",
        "accredited_provider": "Northfield Academic Medical Center",
        "number": ready_certificate.number,
        "version": 1,
        "sha256": ready_certificate.sha256,
        "earlier_sha256": [],
        "revoked_on": None,
        "superseded_by": None,
        "superseded_by_url": None,
    }


def test_a_code_typed_in_lower_case_without_dashes_verifies(ready_certificate):
    typed = ready_certificate.code.replace("-", "").lower()
    response = APIClient().get(f"/api/v1/certificates/verify/{typed}/")
    assert response.status_code == 200
    assert response.json()["result"] == "valid"
    assert response.json()["number"] == ready_certificate.number


def test_an_unknown_well_formed_code_is_not_found(ready_certificate):
    unknown = "00000-00000-00000-00000"
    assert unknown != ready_certificate.code
    response = APIClient().get(f"/api/v1/certificates/verify/{unknown}/")
    error = assert_error(response, 404, "unknown_certificate")
    assert error["details"] == {"result": "unknown"}


@pytest.mark.parametrize("code", ["not-a-code", "12345", "UUUUU-UUUUU-UUUUU-UUUUU"])
def test_a_malformed_code_is_not_found(code):
    response = APIClient().get(f"/api/v1/certificates/verify/{code}/")
    error = assert_error(response, 404, "unknown_certificate")
    assert error["details"] == {"result": "unknown"}
