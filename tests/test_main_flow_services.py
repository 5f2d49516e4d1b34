"""The main flow through the services alone, without Celery: the rules, end to end."""

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.models import Enrolment, ModuleProgress
from courses.services.enrolment import lesson_complete
from quizzes.models import Attempt
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.factories import enrol, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def _read_all_lessons(user, course):
    for module in course.modules.all():
        for lesson in module.lessons.all():
            lesson_complete(user=user, lesson=lesson)


def test_passing_every_required_module_completes_the_course_and_issues_a_certificate(
    learner, course, django_capture_on_commit_callbacks
):
    enrolment = enrol(learner, course)
    _read_all_lessons(learner, course)
    for module in course.modules.all():
        quiz = module.quizzes.get()
        attempt, created = attempt_start(user=learner, quiz=quiz)
        assert created
        with django_capture_on_commit_callbacks() as callbacks:
            attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
        assert len(callbacks) == 1  # grade_attempt, enqueued on commit
        graded = attempt_grade(attempt_id=attempt.id)
        assert graded is not None
        assert graded.state == Attempt.State.GRADED
        assert graded.percent == Decimal("100.00")
        assert graded.passed is True

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert set(enrolment.module_progress.values_list("status", flat=True)) == {
        ModuleProgress.Status.PASSED
    }
    # The course awards credit: the certificate waits for the learner's claim.
    assert not Certificate.objects.filter(enrolment=enrolment).exists()
    credit_claim_create(user=learner, course=course, credits="1.75", attested=True)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.PENDING

    issued = certificate_issue(enrolment_id=enrolment.id)
    assert issued is not None
    certificate = issued
    assert certificate.status == Certificate.Status.READY
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(certificate.pdf.read())).pages)
    assert "Alex Rivera" in text
    assert course.title in text
    assert certificate.code in text
    assert "Credit claimed: 1.75 AMA PRA Category 1 Credit\u2122" in text


def test_a_failed_quiz_leaves_the_module_failed_and_the_course_open(learner, course):
    enrolment = enrol(learner, course)
    _read_all_lessons(learner, course)
    quiz = course.modules.first().quizzes.get()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=wrong_answers(attempt))
    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None
    assert graded.percent == Decimal("0.00")
    assert graded.passed is False
    progress = enrolment.module_progress.get(module=quiz.module)
    assert progress.status == ModuleProgress.Status.FAILED
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert not Certificate.objects.exists()


def test_grading_twice_changes_nothing_the_second_time(learner, course):
    enrol(learner, course)
    quiz = course.modules.first().quizzes.get()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    first = attempt_grade(attempt_id=attempt.id)
    assert first is not None
    second = attempt_grade(attempt_id=attempt.id)
    assert second is not None
    assert (second.graded_at, second.score) == (first.graded_at, first.score)
