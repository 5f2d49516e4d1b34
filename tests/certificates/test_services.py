"""Certificate services: one current certificate per enrolment, idempotent issue, failures."""

from datetime import date
from unittest import mock

import pytest
from django.db import IntegrityError, transaction

from certificates.models import Certificate
from certificates.services.issue import certificate_issue, certificate_request
from courses.models import Enrolment
from tests.certificates.conftest import COMPLETED_AT
from tests.factories import enrol

pytestmark = pytest.mark.django_db


def _certificate_row(enrolment: Enrolment, **fields) -> Certificate:
    return Certificate.objects.create(
        enrolment=enrolment,
        learner_name="Alex Rivera",
        course_title=enrolment.course.title,
        completed_on=date(2026, 11, 25),
        **fields,
    )


def test_a_second_current_certificate_for_an_enrolment_is_refused_by_the_database(completed):
    _certificate_row(completed)

    with (
        pytest.raises(IntegrityError, match="one_current_certificate_per_enrolment"),
        transaction.atomic(),
    ):
        _certificate_row(completed, version=2)

    assert Certificate.objects.filter(enrolment=completed).count() == 1


def test_a_superseded_certificate_stays_beside_the_current_one(completed):
    _certificate_row(completed, status=Certificate.Status.SUPERSEDED, superseded_at=COMPLETED_AT)

    _certificate_row(completed, version=2)

    assert sorted(
        Certificate.objects.filter(enrolment=completed).values_list("version", "status")
    ) == [(1, "superseded"), (2, "pending")]


def test_a_ready_certificate_without_a_pdf_is_refused_by_the_database(completed):
    with pytest.raises(IntegrityError, match="ready_certificate_has_pdf"), transaction.atomic():
        _certificate_row(completed, status=Certificate.Status.READY)

    assert not Certificate.objects.exists()


def test_certificate_snapshot_states_the_learner_course_date_and_credit(completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    assert (
        certificate.learner_name,
        certificate.course_title,
        certificate.completed_on,
        certificate.credit_type,
        certificate.accredited_provider,
    ) == (
        "Alex Rivera",
        completed.course.title,
        date(2026, 11, 25),
        "AMA PRA Category 1 Credit\u2122",
        "Northfield Academic Medical Center",
    )


def test_certificate_issue_twice_yields_one_ready_row(completed):
    first = certificate_issue(enrolment_id=completed.id)
    assert first is not None

    second = certificate_issue(enrolment_id=completed.id)
    assert second is not None

    assert second.pk == first.pk
    assert list(Certificate.objects.values_list("status", flat=True)) == ["ready"]


def test_certificate_issue_for_an_active_enrolment_creates_nothing(learner, course):
    enrolment = enrol(learner, course)

    assert certificate_issue(enrolment_id=enrolment.id) is None

    assert not Certificate.objects.exists()


def test_certificate_request_makes_one_pending_row_and_enqueues_its_render_on_commit(
    completed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        certificate = certificate_request(enrolment=completed)
        assert certificate is not None

    assert certificate.status == Certificate.Status.PENDING
    assert Certificate.objects.count() == 1
    assert len(callbacks) == 1


def test_certificate_request_for_a_ready_certificate_enqueues_nothing(
    completed, django_capture_on_commit_callbacks
):
    ready = certificate_issue(enrolment_id=completed.id)
    assert ready is not None

    with django_capture_on_commit_callbacks() as callbacks:
        certificate = certificate_request(enrolment=completed)
        assert certificate is not None

    assert certificate.pk == ready.pk
    assert callbacks == []
    assert Certificate.objects.count() == 1


def test_a_render_failure_marks_the_certificate_failed_and_re_raises(completed):
    with (
        mock.patch(
            "certificates.services.issue.render_certificate",
            side_effect=RuntimeError("font cache exploded"),
        ),
        pytest.raises(RuntimeError, match="font cache exploded"),
    ):
        certificate_issue(enrolment_id=completed.id)

    certificate = Certificate.objects.get(enrolment=completed)
    assert certificate.status == Certificate.Status.FAILED
    assert certificate.last_error == "RuntimeError: font cache exploded"
    assert certificate.render_attempts == 1
    assert (certificate.pdf.name, certificate.sha256, certificate.rendered_at) == ("", "", None)


def test_a_failed_certificate_is_made_ready_by_a_later_successful_issue(completed):
    with (
        mock.patch(
            "certificates.services.issue.render_certificate",
            side_effect=RuntimeError("font cache exploded"),
        ),
        pytest.raises(RuntimeError),
    ):
        certificate_issue(enrolment_id=completed.id)
    failed = Certificate.objects.get(enrolment=completed)

    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    assert certificate.pk == failed.pk
    assert certificate.code == failed.code
    assert certificate.status == Certificate.Status.READY
    assert certificate.last_error == ""
    assert certificate.render_attempts == 2
    assert certificate.pdf.name == f"certificates/{failed.code}.pdf"
    assert Certificate.objects.count() == 1


def test_a_superseded_certificate_without_its_date_is_refused_by_the_database(completed):
    with (
        pytest.raises(IntegrityError, match="superseded_certificate_has_date"),
        transaction.atomic(),
    ):
        _certificate_row(completed, status=Certificate.Status.SUPERSEDED)

    assert not Certificate.objects.exists()


def test_a_revoked_certificate_without_a_reason_is_refused_by_the_database(completed):
    with (
        pytest.raises(IntegrityError, match="revoked_certificate_has_date_and_reason"),
        transaction.atomic(),
    ):
        _certificate_row(completed, status=Certificate.Status.REVOKED, revoked_at=COMPLETED_AT)

    assert not Certificate.objects.exists()


def test_issuing_records_the_history_issued_then_rendered_with_the_checksum(completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    assert list(certificate.events.values_list("kind", "sha256")) == [
        ("issued", ""),
        ("rendered", certificate.sha256),
    ]
