"""Defaults every task shares: late acknowledgement, bounded retries, time limits."""

from django.db import DatabaseError

from lms.celery import app

TASK_DEFAULTS = {
    "acks_late": True,  # a worker killed mid-task leaves the message to be redelivered
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def lms_task(*, soft_time_limit: int, time_limit: int, **options):
    """Register a task with the shared defaults; tasks.config routes it to its queue."""
    return app.task(
        soft_time_limit=soft_time_limit,
        time_limit=time_limit,
        **{**TASK_DEFAULTS, **options},
    )
