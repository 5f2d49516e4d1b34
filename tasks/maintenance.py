"""Beat's work: nothing waits forever because a broker message was lost or a clock ran out."""

import logging

from django.utils import timezone

from certificates.selectors.sweeper import enrolments_awaiting_certificate
from quizzes.selectors.grading import attempts_stuck_in_submitted
from quizzes.services.attempts import attempts_submit_overdue

from .base import lms_task
from .config import STUCK_AFTER
from .enqueue import GRADE_ATTEMPT, ISSUE_CERTIFICATE, enqueue

logger = logging.getLogger(__name__)


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def sweep_stuck_work() -> None:
    closed = attempts_submit_overdue()
    older_than = timezone.now() - STUCK_AFTER
    stuck_attempts = attempts_stuck_in_submitted(older_than=older_than)
    for attempt_id in stuck_attempts:
        enqueue(GRADE_ATTEMPT, attempt_id)
    waiting = enrolments_awaiting_certificate(older_than=older_than)
    for enrolment_id in waiting:
        enqueue(ISSUE_CERTIFICATE, enrolment_id)
    if closed or stuck_attempts or waiting:
        logger.info(
            "Sweep: %d overdue attempts submitted, %d re-enqueued for grading, "
            "%d certificates re-enqueued",
            closed,
            len(stuck_attempts),
            len(waiting),
        )
