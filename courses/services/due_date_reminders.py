"""Due-date reminders the site sends on its own: a few days before a required module is due
(settings.DUE_DATE_REMINDER_DAYS_BEFORE; 0 sends none), and once when it has become overdue.

Beat runs `due_date_reminders_create` every minute or so (tasks.reminders): each reminder is a
row, unique per learner, module, kind and due date, so running it twice, or on two machines,
sends nothing twice; an extension is a new due date and earns its own reminders. A learner who
turned reminders off in their profile, or has passed the module, gets none.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from courses.models import DueDateReminder, Enrolment, Module
from courses.selectors.due_dates import ModuleDue, cohort_today, learner_due_dates
from lms.mail import MailNotSent, mail_render, mail_send_or_record

UPCOMING = DueDateReminder.Kind.UPCOMING
OVERDUE = DueDateReminder.Kind.OVERDUE

# A module that became overdue longer ago than this gets no "overdue" reminder: the reminder
# says it has just passed, and turning the feature on must not mail a year of old due dates.
OVERDUE_REMINDER_WITHIN_DAYS = 7


def _kind_due(md: ModuleDue, today: date, days_before: int) -> str | None:
    if md.passed:
        return None
    if days_before and today <= md.due_on <= today + timedelta(days=days_before):
        return UPCOMING
    if md.overdue and (today - md.due_on).days <= OVERDUE_REMINDER_WITHIN_DAYS:
        return OVERDUE
    return None


def due_date_reminders_create(*, now: datetime | None = None) -> list[int]:
    """Record the reminders due now and return the ids of those recorded by this run.

    Looks only at cohorts with a due date (or a learner's extension) near today, and at their
    active learners who want reminders; the rule of what is due and overdue is the learner's
    page's (courses.selectors.due_dates).
    """
    now = now or timezone.now()
    days_before = settings.DUE_DATE_REMINDER_DAYS_BEFORE
    # A day of slack either side: each cohort's own "today" is within a day of UTC's.
    low = now.date() - timedelta(days=OVERDUE_REMINDER_WITHIN_DAYS + 1)
    high = now.date() + timedelta(days=days_before + 1)
    enrolments = list(
        Enrolment.objects.select_related("cohort")
        .filter(
            Q(cohort__due_dates__due_on__range=(low, high))
            | Q(due_date_extensions__due_on__range=(low, high)),
            status=Enrolment.Status.ACTIVE,
            user__is_active=True,
            user__reminder_emails=True,
        )
        .exclude(user__email="")
        .distinct()
    )
    if not enrolments:
        return []
    required = set(
        Module.objects.filter(
            course_id__in={e.course_id for e in enrolments},
            required=True,
            status=Module.Status.PUBLISHED,
        ).values_list("id", flat=True)
    )
    dues = learner_due_dates(enrolments=enrolments)
    rows = []
    for enrolment in enrolments:
        assert enrolment.cohort is not None  # filtered on its due dates
        today = cohort_today(enrolment.cohort)
        for module_id, md in dues.get(enrolment.id, {}).items():
            kind = _kind_due(md, today, days_before) if module_id in required else None
            if kind is not None:
                rows.append(
                    DueDateReminder(
                        enrolment=enrolment, module_id=module_id, kind=kind, due_on=md.due_on
                    )
                )
    started = timezone.now()
    DueDateReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        DueDateReminder.objects.filter(created_at__gte=started, sent_at__isnull=True).values_list(
            "id", flat=True
        )
    )


def due_date_reminder_deliver(*, reminder_id: int) -> bool:
    """E-mail a recorded due-date reminder, once. True if a mail was sent (safe to run twice).

    Checked again when it goes: a learner who has since passed the module, turned reminders
    off, or been given another due date gets nothing, and the row goes (a later run records a
    new one if it is still due). A refusal is counted on the row with the server's answer and
    raised as MailNotSent after the commit, for the task to retry.
    """
    failure: MailNotSent | None = None
    with transaction.atomic():
        reminder = (
            DueDateReminder.objects.select_for_update(of=("self",))
            .select_related("enrolment__user", "enrolment__cohort", "enrolment__course", "module")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None or reminder.sent_at is not None:
            return False
        enrolment, learner = reminder.enrolment, reminder.enrolment.user
        md = learner_due_dates(enrolments=[enrolment]).get(enrolment.id, {}).get(reminder.module_id)
        still_due = (
            md is not None
            and md.due_on == reminder.due_on
            and not md.passed
            and (reminder.kind == UPCOMING or md.overdue)
        )
        if not (still_due and learner.is_active and learner.reminder_emails and learner.email):
            reminder.delete()
            return False
        assert enrolment.cohort is not None and md is not None
        course, module = enrolment.course, reminder.module
        overdue = reminder.kind == OVERDUE
        context = {
            "name": learner.get_full_name(),
            "course": course,
            "module": module,
            "overdue": overdue,
            "due_on": date_format(md.due_on, "l j F Y"),
            "zone": enrolment.cohort.zone.key.replace("_", " "),
            "extended": md.extended,
            "link": settings.SITE_URL
            + reverse("course", args=[course.slug])
            + f"#module-{module.id}",
            "profile_link": settings.SITE_URL + reverse("profile"),
        }
        message = mail_render(
            template="courses/email/due_date_reminder",
            context=context,
            subject=(
                f"Overdue: {module.title} ({course.title})"
                if overdue
                else f"Due {date_format(md.due_on, 'j F')}: {module.title} ({course.title})"
            ),
            to=[learner.email],
        )
        failure = mail_send_or_record(message, rows=DueDateReminder.objects.filter(pk=reminder.pk))
        if failure is None:
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
    if failure is not None:
        raise failure
    return True
