"""Corrections: revocation, name-change requests and the reissue they lead to."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from certificates.models import (
    Certificate,
    CertificateEvent,
    NameChangeRequest,
)
from certificates.services.events import event_record
from lms.errors import ApplicationError, Conflict, NotFound
from tasks.enqueue import (
    ISSUE_CERTIFICATE,
    enqueue,
)


@transaction.atomic
def certificate_revoke(*, certificate_id: int, reason: str, actor: User) -> Certificate:
    """Staff withdraw a certificate. The record stays; verification says 'revoked' and when."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Give the reason for revoking (kept private to staff).",
            code="reason_required",
            details={"reason": ["This field is required."]},
        )
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound("No such certificate.")
    if certificate.status == Certificate.Status.REVOKED:
        raise Conflict("This certificate is already revoked.", code="already_revoked")
    if certificate.status == Certificate.Status.SUPERSEDED:
        raise Conflict(
            "This certificate was superseded; revoke its current version instead.",
            code="superseded",
        )
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    event_record(certificate, CertificateEvent.Kind.REVOKED, actor=actor, note=reason)
    audit_record(
        action=AuditAction.CERTIFICATE_REVOKED,
        target=f"Certificate {certificate.code}",
        subject=certificate.enrolment.user,
        actor=actor,
        reason=reason,
        details={"certificate_id": certificate.pk, "course": certificate.course_title},
    )
    return certificate


@transaction.atomic
def certificate_reissue(
    *, certificate_id: int, learner_name: str, actor: User | None = None
) -> Certificate:
    """A new version with another name; the old one stays, superseded and pointing to it."""
    old = Certificate.objects.select_for_update().get(pk=certificate_id)
    if old.status in (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED):
        raise Conflict(
            f"A {old.status} certificate cannot be reissued.", code=f"certificate_{old.status}"
        )
    now = timezone.now()
    old.status = Certificate.Status.SUPERSEDED
    old.superseded_at = now
    old.save(update_fields=["status", "superseded_at"])
    snapshot = {
        field: getattr(old, field)
        for field in (
            "course_title",
            "completed_on",
            "credits_claimed",
            "credit_type",
            "accredited_provider",
            "designation_statement",
            "accreditation_statement",
            "learning_format",
        )
    }
    new = Certificate.objects.create(
        enrolment_id=old.enrolment_id,
        version=old.version + 1,
        learner_name=learner_name,
        **snapshot,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    event_record(old, CertificateEvent.Kind.SUPERSEDED, actor=actor, note=f"by {new.code}")
    event_record(new, CertificateEvent.Kind.ISSUED, actor=actor, note=f"reissue of {old.code}")
    audit_record(
        action=AuditAction.CERTIFICATE_REISSUED,
        target=f"Certificate {old.code}, reissued as {new.code}",
        subject=old.enrolment.user,
        actor=actor,
        reason=f"Name on the certificate changed from “{old.learner_name}” to “{learner_name}”.",
        details={"old_id": old.pk, "new_id": new.pk, "course": old.course_title},
    )
    enqueue(ISSUE_CERTIFICATE, old.enrolment_id)
    return new


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(
            "Enter the name as it should appear on the certificate.",
            code="name_required",
            details={"name": ["This field is required."]},
        )
    if len(name) > 200:
        raise ApplicationError(
            "A name can be at most 200 characters.",
            code="name_too_long",
            details={"name": ["At most 200 characters."]},
        )
    return name


@transaction.atomic
def name_change_request_create(
    *, user: User, certificate_id: int, requested_name: str, reason: str = ""
) -> NameChangeRequest:
    """The learner asks for their ready certificate to carry another name."""
    name = _clean_name(requested_name)
    certificate = (
        Certificate.objects.select_for_update()
        .filter(pk=certificate_id, enrolment__user=user)
        .first()
    )
    if certificate is None:
        raise NotFound("No such certificate.")
    if certificate.status != Certificate.Status.READY:
        raise Conflict(
            "Only a ready certificate can be reissued with another name.", code="not_ready"
        )
    if name == certificate.learner_name:
        raise ApplicationError(
            "The certificate already carries this name.",
            code="same_name",
            details={"name": ["This is the name already printed."]},
        )
    if certificate.name_change_requests.filter(status=NameChangeRequest.Status.PENDING).exists():
        raise Conflict(
            "A name change for this certificate is already waiting for staff.",
            code="request_pending",
        )
    request = NameChangeRequest.objects.create(
        certificate=certificate, requested_name=name, reason=(reason or "").strip()[:2000]
    )
    event_record(certificate, CertificateEvent.Kind.NAME_CHANGE_REQUESTED, actor=user, note=name)
    return request


def _open_request(request_id: int) -> NameChangeRequest:
    request = (
        NameChangeRequest.objects.select_for_update()
        .select_related("certificate__enrolment__user")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("No such name-change request.")
    if request.status != NameChangeRequest.Status.PENDING:
        raise Conflict(f"This request was already {request.status}.", code="already_decided")
    return request


@transaction.atomic
def name_change_approve(*, request_id: int, actor: User) -> Certificate:
    """Staff approve: a new version with the new name; the account's name follows, so later
    certificates print it too."""
    request = _open_request(request_id)
    new = certificate_reissue(
        certificate_id=request.certificate_id, learner_name=request.requested_name, actor=actor
    )
    request.status = NameChangeRequest.Status.APPROVED
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.reissued_as = new
    request.save(update_fields=["status", "decided_at", "decided_by", "reissued_as"])
    user = request.certificate.enrolment.user
    user.full_name = request.requested_name
    user.save(update_fields=["full_name"])
    return new


@transaction.atomic
def name_change_reject(*, request_id: int, actor: User, note: str = "") -> NameChangeRequest:
    request = _open_request(request_id)
    request.status = NameChangeRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_note = (note or "").strip()
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    event_record(
        request.certificate,
        CertificateEvent.Kind.NAME_CHANGE_REJECTED,
        actor=actor,
        note=request.decision_note,
    )
    return request
