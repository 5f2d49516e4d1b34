import logging

from django.utils import timezone

from certificates.selectors.sweeper import certificate_batches_stuck, certificates_awaiting_notice
from certificates.services.batches import certificate_batch_run
from certificates.services.issue import certificate_issue
from certificates.services.notify import certificate_notify

from .base import lms_task
from .config import STUCK_AFTER
from .enqueue import NOTIFY_CERTIFICATE_READY, RUN_CERTIFICATE_BATCH, enqueue

logger = logging.getLogger(__name__)


@lms_task(soft_time_limit=120, time_limit=180, autoretry_for=(Exception,))
def issue_certificate(enrolment_id: int) -> None:
    # Rendering errors are retried too: the certificate row shows "failed" meanwhile.
    certificate_issue(enrolment_id=enrolment_id)


@lms_task(soft_time_limit=60, time_limit=90, autoretry_for=(Exception,))
def notify_certificate_ready(certificate_id: int) -> None:
    # A mail server that refuses (MailNotSent) is retried; the certificate records when the
    # mail went, or each failure and its reason for staff (the admin's "Ready e-mail" filter).
    certificate_notify(certificate_id=certificate_id)


# A cohort of a few thousand at ~0.1 s a certificate; one failed item never stops the rest.
@lms_task(soft_time_limit=1800, time_limit=1900, max_retries=2)
def run_certificate_batch(batch_id: int) -> None:
    certificate_batch_run(batch_id=batch_id)


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def sweep_certificate_work() -> None:
    """Beat's part for certificates beyond rendering (tasks.maintenance sweeps that): e-mails
    and cohort batches whose messages were lost."""
    older_than = timezone.now() - STUCK_AFTER
    notices = certificates_awaiting_notice(older_than=older_than)
    for certificate_id in notices:
        enqueue(NOTIFY_CERTIFICATE_READY, certificate_id)
    batches = certificate_batches_stuck(older_than=older_than)
    for batch_id in batches:
        enqueue(RUN_CERTIFICATE_BATCH, batch_id)
    if notices or batches:
        logger.info(
            "Certificate sweep: %d e-mails and %d batches re-enqueued", len(notices), len(batches)
        )
