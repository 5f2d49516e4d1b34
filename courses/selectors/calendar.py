"""A learner's due dates as an iCalendar document (RFC 5545), for their calendar app."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar, Event

from accounts.models import User
from courses.models import Enrolment, Module
from courses.selectors.due_dates import learner_due_dates


def due_date_calendar(*, user: User) -> bytes:
    """One all-day event per module with a due date, in every course the person follows in a
    cohort: "Due", "Overdue" or "Done" in its title, the course page as its link. Each event
    keeps its UID from one fetch to the next, so a calendar app updates it in place when a
    date moves (an extension) rather than adding a second one."""
    enrolments = list(
        Enrolment.objects.select_related("course", "cohort")
        .filter(user=user, cohort__isnull=False)
        .order_by("course__title")
    )
    dues = learner_due_dates(enrolments=enrolments)
    module_ids = {m for by_module in dues.values() for m in by_module}
    modules = Module.objects.in_bulk(module_ids)
    host = urlsplit(settings.SITE_URL).hostname or "lms"
    stamp = timezone.now()

    calendar = Calendar()
    calendar.add("prodid", "-//Leadership in Medicine LMS//Due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Leadership in Medicine: due dates")
    for enrolment in enrolments:
        assert enrolment.cohort is not None
        course_url = settings.SITE_URL + reverse("course", args=[enrolment.course.slug])
        for module_id, md in sorted(dues.get(enrolment.id, {}).items()):
            module = modules[module_id]
            state = "Done" if md.passed else "Overdue" if md.overdue else "Due"
            event = Event()
            event.add("uid", f"due-{enrolment.id}-{module_id}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", md.due_on)
            event.add("dtend", md.due_on + timedelta(days=1))
            event.add("summary", f"{state}: {module.title} ({enrolment.course.title})")
            event.add(
                "description",
                f"{module.title}, module {module.position} of {enrolment.course.title}, is due "
                f"by the end of {date_format(md.due_on, 'l j F Y')}, "
                f"{enrolment.cohort.zone.key.replace('_', ' ')} time"
                + (" (a later date your program director gave you)." if md.extended else ".")
                + f"\n{course_url}",
            )
            event.add("url", f"{course_url}#module-{module_id}")
            event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
            calendar.add_component(event)
    return bytes(calendar.to_ical())
