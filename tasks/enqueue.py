"""How services start background work: a task sent by its name once the transaction commits.

Services import this module, never a task module, so tasks can import services without a
cycle. Arguments are ids and plain strings; the task reloads its rows. The queue comes from
the routes in `tasks.config`, which Celery applies to a task sent by name as to any other.
"""

from django.db import transaction

from lms.celery import app

# The tasks services send. tests/test_architecture.py checks each is a registered task.
GRADE_ATTEMPT = "tasks.grading.grade_attempt"
ISSUE_CERTIFICATE = "tasks.certificates.issue_certificate"
NOTIFY_CERTIFICATE_READY = "tasks.certificates.notify_certificate_ready"
RUN_CERTIFICATE_BATCH = "tasks.certificates.run_certificate_batch"
BUILD_COHORT_EXPORT = "tasks.reports.build_cohort_export"
SEND_COHORT_INVITATION = "tasks.reports.send_cohort_invitation"
SEND_LEARNER_REMINDER = "tasks.reminders.send_learner_reminder"
SEND_DUE_DATE_REMINDER = "tasks.reminders.send_due_date_reminder"
SEND_PASSWORD_RESET = "tasks.accounts.send_password_reset"  # noqa: S105  (a task name)
RUN_REGRADE_JOB = "tasks.regrade.run_regrade_job"
BUILD_ITEM_ANALYSIS = "tasks.reports.build_item_analysis"

TASK_NAMES = (
    GRADE_ATTEMPT,
    ISSUE_CERTIFICATE,
    NOTIFY_CERTIFICATE_READY,
    RUN_CERTIFICATE_BATCH,
    BUILD_COHORT_EXPORT,
    SEND_COHORT_INVITATION,
    SEND_LEARNER_REMINDER,
    SEND_DUE_DATE_REMINDER,
    SEND_PASSWORD_RESET,
    RUN_REGRADE_JOB,
    BUILD_ITEM_ANALYSIS,
)


def enqueue(name: str, *args: int | str) -> None:
    """Send the task `name` with `args` after the current transaction commits (at once when
    there is none): a worker never looks for a row its sender has not committed yet."""
    transaction.on_commit(lambda: app.send_task(name, args=args))
