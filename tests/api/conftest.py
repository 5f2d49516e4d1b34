"""Fixtures shared by the API tests: a started attempt, a ready certificate, a draft course."""

from datetime import date

import pytest

from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.models import Cohort, Course
from quizzes.services.attempts import attempt_start
from tests.api.helpers import complete_course
from tests.conftest import api_client_for
from tests.factories import build_course, enrol


@pytest.fixture
def cohort(course, director):
    """A cohort of the course that the director follows."""
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents 2026",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 6, 30),
    )
    cohort.directors.add(director)
    return cohort


@pytest.fixture
def enrolment(learner, course, cohort):
    enrolment = enrol(learner, course)
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    return enrolment


@pytest.fixture
def attempt(learner, quiz, enrolment):
    """The learner's open attempt at the first module's quiz."""
    attempt, created = attempt_start(user=learner, quiz=quiz)
    assert created
    return attempt


@pytest.fixture
def ready_certificate(learner, course):
    enrolment = complete_course(learner, course)
    credit_claim_create(user=learner, course=course, credits="2.00", attested=True)
    return certificate_issue(enrolment_id=enrolment.id)


@pytest.fixture
def draft_course(instructor):
    course = build_course(
        modules=1,
        questions=2,
        status=Course.Status.DRAFT,
        title="Draft: Leading Morbidity and Mortality Conferences",
        slug="draft-mm-conferences",
    )
    course.instructors.add(instructor)
    return course


@pytest.fixture
def learner_api(learner):
    return api_client_for(learner)
