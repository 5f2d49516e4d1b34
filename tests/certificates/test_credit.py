"""Continuing-education credit: the learner claims before the certificate is issued."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Certificate, CreditClaim
from certificates.selectors.sweeper import enrolments_awaiting_certificate
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue, certificate_request
from courses.models import Course, Enrolment
from lms.errors import ApplicationError, Conflict, NotFound
from tests.api.helpers import ISSUE_CERTIFICATE, sent_tasks
from tests.certificates.conftest import claim, complete
from tests.factories import enrol

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0.25", "0.25"), ("1.5", "1.50"), ("1.75", "1.75"), ("2", "2.00"), (" 2.00 ", "2.00")],
)
def test_a_claim_in_quarter_steps_up_to_the_maximum_is_recorded(
    learner, course, unclaimed, typed, stored
):
    made = credit_claim_create(user=learner, course=course, credits=typed, attested=True)

    assert str(CreditClaim.objects.get(pk=made.pk).credits) == stored


def test_a_claim_issues_the_certificate_with_the_credit_it_claimed(
    learner, course, unclaimed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        credit_claim_create(user=learner, course=course, credits="1.25", attested=True)

    certificate = Certificate.objects.get(enrolment=unclaimed)
    assert (certificate.status, certificate.credits_claimed, certificate.credit_type) == (
        Certificate.Status.PENDING,
        Decimal("1.25"),
        "AMA PRA Category 1 Credit\u2122",
    )
    assert sent_tasks(callbacks) == [(ISSUE_CERTIFICATE, (unclaimed.id,))]


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("-0.25", "more than 0"),
        ("2.25", "at most 2.00"),
        ("1000000", "at most 2.00"),
        ("1.1", "quarter steps"),
        ("0.125", "quarter steps"),
        ("one", "as a number"),
        ("", "as a number"),
        ("NaN", "more than 0"),
        ("Infinity", "more than 0"),
    ],
)
def test_a_claim_outside_the_rules_is_refused_and_changes_nothing(
    learner, course, unclaimed, unchanged, credits, message
):
    error = unchanged(
        lambda: credit_claim_create(user=learner, course=course, credits=credits, attested=True),
        ApplicationError,
        "invalid_credits",
    )

    assert message in error.message
    assert error.details == {"credits": [error.message]}


def test_a_claim_without_the_attestation_is_refused(learner, course, unclaimed, unchanged):
    unchanged(
        lambda: credit_claim_create(user=learner, course=course, credits="1", attested=False),
        ApplicationError,
        "attestation_required",
    )


def test_a_second_claim_is_refused_and_the_first_stands(learner, course, completed, unchanged):
    unchanged(
        lambda: credit_claim_create(user=learner, course=course, credits="0.5", attested=True),
        Conflict,
        "already_claimed",
    )

    assert completed.credit_claim.credits == Decimal("1.75")


def test_a_claim_before_completing_the_course_is_refused(learner, course, unchanged):
    enrol(learner, course)

    unchanged(
        lambda: credit_claim_create(user=learner, course=course, credits="1", attested=True),
        Conflict,
        "not_completed",
    )


def test_a_claim_without_an_enrolment_is_refused(outsider, course, unchanged):
    unchanged(
        lambda: credit_claim_create(user=outsider, course=course, credits="1", attested=True),
        NotFound,
        "not_enrolled",
    )


def test_a_claim_for_a_course_without_credit_is_refused(learner, course, unchanged):
    Course.objects.filter(pk=course.pk).update(max_credits=0, credit_type="")
    course.refresh_from_db()
    complete(enrol(learner, course))

    unchanged(
        lambda: credit_claim_create(user=learner, course=course, credits="1", attested=True),
        ApplicationError,
        "no_credit",
    )


def test_completing_a_course_with_credit_waits_for_the_claim(
    unclaimed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert certificate_request(enrolment=unclaimed) is None

    assert callbacks == []
    assert not Certificate.objects.exists()


def test_a_worker_asked_to_issue_before_the_claim_does_nothing(unclaimed):
    assert certificate_issue(enrolment_id=unclaimed.id) is None

    assert not Certificate.objects.exists()


def test_completing_a_course_without_credit_issues_straight_away(
    learner, course, django_capture_on_commit_callbacks
):
    Course.objects.filter(pk=course.pk).update(max_credits=0, credit_type="")
    enrolment = complete(enrol(learner, course))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = certificate_request(enrolment=enrolment)
        assert certificate is not None

    assert (certificate.status, certificate.credits_claimed) == (Certificate.Status.PENDING, None)
    assert sent_tasks(callbacks) == [(ISSUE_CERTIFICATE, (enrolment.id,))]


def test_the_sweeper_leaves_enrolments_awaiting_a_claim_to_their_learner(
    course, other_learner, unclaimed, outsider
):
    claimed = claim(complete(enrol(other_learner, course))).enrolment
    free_course = Course.objects.create(
        title="Bedside Teaching", slug="bedside-teaching", status=Course.Status.PUBLISHED
    )
    no_credit = complete(enrol(outsider, free_course))
    Enrolment.objects.update(completed_at=timezone.now() - timedelta(hours=1))

    waiting = enrolments_awaiting_certificate(older_than=timezone.now() - timedelta(minutes=5))

    assert waiting == sorted([claimed.id, no_credit.id])
    assert unclaimed.id not in waiting
