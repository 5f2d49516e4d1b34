"""Revocation and name-change reissue: history kept, nothing deleted, bad requests refused."""

from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate, CertificateEvent, NameChangeRequest
from certificates.selectors.sweeper import enrolments_awaiting_certificate
from certificates.selectors.verification import certificate_verify
from certificates.services.corrections import (
    certificate_reissue,
    certificate_revoke,
    name_change_approve,
    name_change_reject,
    name_change_request_create,
)
from certificates.services.issue import certificate_issue
from lms.errors import ApplicationError, Conflict, NotFound
from tests.api.helpers import ISSUE_CERTIFICATE, sent_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(username="registrar", full_name="Registrar", is_staff=True)


@pytest.fixture
def ready(completed) -> Certificate:
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None
    return certificate


def _pdf_text(certificate: Certificate) -> str:
    with certificate.pdf.open("rb") as f:
        return "".join(p.extract_text() for p in PdfReader(BytesIO(f.read())).pages)


# --- revocation ---------------------------------------------------------------------------


def test_staff_revoke_with_a_reason_that_stays_private(ready, staff):
    certificate = certificate_revoke(
        certificate_id=ready.id, reason="Attendance records were falsified.", actor=staff
    )

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Attendance records were falsified."
    event = certificate.events.get(kind=CertificateEvent.Kind.REVOKED)
    assert (event.actor, event.note) == (staff, "Attendance records were falsified.")
    assert certificate.pdf.name is not None
    assert certificate.pdf.storage.exists(certificate.pdf.name)  # the record and file stay


def test_revoking_a_revoked_certificate_is_refused_and_changes_nothing(ready, staff, unchanged):
    certificate_revoke(certificate_id=ready.id, reason="Duplicate enrolment.", actor=staff)

    unchanged(
        lambda: certificate_revoke(certificate_id=ready.id, reason="Again.", actor=staff),
        Conflict,
        "already_revoked",
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_without_a_reason_is_refused(ready, staff, unchanged, reason):
    unchanged(
        lambda: certificate_revoke(certificate_id=ready.id, reason=reason, actor=staff),
        ApplicationError,
        "reason_required",
    )


def test_revoking_a_missing_certificate_is_not_found(staff, unchanged):
    unchanged(
        lambda: certificate_revoke(certificate_id=987654, reason="x", actor=staff),
        NotFound,
        "not_found",
    )


def test_a_revoked_certificate_is_neither_rendered_again_nor_swept(ready, staff):
    certificate_revoke(certificate_id=ready.id, reason="Issued in error.", actor=staff)

    again = certificate_issue(enrolment_id=ready.enrolment_id)
    assert again is not None

    assert (again.pk, again.status) == (ready.pk, Certificate.Status.REVOKED)
    assert Certificate.objects.count() == 1
    assert enrolments_awaiting_certificate(older_than=timezone.now()) == []


# --- name change and reissue --------------------------------------------------------------


def test_a_learner_asks_for_a_name_change_on_a_ready_certificate(learner, ready):
    request = name_change_request_create(
        user=learner,
        certificate_id=ready.id,
        requested_name="  Alexandra   Rivera-Santos ",
        reason="Married name",
    )

    assert (request.status, request.requested_name, request.reason) == (
        NameChangeRequest.Status.PENDING,
        "Alexandra Rivera-Santos",
        "Married name",
    )
    assert ready.events.filter(kind=CertificateEvent.Kind.NAME_CHANGE_REQUESTED).count() == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "name_required"), ("   ", "name_required"), ("x" * 201, "name_too_long")],
)
def test_a_name_change_to_no_name_or_a_too_long_one_is_refused(
    learner, ready, unchanged, name, code
):
    unchanged(
        lambda: name_change_request_create(
            user=learner, certificate_id=ready.id, requested_name=name
        ),
        ApplicationError,
        code,
    )


def test_a_name_change_to_the_same_name_is_refused(learner, ready, unchanged):
    unchanged(
        lambda: name_change_request_create(
            user=learner, certificate_id=ready.id, requested_name="Alex Rivera"
        ),
        ApplicationError,
        "same_name",
    )


def test_a_second_open_name_change_is_refused(learner, ready, unchanged):
    name_change_request_create(user=learner, certificate_id=ready.id, requested_name="A. Rivera")

    unchanged(
        lambda: name_change_request_create(
            user=learner, certificate_id=ready.id, requested_name="Alexandra Rivera"
        ),
        Conflict,
        "request_pending",
    )


def test_nobody_else_can_ask_for_a_name_change(other_learner, ready, unchanged):
    unchanged(
        lambda: name_change_request_create(
            user=other_learner, certificate_id=ready.id, requested_name="Jordan Lee"
        ),
        NotFound,
        "not_found",
    )


def test_approval_issues_a_new_version_and_supersedes_the_old_one(
    learner, ready, staff, django_capture_on_commit_callbacks
):
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="Alexandra Rivera-Santos"
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = name_change_approve(request_id=request.id, actor=staff)

    old = Certificate.objects.get(pk=ready.pk)
    assert (old.status, old.superseded_by, old.version) == ("superseded", new, 1)
    assert (new.status, new.version, new.learner_name) == ("pending", 2, "Alexandra Rivera-Santos")
    assert new.code != old.code
    assert (new.credits_claimed, new.completed_on, new.course_title) == (
        old.credits_claimed,
        old.completed_on,
        old.course_title,
    )
    assert sent_tasks(callbacks) == [(ISSUE_CERTIFICATE, (ready.enrolment_id,))]
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.reissued_as) == ("approved", staff, new)
    learner.refresh_from_db()
    assert learner.get_full_name() == "Alexandra Rivera-Santos"  # later certificates agree


def test_the_reissued_version_is_rendered_and_the_old_file_is_kept(learner, ready, staff):
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="Alexandra Rivera-Santos"
    )
    new = name_change_approve(request_id=request.id, actor=staff)

    rendered = certificate_issue(enrolment_id=ready.enrolment_id)
    assert rendered is not None

    assert (rendered.pk, rendered.status) == (new.pk, Certificate.Status.READY)
    assert "Alexandra Rivera-Santos" in _pdf_text(rendered)
    assert f"LIM-2026-{new.pk:06d}-2" in _pdf_text(rendered)
    old = Certificate.objects.get(pk=ready.pk)
    assert "Alex Rivera" in _pdf_text(old)
    verified = certificate_verify(code=old.code)
    assert verified is not None and verified.superseded_by == rendered


def test_approving_twice_is_refused(learner, ready, staff, unchanged):
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="A. Rivera"
    )
    name_change_approve(request_id=request.id, actor=staff)

    unchanged(
        lambda: name_change_approve(request_id=request.id, actor=staff),
        Conflict,
        "already_decided",
    )


def test_a_rejected_request_issues_nothing(learner, ready, staff):
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="A. Rivera"
    )

    name_change_reject(request_id=request.id, actor=staff, note="Provide a legal document.")

    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("rejected", "Provide a legal document.")
    assert list(Certificate.objects.values_list("pk", "status")) == [(ready.pk, "ready")]
    learner.refresh_from_db()
    assert learner.get_full_name() == "Alex Rivera"


def test_a_revoked_certificate_cannot_be_reissued(ready, staff, unchanged):
    certificate_revoke(certificate_id=ready.id, reason="Issued in error.", actor=staff)

    unchanged(
        lambda: certificate_reissue(certificate_id=ready.id, learner_name="X", actor=staff),
        Conflict,
        "certificate_revoked",
    )


def test_a_superseded_version_cannot_be_reissued_again(ready, staff, unchanged):
    certificate_reissue(certificate_id=ready.id, learner_name="A. Rivera", actor=staff)

    unchanged(
        lambda: certificate_reissue(certificate_id=ready.id, learner_name="B", actor=staff),
        Conflict,
        "certificate_superseded",
    )


# --- the audit trail -----------------------------------------------------------------------


def test_a_revocation_and_a_reissue_are_in_the_audit_trail(ready, staff, learner):
    from audit.models import AuditEntry

    reissued = certificate_reissue(
        certificate_id=ready.id, learner_name="Alex J. Rivera", actor=staff
    )
    certificate_revoke(certificate_id=reissued.id, reason="Enrolled twice by mistake.", actor=staff)

    rows = list(
        AuditEntry.objects.filter(action__startswith="certificate")
        .order_by("id")
        .values_list("action", "actor", "subject", "reason")
    )
    assert rows == [
        (
            "certificate_reissued",
            staff.pk,
            learner.pk,
            "Name on the certificate changed from “Alex Rivera” to “Alex J. Rivera”.",
        ),
        ("certificate_revoked", staff.pk, learner.pk, "Enrolled twice by mistake."),
    ]
    revoked = AuditEntry.objects.get(action="certificate_revoked")
    assert revoked.target == f"Certificate {reissued.code}"
