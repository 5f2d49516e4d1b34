"""What the sweeper looks for: work whose task was lost or failed."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateBatch,
)
from courses.models import Enrolment

# After this many failed renders the sweeper stops retrying; the row shows the last error.
MAX_RENDER_ATTEMPTS = 10


# Rendered this long ago and still not mailed: the mail is given up (the page still shows it).
NOTICE_GIVEN_UP_AFTER = timedelta(days=1)


# A batch running longer than its task's hard time limit was lost with its worker.
BATCH_LOST_AFTER = timedelta(minutes=35)


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
