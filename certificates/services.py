"""Writes for certificates: request on completion, render in a worker, and the sweeper's view."""

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from courses.models import Enrolment

from .models import Certificate, certificate_upload_to
from .rendering import render_certificate

logger = logging.getLogger(__name__)

# After this many failed renders the sweeper stops retrying; the row shows the last error.
MAX_RENDER_ATTEMPTS = 10


def _enqueue_issue(enrolment_id: int) -> None:
    from tasks.certificates import issue_certificate

    transaction.on_commit(lambda: issue_certificate.delay(enrolment_id))


def _snapshot(enrolment: Enrolment) -> dict:
    course = enrolment.course
    return {
        "learner_name": enrolment.user.get_full_name(),
        "course_title": course.title,
        "completed_on": timezone.localdate(enrolment.completed_at),
        "credit_type": course.get_credit_type_display() if course.credit_type else "",
        "accredited_provider": course.accredited_provider,
        "designation_statement": course.designation_statement,
        "accreditation_statement": course.accreditation_statement,
    }


@transaction.atomic
def certificate_request(*, enrolment: Enrolment) -> Certificate:
    """Create the pending certificate of a completed enrolment and enqueue its rendering."""
    certificate = _current_or_create(enrolment)
    if certificate.status != Certificate.Status.READY:
        _enqueue_issue(enrolment.id)
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
            return Certificate.objects.create(enrolment=enrolment, **_snapshot(enrolment))
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
    with transaction.atomic():
        certificate = _current_or_create(enrolment)
    if certificate.status in (Certificate.Status.PENDING, Certificate.Status.FAILED):
        return certificate_render(certificate_id=certificate.id)
    return certificate


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render the PDF, store it with its checksum, mark the certificate ready.

    The PDF is rendered outside any transaction (it takes a while) and the row is claimed
    again before it is written, so two workers racing store one result.
    """
    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.status not in (Certificate.Status.PENDING, Certificate.Status.FAILED):
        return certificate
    try:
        pdf, sha256 = render_certificate(certificate)
    except Exception as exc:
        Certificate.objects.filter(pk=certificate_id).exclude(
            status=Certificate.Status.READY
        ).update(
            status=Certificate.Status.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            render_attempts=F("render_attempts") + 1,
        )
        raise
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status not in (Certificate.Status.PENDING, Certificate.Status.FAILED):
            return certificate
        # A worker killed after storing the file but before committing left it behind:
        # replace it, so the row always names the file its checksum describes.
        name = certificate_upload_to(certificate, "")
        if certificate.pdf.storage.exists(name):
            certificate.pdf.storage.delete(name)
        certificate.pdf.save(name, ContentFile(pdf), save=False)
        certificate.sha256 = sha256
        certificate.status = Certificate.Status.READY
        certificate.rendered_at = timezone.now()
        certificate.render_attempts += 1
        certificate.last_error = ""
        certificate.save()
    logger.info("Certificate %s ready (%d bytes)", certificate.code, len(pdf))
    return certificate


def enrolments_awaiting_certificate(*, older_than) -> list[int]:
    """Completed enrolments whose certificate is missing, pending or failed since `older_than`."""
    waiting = Certificate.objects.filter(
        status__in=[Certificate.Status.PENDING, Certificate.Status.FAILED],
        created_at__lt=older_than,
        render_attempts__lt=MAX_RENDER_ATTEMPTS,
    ).values_list("enrolment_id", flat=True)
    missing = (
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, completed_at__lt=older_than)
        .exclude(certificates__isnull=False)
        .values_list("id", flat=True)
    )
    return sorted(set(waiting) | set(missing))
