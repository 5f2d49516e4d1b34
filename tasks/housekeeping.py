"""Beat's daily housekeeping, on the reports queue: what would otherwise only grow."""

import logging

from django.core.management import call_command

from courses.cohorts.services.exports import cohort_exports_expire

from .base import lms_task

logger = logging.getLogger(__name__)


@lms_task(soft_time_limit=300, time_limit=360, max_retries=0)
def clear_expired_sessions() -> None:
    """Django's clearsessions: the sessions table does not grow with every log-in forever."""
    call_command("clearsessions")


@lms_task(soft_time_limit=300, time_limit=360, max_retries=0)
def delete_expired_exports() -> None:
    deleted = cohort_exports_expire()
    if deleted:
        logger.info("Housekeeping: %d cohort exports past their keeping time deleted", deleted)
