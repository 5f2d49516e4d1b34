"""Cohort-wide certificate jobs run by a director."""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from certificates.models import (
    Certificate,
    CertificateBatch,
)
from certificates.selectors.cohorts import can_manage_cohort_certificates
from certificates.services.issue import certificate_issue, certificate_rerender
from courses.models import Cohort, Enrolment
from lms.errors import ApplicationError, Conflict, PermissionDenied
from tasks.enqueue import (
    RUN_CERTIFICATE_BATCH,
    enqueue,
)

logger = logging.getLogger(__name__)


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
