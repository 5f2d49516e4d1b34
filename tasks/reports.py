"""The `reports` queue: cohort exports, the invitations a roster sends, and their sweepers;
quizzes' item analyses."""

import logging

from django.utils import timezone

from courses.cohorts.selectors.exports import cohort_exports_stuck
from courses.cohorts.selectors.invitations import invitations_awaiting_delivery
from courses.cohorts.services.exports import cohort_export_build
from courses.cohorts.services.invitations import cohort_invitation_send
from quizzes.services.item_analysis import item_analysis_build

from .base import lms_task
from .config import STUCK_AFTER
from .enqueue import BUILD_COHORT_EXPORT, SEND_COHORT_INVITATION, enqueue

logger = logging.getLogger(__name__)


@lms_task(soft_time_limit=600, time_limit=660)
def build_cohort_export(export_id: int) -> None:
    # A failure marks the row failed (with the error) before the retry claims it again.
    cohort_export_build(export_id=export_id)


@lms_task(soft_time_limit=60, time_limit=90)
def send_cohort_invitation(invitation_id: int) -> None:
    # A refusal (MailNotSent, an OSError) is counted on the invitation for staff and retried
    # with backoff by the shared defaults; an invitation already sent or answered is not sent
    # again.
    cohort_invitation_send(invitation_id=invitation_id)


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def sweep_stuck_exports() -> None:
    stuck = cohort_exports_stuck(older_than=timezone.now() - STUCK_AFTER)
    for export_id in stuck:
        enqueue(BUILD_COHORT_EXPORT, export_id)
    if stuck:
        logger.info("Sweep: %d cohort exports re-enqueued", len(stuck))


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def sweep_unsent_invitations() -> None:
    waiting = invitations_awaiting_delivery(older_than=timezone.now() - STUCK_AFTER)
    for invitation_id in waiting:
        enqueue(SEND_COHORT_INVITATION, invitation_id)
    if waiting:
        logger.info("Sweep: %d cohort invitations re-enqueued", len(waiting))


@lms_task(soft_time_limit=600, time_limit=660)
def build_item_analysis(analysis_id: int) -> None:
    # A failure marks the row failed (with the error); the page's next view asks again. A lost
    # run is taken over once its row has not moved for ANALYSIS_STALE_AFTER.
    item_analysis_build(analysis_id=analysis_id)
