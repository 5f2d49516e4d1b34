"""Issue and render: one current certificate per enrolment, rendered in a worker."""

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from certificates.models import (
    Certificate,
    CertificateEvent,
    CreditClaim,
    certificate_upload_to,
)
from certificates.rendering import render_certificate
from certificates.selectors.learners import awaits_claim
from certificates.services.events import event_record
from courses.models import Enrolment
from lms.errors import Conflict
from tasks.enqueue import (
    ISSUE_CERTIFICATE,
    NOTIFY_CERTIFICATE_READY,
    enqueue,
)

logger = logging.getLogger(__name__)


def _snapshot(enrolment: Enrolment) -> dict[str, object]:
    course = enrolment.course
    claim = CreditClaim.objects.filter(enrolment_id=enrolment.id).first()
    return {
        "learner_name": enrolment.user.get_full_name(),
        "course_title": course.title,
        "completed_on": timezone.localdate(enrolment.completed_at),
        "credits_claimed": claim.credits if claim else None,
        "credit_type": course.get_credit_type_display() if course.credit_type else "",
        "accredited_provider": course.accredited_provider,
        "designation_statement": course.designation_statement,
        "accreditation_statement": course.accreditation_statement,
        "learning_format": course.learning_format,
    }


@transaction.atomic
def certificate_request(*, enrolment: Enrolment) -> Certificate | None:
    """On completion: create the pending certificate and enqueue its rendering.

    A course with credit waits for the learner's claim (credit_claim_create calls this again).
    """
    if awaits_claim(enrolment):
        return None
    certificate = _current_or_create(enrolment)
    if certificate.status in Certificate.RENDERABLE:
        enqueue(ISSUE_CERTIFICATE, enrolment.id)
    return certificate


def _current_or_create(enrolment: Enrolment) -> Certificate:
    current = (
        Certificate.objects.exclude(status=Certificate.Status.SUPERSEDED)
        .filter(enrolment=enrolment)
        .first()
    )
    if current is not None:
        return current
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(enrolment=enrolment, **_snapshot(enrolment))
            event_record(certificate, CertificateEvent.Kind.ISSUED)
            return certificate
    except IntegrityError:
        # A concurrent run created it first: the constraint allows one current certificate.
        return Certificate.objects.exclude(status=Certificate.Status.SUPERSEDED).get(
            enrolment=enrolment
        )


def certificate_issue(*, enrolment_id: int) -> Certificate | None:
    """Make sure a completed enrolment has a ready certificate. Safe to run twice."""
    enrolment = Enrolment.objects.select_related("user", "course").filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return None
    if awaits_claim(enrolment):
        return None
    with transaction.atomic():
        certificate = _current_or_create(enrolment)
    if certificate.status in Certificate.RENDERABLE:
        return certificate_render(certificate_id=certificate.id)
    return certificate


def _store_pdf(certificate: Certificate, pdf: bytes) -> None:
    # A worker killed after storing the file but before committing left it behind (and a
    # re-render replaces it): the row always names the file its checksum describes.
    name = certificate_upload_to(certificate, "")
    if certificate.pdf.storage.exists(name):
        certificate.pdf.storage.delete(name)
    certificate.pdf.save(name, ContentFile(pdf), save=False)


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render the PDF, store it with its checksum, mark the certificate ready.

    The PDF is rendered outside any transaction (it takes a while) and the row is claimed
    again before it is written, so two workers racing store one result.
    """
    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.status not in Certificate.RENDERABLE:
        return certificate
    try:
        pdf, sha256 = render_certificate(certificate)
    except Exception as exc:
        Certificate.objects.filter(pk=certificate_id, status__in=Certificate.RENDERABLE).update(
            status=Certificate.Status.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            render_attempts=F("render_attempts") + 1,
        )
        raise
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status not in Certificate.RENDERABLE:
            return certificate
        _store_pdf(certificate, pdf)
        certificate.sha256 = sha256
        certificate.status = Certificate.Status.READY
        certificate.rendered_at = timezone.now()
        certificate.render_attempts += 1
        certificate.last_error = ""
        certificate.save()
        event_record(certificate, CertificateEvent.Kind.RENDERED, sha256=sha256)
        enqueue(NOTIFY_CERTIFICATE_READY, certificate.id)
    logger.info("Certificate %s ready (%d bytes)", certificate.code, len(pdf))
    return certificate


def certificate_rerender(*, certificate_id: int, actor: User | None = None) -> Certificate:
    """Render a ready certificate again (new branding or design); it stays valid throughout.

    What it states is its frozen snapshot; only the file and its checksum change, and the
    history keeps every checksum it has had.
    """
    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.status != Certificate.Status.READY:
        raise Conflict(
            f"Only a ready certificate can be re-rendered; this one is {certificate.status}.",
            code="not_ready",
        )
    pdf, sha256 = render_certificate(certificate)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != Certificate.Status.READY:
            return certificate
        _store_pdf(certificate, pdf)
        certificate.sha256 = sha256
        certificate.rendered_at = timezone.now()
        certificate.render_attempts += 1
        certificate.save()
        event_record(certificate, CertificateEvent.Kind.RENDERED, sha256=sha256, actor=actor)
    return certificate
