"""Reminders a learner was sent, and those whose message was lost."""

from datetime import datetime, timedelta

from django.utils import timezone

from courses.models import LearnerReminder

# A learner gets at most one reminder in this long, whichever director sends it.
REMINDER_INTERVAL = timedelta(hours=24)


# A reminder not delivered after this long is given up: a day-old reminder is stale.
REMINDER_DELIVERY_WINDOW = timedelta(days=1)


def last_reminder(*, enrolment_id: int) -> LearnerReminder | None:
    return (
        LearnerReminder.objects.select_related("sent_by")
        .filter(enrolment_id=enrolment_id)
        .order_by("-created_at")
        .first()
    )


def reminder_allowed_from(reminder: LearnerReminder | None) -> datetime | None:
    """When the next reminder may go, if not now."""
    if reminder is None or reminder.created_at <= timezone.now() - REMINDER_INTERVAL:
        return None
    return reminder.created_at + REMINDER_INTERVAL


def reminders_awaiting_delivery(*, older_than: datetime) -> list[int]:
    """Reminders recorded before `older_than` (and within the window) not e-mailed yet."""
    return list(
        LearnerReminder.objects.filter(
            sent_at__isnull=True,
            created_at__lt=older_than,
            created_at__gte=timezone.now() - REMINDER_DELIVERY_WINDOW,
        ).values_list("id", flat=True)
    )
