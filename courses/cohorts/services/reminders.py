"""Reminders: a director e-mails one learner of their cohort about the modules left to do."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from courses.cohorts.selectors.access import require_director
from courses.cohorts.selectors.dashboard import OVERDUE, PASSED, cohort_progress
from courses.cohorts.selectors.reminders import REMINDER_INTERVAL
from courses.models import Cohort, Enrolment, LearnerReminder
from lms.errors import ApplicationError, Conflict, NotFound
from lms.mail import MailNotSent, mail_render, mail_send_or_record
from tasks.enqueue import SEND_LEARNER_REMINDER, enqueue


def _modules_to_remind(cohort: Cohort, user_id: int) -> list[str]:
    """The learner's unfinished modules, overdue ones first, each with its due date for them."""
    progress = cohort_progress(cohort=cohort, only_user_id=user_id)
    row = progress.learners[0]
    overdue, open_ = [], []
    for module, cell in zip(progress.modules, row.cells, strict=True):
        if cell.status == PASSED or not module.required:
            continue
        due_on = row.extended_due.get(module.id, module.due_on)
        line = f"Module {module.position}: {module.title}"
        if cell.status == OVERDUE and due_on is not None:
            overdue.append(f"{line} (overdue: due {date_format(due_on, 'j F Y')})")
        elif due_on is not None:
            open_.append(f"{line} (due {date_format(due_on, 'j F Y')})")
        else:
            open_.append(line)
    return overdue + open_


@transaction.atomic
def learner_reminder_request(*, actor: User, cohort: Cohort, user_id: int) -> LearnerReminder:
    """Record a reminder to the learner and have the reports worker e-mail it.

    At most one per learner every REMINDER_INTERVAL, whoever sends it: the learner's
    enrolment is locked while the last one is checked, so two clicks send one e-mail.
    """
    require_director(actor, cohort)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(cohort=cohort, user_id=user_id)
        .first()
    )
    if enrolment is None:
        raise NotFound("No such learner in this cohort.")
    name = enrolment.user.get_full_name()
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise ApplicationError(
            f"{name} has completed the course: there is nothing to remind them of.",
            code="reminder_not_needed",
        )
    if not enrolment.user.email:
        raise ApplicationError(
            f"{name} has no e-mail address, so no reminder can be sent.", code="no_email"
        )
    if not enrolment.user.reminder_emails:
        raise ApplicationError(
            f"{name} has turned off reminder e-mails in their profile, so no reminder can be "
            "sent. Contact them another way if a module needs finishing.",
            code="reminders_off",
        )
    now = timezone.now()
    last = LearnerReminder.objects.filter(enrolment=enrolment).order_by("-created_at").first()
    if last is not None and last.created_at > now - REMINDER_INTERVAL:
        next_at = timezone.localtime(last.created_at + REMINDER_INTERVAL)
        raise Conflict(
            f"{name} was already sent a reminder on "
            f"{date_format(timezone.localtime(last.created_at), 'j F Y, H:i')}. "
            f"One reminder a day at most: the next can be sent from "
            f"{date_format(next_at, 'j F Y, H:i')}.",
            code="reminder_too_soon",
            details={"last_sent_at": last.created_at.isoformat()},
        )
    modules = _modules_to_remind(cohort, user_id)
    if not modules:
        raise ApplicationError(
            f"{name} has passed every required module: there is nothing to remind them of.",
            code="reminder_not_needed",
        )
    reminder = LearnerReminder.objects.create(
        enrolment=enrolment, sent_by=actor, modules="\n".join(modules)
    )
    enqueue(SEND_LEARNER_REMINDER, reminder.id)
    return reminder


def learner_reminder_deliver(*, reminder_id: int) -> bool:
    """E-mail a recorded reminder, once. True if a mail was sent (safe to run twice).

    A refusal is counted on the reminder with the server's answer (staff see it in the admin)
    and raised as MailNotSent after the commit: the task retries, the sweeper re-sends it
    within the day.
    """
    failure: MailNotSent | None = None
    with transaction.atomic():
        reminder = (
            LearnerReminder.objects.select_for_update(of=("self",))
            .select_related("enrolment__user", "enrolment__cohort__course", "sent_by")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None or reminder.sent_at is not None or reminder.enrolment.cohort is None:
            return False
        learner = reminder.enrolment.user
        if not learner.email or not learner.is_active or not learner.reminder_emails:
            return False  # reminders turned off after the director asked: none is sent
        cohort = reminder.enrolment.cohort
        director = reminder.sent_by
        context = {
            "name": learner.get_full_name(),
            "director": director.get_full_name() if director else "Your program director",
            "cohort": cohort,
            "course": cohort.course,
            "modules": reminder.modules.splitlines(),
            "link": settings.SITE_URL + reverse("course", args=[cohort.course.slug]),
        }
        message = mail_render(
            template="courses/email/reminder",
            context=context,
            subject=f"Reminder from your program director: {cohort.course.title}",
            to=[learner.email],
            reply_to=[director.email] if director and director.email else [],
        )
        failure = mail_send_or_record(message, rows=LearnerReminder.objects.filter(pk=reminder.pk))
        if failure is None:
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
    if failure is not None:
        raise failure
    return True
