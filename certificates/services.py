"""Writes for certificates: credit claims, issue and render in a worker, the learner's e-mail,
revocation, name-change reissues, and cohort-wide batches."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.models import Cohort, Course, Enrolment
from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tasks.enqueue import (
    ISSUE_CERTIFICATE,
    NOTIFY_CERTIFICATE_READY,
    RUN_CERTIFICATE_BATCH,
    enqueue,
)

from .models import (
    ATTESTATION,
    CREDIT_STEP,
    Certificate,
    CertificateBatch,
    CertificateEvent,
    CreditClaim,
    NameChangeRequest,
    certificate_upload_to,
)
from .rendering import render_certificate, verify_url

logger = logging.getLogger(__name__)

# After this many failed renders the sweeper stops retrying; the row shows the last error.
MAX_RENDER_ATTEMPTS = 10


def _event(
    certificate: Certificate,
    kind: str,
    *,
    actor: User | None = None,
    sha256: str = "",
    note: str = "",
) -> CertificateEvent:
    return CertificateEvent.objects.create(
        certificate=certificate, kind=kind, actor=actor, sha256=sha256, note=note
    )


# --- credit ---------------------------------------------------------------------------------


def awaits_claim(enrolment: Enrolment) -> bool:
    """A completed enrolment in a course with credit whose learner has not claimed yet."""
    return (
        enrolment.course.awards_credit
        and not CreditClaim.objects.filter(enrolment_id=enrolment.id).exists()
    )


def _credit_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_credits", details={"credits": [message]})


def _parse_credits(credits: object, maximum: Decimal) -> Decimal:
    try:
        value = Decimal(str(credits).strip())
    except (InvalidOperation, ValueError):
        raise _credit_error("Enter the credits as a number, such as 1.75.") from None
    if not value.is_finite() or value <= 0:
        raise _credit_error("Claim more than 0 credits.")
    if value > maximum:
        raise _credit_error(f"Claim at most {maximum} credits, the maximum for this course.")
    if value % CREDIT_STEP:
        raise _credit_error("Claim credits in quarter steps (0.25, 0.5, 0.75 ...).")
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def credit_claim_create(
    *, user: User, course: Course, credits: object, attested: object
) -> CreditClaim:
    """The learner claims credit for a completed course; then the certificate is issued.

    A claim is made once: it is what the certificate prints and what auditors see.
    """
    enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    if enrolment is None:
        raise NotFound("You are not enrolled in this course.", code="not_enrolled")
    if not course.awards_credit:
        raise ApplicationError("This course awards no credit to claim.", code="no_credit")
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise Conflict("Complete the course before claiming its credit.", code="not_completed")
    if CreditClaim.objects.filter(enrolment=enrolment).exists():
        raise Conflict("You have already claimed credit for this course.", code="already_claimed")
    value = _parse_credits(credits, course.max_credits)
    if attested is not True:
        raise ApplicationError(
            "Confirm that you claim only the credit your participation supports.",
            code="attestation_required",
            details={"attested": [ATTESTATION]},
        )
    claim = CreditClaim.objects.create(enrolment=enrolment, credits=value)
    certificate_request(enrolment=enrolment)
    return claim


# --- issue and render -----------------------------------------------------------------------


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
            _event(certificate, CertificateEvent.Kind.ISSUED)
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
        _event(certificate, CertificateEvent.Kind.RENDERED, sha256=sha256)
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
        _event(certificate, CertificateEvent.Kind.RENDERED, sha256=sha256, actor=actor)
    return certificate


@transaction.atomic
def certificate_notify(*, certificate_id: int) -> bool:
    """E-mail the learner that their certificate is ready, once. True if a mail was sent."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrolment__user")
        .filter(pk=certificate_id)
        .first()
    )
    if (
        certificate is None
        or certificate.notified_at
        or certificate.status != Certificate.Status.READY
    ):
        return False
    user = certificate.enrolment.user
    if not user.email:
        return False
    context = {
        "certificate": certificate,
        "name": user.get_full_name(),
        "verify_url": verify_url(certificate.code),
        "certificates_url": settings.SITE_URL + reverse("my-certificates"),
    }
    send_mail(
        subject=f"Your certificate for {certificate.course_title} is ready",
        message=render_to_string("certificates/email/ready.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    certificate.notified_at = timezone.now()
    certificate.save(update_fields=["notified_at"])
    _event(certificate, CertificateEvent.Kind.EMAILED, note=user.email)
    return True


# --- revocation and reissue -----------------------------------------------------------------


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
    _event(certificate, CertificateEvent.Kind.REVOKED, actor=actor, note=reason)
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
    _event(old, CertificateEvent.Kind.SUPERSEDED, actor=actor, note=f"by {new.code}")
    _event(new, CertificateEvent.Kind.ISSUED, actor=actor, note=f"reissue of {old.code}")
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
    _event(certificate, CertificateEvent.Kind.NAME_CHANGE_REQUESTED, actor=user, note=name)
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
    _event(
        request.certificate,
        CertificateEvent.Kind.NAME_CHANGE_REJECTED,
        actor=actor,
        note=request.decision_note,
    )
    return request


# --- cohort batches -------------------------------------------------------------------------


def can_manage_cohort_certificates(*, user: User | AnonymousUser, cohort: Cohort) -> bool:
    return user.is_authenticated and (user.is_staff or cohort.directors.filter(pk=user.pk).exists())


@transaction.atomic
def certificate_batch_create(*, user: User, cohort: Cohort, kind: str) -> CertificateBatch:
    """Queue one job that issues or re-renders a cohort's certificates."""
    if not can_manage_cohort_certificates(user=user, cohort=cohort):
        raise PermissionDenied("Only staff and the cohort's directors manage its certificates.")
    if kind not in CertificateBatch.Kind.values:
        raise ApplicationError(
            f"Unknown kind of batch {kind!r}.",
            code="invalid_kind",
            details={"kind": [f"One of: {', '.join(CertificateBatch.Kind.values)}."]},
        )
    Cohort.objects.select_for_update().get(pk=cohort.pk)  # one creator at a time per cohort
    running = CertificateBatch.objects.filter(
        cohort=cohort, status__in=CertificateBatch.OPEN
    ).first()
    if running is not None:
        raise Conflict(
            "A certificate job for this cohort is already running.",
            code="batch_running",
            details={"batch_id": running.id},
        )
    batch = CertificateBatch.objects.create(cohort=cohort, kind=kind, requested_by=user)
    enqueue(RUN_CERTIFICATE_BATCH, batch.id)
    return batch


def _batch_targets(batch: CertificateBatch) -> list[int]:
    if batch.kind == CertificateBatch.Kind.RERENDER:
        return list(
            Certificate.objects.filter(
                enrolment__cohort_id=batch.cohort_id, status=Certificate.Status.READY
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
    # Issue: completed enrolments whose certificate is missing, pending or failed. Those still
    # awaiting the learner's credit claim are the learner's to finish.
    enrolments = Enrolment.objects.filter(
        cohort_id=batch.cohort_id, status=Enrolment.Status.COMPLETED
    ).exclude(certificates__status__in=[Certificate.Status.READY, Certificate.Status.REVOKED])
    if batch.cohort.course.awards_credit:
        enrolments = enrolments.filter(credit_claim__isnull=False)
    return list(enrolments.order_by("id").values_list("id", flat=True))


def certificate_batch_run(*, batch_id: int) -> CertificateBatch | None:
    """Work through a batch, counting as it goes. Safe to run again: a redelivered batch
    starts over, and issuing or re-rendering twice changes nothing a learner relies on."""
    claimed = CertificateBatch.objects.filter(pk=batch_id, status__in=CertificateBatch.OPEN).update(
        status=CertificateBatch.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return CertificateBatch.objects.filter(pk=batch_id).first()
    batch = CertificateBatch.objects.select_related("cohort__course").get(pk=batch_id)
    try:
        targets = _batch_targets(batch)
        CertificateBatch.objects.filter(pk=batch_id).update(
            total=len(targets), succeeded=0, failed=0
        )
        for target in targets:
            try:
                if batch.kind == CertificateBatch.Kind.RERENDER:
                    certificate_rerender(certificate_id=target, actor=batch.requested_by)
                else:
                    certificate_issue(enrolment_id=target)
            except SoftTimeLimitExceeded:
                raise  # out of time: the whole batch fails below, not just this item
            except Exception as exc:
                logger.exception("Certificate batch %s: item %s failed", batch_id, target)
                CertificateBatch.objects.filter(pk=batch_id).update(
                    failed=F("failed") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
                )
            else:
                CertificateBatch.objects.filter(pk=batch_id).update(succeeded=F("succeeded") + 1)
    except Exception as exc:
        CertificateBatch.objects.filter(pk=batch_id).update(
            status=CertificateBatch.Status.FAILED,
            finished_at=timezone.now(),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    CertificateBatch.objects.filter(pk=batch_id).update(
        status=CertificateBatch.Status.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


# --- the sweeper's view ---------------------------------------------------------------------


def enrolments_awaiting_certificate(*, older_than: datetime) -> list[int]:
    """Completed enrolments whose certificate is missing, pending or failed since `older_than`.

    Enrolments whose learner has yet to claim credit wait for the learner, not the sweeper.
    """
    waiting = Certificate.objects.filter(
        status__in=Certificate.RENDERABLE,
        created_at__lt=older_than,
        render_attempts__lt=MAX_RENDER_ATTEMPTS,
    ).values_list("enrolment_id", flat=True)
    missing = (
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, completed_at__lt=older_than)
        .exclude(certificates__isnull=False)
        .exclude(
            Q(course__max_credits__gt=0) & ~Q(course__credit_type="") & Q(credit_claim__isnull=True)
        )
        .values_list("id", flat=True)
    )
    return sorted(set(waiting) | set(missing))


# Rendered this long ago and still not mailed: the mail is given up (the page still shows it).
NOTICE_GIVEN_UP_AFTER = timedelta(days=1)
# A batch running longer than its task's hard time limit was lost with its worker.
BATCH_LOST_AFTER = timedelta(minutes=35)


def certificates_awaiting_notice(*, older_than: datetime) -> list[int]:
    """Ready certificates whose e-mail was not sent since `older_than` (a lost message or a
    mail server that refused), for a day at most."""
    return list(
        Certificate.objects.filter(
            status=Certificate.Status.READY,
            notified_at__isnull=True,
            rendered_at__lt=older_than,
            rendered_at__gte=timezone.now() - NOTICE_GIVEN_UP_AFTER,
        )
        .exclude(enrolment__user__email="")
        .order_by("id")
        .values_list("id", flat=True)
    )


def certificate_batches_stuck(*, older_than: datetime) -> list[int]:
    """Batches queued before `older_than` that no worker took, and running ones whose worker
    is gone: without this, a lost message would block the cohort's next job for good."""
    return list(
        CertificateBatch.objects.filter(
            Q(status=CertificateBatch.Status.PENDING, created_at__lt=older_than)
            | Q(
                status=CertificateBatch.Status.RUNNING,
                started_at__lt=timezone.now() - BATCH_LOST_AFTER,
            )
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
