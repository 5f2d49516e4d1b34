"""Queues by kind of work, the task modules and the beat schedule, in one place."""

import sys
from datetime import timedelta

from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections
from kombu import Exchange, Queue


class Queues:
    GRADING = "grading"
    CERTIFICATES = "certificates"
    REPORTS = "reports"

    ALL = (GRADING, CERTIFICATES, REPORTS)


def __getattr__(name: str) -> timedelta:
    """`STUCK_AFTER`: work older than this in a waiting state is taken as lost and enqueued
    again by the sweepers; settings.TASKS_STUCK_AFTER_SECONDS (5 minutes unless the
    environment says otherwise). Read from the settings when asked for, never at import:
    this module is imported while the settings load."""
    if name == "STUCK_AFTER":
        from django.conf import settings

        return timedelta(seconds=settings.TASKS_STUCK_AFTER_SECONDS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SWEEPERS = {
    "sweep-stuck-work": "tasks.maintenance.sweep_stuck_work",
    "sweep-certificate-work": "tasks.certificates.sweep_certificate_work",
    "sweep-stuck-exports": "tasks.reports.sweep_stuck_exports",
    "sweep-learner-reminders": "tasks.reminders.sweep_learner_reminders",
    "sweep-unsent-invitations": "tasks.reports.sweep_unsent_invitations",
    "due-date-reminders": "tasks.reminders.send_due_date_reminders",
    "sweep-stuck-regrades": "tasks.regrade.sweep_stuck_regrades",
}


# Daily housekeeping: what would otherwise only grow.
HOUSEKEEPING = {
    "clear-expired-sessions": "tasks.housekeeping.clear_expired_sessions",
    "delete-expired-exports": "tasks.housekeeping.delete_expired_exports",
}
HOUSEKEEPING_EVERY = timedelta(days=1)


def _beat_schedule(sender=None, source=None, **kwargs) -> None:
    """Beat sends every sweeper each TASKS_SWEEP_INTERVAL_SECONDS (a minute unless the
    environment says otherwise), and the housekeeping once a day; a message not taken before
    the next one is due expires."""
    from django.conf import settings

    every = settings.TASKS_SWEEP_INTERVAL_SECONDS
    sweepers = {
        entry: {
            "task": task,
            "schedule": timedelta(seconds=every),
            "options": {"expires": every * 55 / 60},
        }
        for entry, task in SWEEPERS.items()
    }
    housekeeping = {
        entry: {
            "task": task,
            "schedule": HOUSEKEEPING_EVERY,
            "options": {"expires": HOUSEKEEPING_EVERY.total_seconds() * 55 / 60},
        }
        for entry, task in HOUSEKEEPING.items()
    }
    source.beat_schedule = sweepers | housekeeping


def _close_old_connections(sender=None, **kwargs) -> None:
    if not getattr(sender.request, "is_eager", False):  # an eager task is inside its caller
        close_old_connections()


def configure(app) -> None:
    # Celery's Django fix-up closes the database connection before and after every task, so
    # each task opened a new PostgreSQL connection (a new server process). Django's own rules
    # decide instead, as around a web request: a connection is kept for CONN_MAX_AGE seconds,
    # and one that failed (the server restarted) is closed after its task, which is retried.
    app.conf["CELERY_DB_REUSE_MAX"] = sys.maxsize  # the fix-up's own closing: never
    task_prerun.connect(_close_old_connections, weak=False)
    task_postrun.connect(_close_old_connections, weak=False)

    # One direct exchange per queue, so a message reaches exactly the queue it names.
    app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in Queues.ALL]
    app.conf.task_default_queue = Queues.GRADING
    app.conf.task_routes = {
        "tasks.grading.*": {"queue": Queues.GRADING},
        "tasks.maintenance.*": {"queue": Queues.GRADING},
        "tasks.certificates.*": {"queue": Queues.CERTIFICATES},
        "tasks.reports.*": {"queue": Queues.REPORTS},
        "tasks.reminders.*": {"queue": Queues.REPORTS},
        "tasks.accounts.*": {"queue": Queues.REPORTS},
        "tasks.housekeeping.*": {"queue": Queues.REPORTS},
        "tasks.regrade.*": {"queue": Queues.GRADING},
    }
    app.conf.imports = (
        "tasks.grading",
        "tasks.certificates",
        "tasks.maintenance",
        "tasks.reports",
        "tasks.reminders",
        "tasks.accounts",
        "tasks.housekeeping",
        "tasks.regrade",
    )
    # The schedule reads the settings, so it is set once the configuration has loaded.
    app.on_after_configure.connect(_beat_schedule, weak=False)
