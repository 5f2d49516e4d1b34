"""Defaults every task shares: late acknowledgement, bounded retries, time limits."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.db import DatabaseError

from lms.celery import app

if TYPE_CHECKING:
    from celery import Task


class TaskOptions(TypedDict, total=False):
    """The options of `app.task` that tasks here set, by celery's names and types."""

    acks_late: bool
    reject_on_worker_lost: bool
    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool | int
    retry_backoff_max: int
    retry_jitter: bool
    max_retries: int | None


TASK_DEFAULTS: TaskOptions = {
    "acks_late": True,  # a worker killed mid-task leaves the message to be redelivered
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def lms_task(
    *, soft_time_limit: int, time_limit: int, **options: Unpack[TaskOptions]
) -> "Callable[[Callable[..., object]], Task[Any, Any]]":
    """Register a task with the shared defaults; tasks.config routes it to its queue."""
    merged: TaskOptions = {**TASK_DEFAULTS, **options}
    return app.task(soft_time_limit=soft_time_limit, time_limit=time_limit, **merged)
