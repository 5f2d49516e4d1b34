"""The `reports` queue's reminder e-mails: a director's reminder to a learner, and its sweeper."""

import logging

from django.utils import timezone

from courses.cohorts.selectors.reminders import reminders_awaiting_delivery
from courses.cohorts.services.reminders import learner_reminder_deliver
from lms.mail import MailNotSent

from .base import lms_task
from .config import STUCK_AFTER
from .enqueue import SEND_LEARNER_REMINDER, enqueue

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
