"""Regrading on the `grading` queue: a confirmed regrade's job, and the sweeper that finds jobs
whose message was lost or whose worker died."""

import logging

from django.utils import timezone

from quizzes.selectors.regrade import regrade_jobs_stuck
from quizzes.services.regrade import regrade_job_run

from .base import lms_task
from .config import STUCK_AFTER
from .enqueue import RUN_REGRADE_JOB, enqueue

logger = logging.getLogger(__name__)


@lms_task(soft_time_limit=600, time_limit=660)
def run_regrade_job(job_id: int) -> None:
    # Each batch commits with the job's progress; a run killed mid-way is taken over by the
    # next one (redelivery, the retry or the sweeper), which goes on after the last batch.
    regrade_job_run(job_id=job_id)


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def sweep_stuck_regrades() -> None:
    stuck = regrade_jobs_stuck(older_than=timezone.now() - STUCK_AFTER)
    for job_id in stuck:
        enqueue(RUN_REGRADE_JOB, job_id)
    if stuck:
        logger.info("Sweep: %d regrade jobs re-enqueued", len(stuck))
