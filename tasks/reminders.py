"""The `reports` queue's reminder e-mails: a director's reminder to a learner, the site's
due-date reminders, and their sweepers."""

import logging

from django.utils import timezone

from courses.cohorts.selectors.reminders import reminders_awaiting_delivery
from courses.cohorts.services.reminders import learner_reminder_deliver
from courses.selectors.due_dates import due_date_reminders_unsent
from courses.services.due_date_reminders import (
    due_date_reminder_deliver,
    due_date_reminders_create,
)
from lms.mail import MailNotSent

from .base import lms_task
from .config import STUCK_AFTER
from .enqueue import SEND_DUE_DATE_REMINDER, SEND_LEARNER_REMINDER, enqueue

logger = logging.getLogger(__name__)


@lms_task(soft_time_limit=60, time_limit=90)
def send_learner_reminder(reminder_id: int) -> None:
    # A mail server that refuses raises MailNotSent (an OSError): retried with backoff; the
    # reminder records when it went, and stays unsent (the admin's filter) until then.
    try:
        learner_reminder_deliver(reminder_id=reminder_id)
    except MailNotSent as error:
        logger.warning("Reminder %d not sent, to be retried: %s", reminder_id, error.reason)
        raise


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def sweep_learner_reminders() -> None:
    waiting = reminders_awaiting_delivery(older_than=timezone.now() - STUCK_AFTER)
    for reminder_id in waiting:
        enqueue(SEND_LEARNER_REMINDER, reminder_id)
    if waiting:
        logger.info("Sweep: %d learner reminders re-enqueued", len(waiting))


@lms_task(soft_time_limit=60, time_limit=90)
def send_due_date_reminder(reminder_id: int) -> None:
    # A refusal is counted on the row for staff and retried with backoff (MailNotSent).
    due_date_reminder_deliver(reminder_id=reminder_id)


@lms_task(soft_time_limit=50, time_limit=60, max_retries=0)
def send_due_date_reminders() -> None:
    # Beat sends this each TASKS_SWEEP_INTERVAL_SECONDS: the reminders due now are recorded
    # once each and sent; those whose task was lost are sent again.
    recorded = due_date_reminders_create()
    waiting = due_date_reminders_unsent(older_than=timezone.now() - STUCK_AFTER)
    for reminder_id in [*recorded, *waiting]:
        enqueue(SEND_DUE_DATE_REMINDER, reminder_id)
    if recorded or waiting:
        logger.info("Due-date reminders: %d recorded, %d re-enqueued", len(recorded), len(waiting))
