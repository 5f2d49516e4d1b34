"""The main flow with a real Celery worker process: on PostgreSQL with Redis, and (make test
runs it again so) on the embedded default, SQLite with the filesystem broker."""

from io import BytesIO

import pytest
from django.http import StreamingHttpResponse
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import Enrolment
from quizzes.models import Attempt
from tests.conftest import api_client_for, wait_for
from tests.factories import UserFactory, build_course

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_api_flow_graded_and_certified_by_the_worker(celery_worker, client):
    course = build_course(modules=2, questions=3, title="Leading Interprofessional Rounds")
    learner = UserFactory(username="worker-learner", full_name="Zoë Ångström-Nuñez")
    api = api_client_for(learner)

    assert api.post(f"/api/v1/courses/{course.slug}/enroll/").status_code == 201
    for module in course.modules.all():
        for lesson in module.lessons.all():
            assert api.post(f"/api/v1/lessons/{lesson.id}/complete/").status_code == 200
        quiz = module.quizzes.get()
        started = api.post(f"/api/v1/quizzes/{quiz.id}/attempts/")
        assert started.status_code == 201, started.content
        attempt_id = started.json()["id"]
        for question in started.json()["questions"]:
            right = [
                c.id
                for c in Attempt.objects.get(pk=attempt_id)
                .questions.get(question_id=question["question_id"])
                .question.choices.all()
                if c.fraction > 0
            ]
            saved = api.put(
                f"/api/v1/attempts/{attempt_id}/responses/{question['question_id']}/",
                {"choice_ids": right},
                format="json",
            )
            assert saved.status_code == 200, saved.content
        submitted = api.post(f"/api/v1/attempts/{attempt_id}/submit/")
        assert submitted.status_code == 202
        assert submitted.json()["state"] == "submitted"

        graded = wait_for(
            lambda aid=attempt_id: (
                (r := api.get(f"/api/v1/attempts/{aid}/").json())["state"] == "graded" and r
            ),
            what=f"the worker to grade attempt {attempt_id}",
        )
        assert graded["percent"] == "100.00"
        assert graded["passed"] is True

    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    # The course awards credit: the certificate follows the learner's claim.
    claimed = api.post(
        "/api/v1/me/credit-claims/",
        {"course": course.slug, "credits": "2", "attested": True},
        format="json",
    )
    assert claimed.status_code == 201, claimed.content
    certificate = wait_for(
        lambda: Certificate.objects.filter(enrolment=enrolment, status="ready").first(),
        what="the worker to render the certificate",
    )
    listed = api.get("/api/v1/me/certificates/").json()["results"]
    assert [c["status"] for c in listed] == ["ready"]

    pdf = api.get(f"/api/v1/certificates/{certificate.id}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert isinstance(pdf, StreamingHttpResponse)
    body = pdf.getvalue()
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)
    assert "Zoë Ångström-Nuñez" in text
    assert "Leading Interprofessional Rounds" in text
    assert certificate.code in text

    verified = api_client_for(None).get(f"/api/v1/certificates/verify/{certificate.code}/")
    assert verified.status_code == 200
    assert verified.json()["result"] == "valid"
    assert verified.json()["learner_name"] == "Zoë Ångström-Nuñez"
