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


# Work older than this in a waiting state is taken as lost and enqueued again by the sweeper.
STUCK_AFTER = timedelta(minutes=5)


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
    }
    app.conf.imports = (
        "tasks.grading",
        "tasks.certificates",
        "tasks.maintenance",
        "tasks.reports",
        "tasks.reminders",
    )
    app.conf.beat_schedule = {
        "sweep-stuck-work": {
            "task": "tasks.maintenance.sweep_stuck_work",
            "schedule": timedelta(minutes=1),
            "options": {"expires": 55},
        },
        "sweep-certificate-work": {
            "task": "tasks.certificates.sweep_certificate_work",
            "schedule": timedelta(minutes=1),
            "options": {"expires": 55},
        },
        "sweep-stuck-exports": {
            "task": "tasks.reports.sweep_stuck_exports",
            "schedule": timedelta(minutes=1),
            "options": {"expires": 55},
        },
        "sweep-learner-reminders": {
            "task": "tasks.reminders.sweep_learner_reminders",
            "schedule": timedelta(minutes=1),
            "options": {"expires": 55},
        },
    }
