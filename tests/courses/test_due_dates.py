"""Due dates as learners meet them: a cohort's zone decides when a date ends (tested across the
date line), the reminders beat sends (once each, honouring the learner's choice), and the secret
iCalendar feed."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.services.calendar import calendar_token_issue
from courses.cohorts.services.cohorts import cohort_create
from courses.models import (
    Cohort,
    DueDateExtension,
    DueDateReminder,
    Enrolment,
    ModuleDueDate,
    ModuleProgress,
)
from courses.selectors.due_dates import cohort_today, learner_due_dates, learner_due_dates_for
from courses.services.due_date_reminders import (
    due_date_reminder_deliver,
    due_date_reminders_create,
)
from lms.errors import ApplicationError
from tests.cohorts import add_learners

pytestmark = pytest.mark.django_db

# 11:30 UTC on 2 December 2026: already 3 December at 01:30 on Kiritimati (UTC+14), still
# 2 December at 00:30 in Pago Pago (UTC-11). The two zones straddle the date line.
INSTANT = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)


def at_instant(moment: datetime = INSTANT):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def zoned_cohort(course, director, zone: str, name: str) -> Cohort:
    cohort = Cohort.objects.create(
        course=course,
        name=name,
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
        time_zone=zone,
    )
    cohort.directors.add(director)
    return cohort


def joined_long_ago(enrolments: list[Enrolment]) -> list[Enrolment]:
    """Past the new learner's grace period, so due dates apply to them."""
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(
        enrolled_at=INSTANT - timedelta(days=60)
    )
    return list(
        Enrolment.objects.select_related("cohort", "user")
        .filter(pk__in=[e.pk for e in enrolments])
        .order_by("pk")
    )


@pytest.fixture
def date_line(course, director):
    """One learner in a Kiritimati cohort, one in a Pago Pago cohort, module 1 due on 2 Dec."""
    module = course.modules.get(position=1)
    east = zoned_cohort(course, director, "Pacific/Kiritimati", "Line Islands residents")
    west = zoned_cohort(course, director, "Pacific/Pago_Pago", "Samoa residents")
    for cohort in (east, west):
        ModuleDueDate.objects.create(cohort=cohort, module=module, due_on=date(2026, 12, 2))
    [east_learner] = joined_long_ago(add_learners(east, 1, prefix="east"))
    [west_learner] = joined_long_ago(add_learners(west, 1, prefix="west"))
    return module, east_learner, west_learner


def test_a_due_date_ends_at_midnight_in_the_cohorts_zone_on_either_side_of_the_date_line(
    date_line,
):
    module, east, west = date_line
    with at_instant():
        assert cohort_today(east.cohort) == date(2026, 12, 3)
        assert cohort_today(west.cohort) == date(2026, 12, 2)
        dues = learner_due_dates(enrolments=[east, west])

    east_due, west_due = dues[east.id][module.id], dues[west.id][module.id]
    assert east_due.overdue is True  # 2 December is over on Kiritimati
    assert west_due.overdue is False  # and has just begun in Pago Pago
    # Midnight after 2 December there: 10:00 UTC on the 2nd, and 11:00 UTC on the 3rd.
    assert east_due.due_at == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert west_due.due_at == datetime(2026, 12, 3, 11, 0, tzinfo=UTC)


def test_whether_a_date_has_passed_does_not_depend_on_the_learners_own_zone(date_line):
    module, east, west = date_line
    east.user.time_zone = "Pacific/Pago_Pago"
    east.user.save(update_fields=["time_zone"])
    west.user.time_zone = "Pacific/Kiritimati"
    west.user.save(update_fields=["time_zone"])
    with at_instant():
        dues = learner_due_dates(enrolments=[east, west])
    assert dues[east.id][module.id].overdue is True
    assert dues[west.id][module.id].overdue is False


def test_a_learner_who_has_just_joined_is_not_overdue_and_an_extension_moves_the_date(
    course, director
):
    module = course.modules.get(position=1)
    cohort = zoned_cohort(course, director, "America/New_York", "PGY-1 residents 2026")
    ModuleDueDate.objects.create(cohort=cohort, module=module, due_on=date(2026, 11, 20))
    [new, settled] = add_learners(cohort, 2)
    settled = joined_long_ago([settled])[0]
    Enrolment.objects.filter(pk=new.pk).update(enrolled_at=INSTANT - timedelta(days=3))
    new.refresh_from_db()
    with at_instant():
        assert learner_due_dates_for(enrolment=new)[module.id].overdue is False
        assert learner_due_dates_for(enrolment=settled)[module.id].overdue is True
        DueDateExtension.objects.create(
            enrolment=settled, module=module, due_on=date(2026, 12, 10), granted_by=director
        )
        extended = learner_due_dates_for(enrolment=settled)[module.id]
    assert (extended.due_on, extended.extended, extended.overdue) == (
        date(2026, 12, 10),
        True,
        False,
    )


def test_a_cohort_refuses_a_time_zone_that_does_not_exist(course, director):
    with pytest.raises(ApplicationError) as raised:
        cohort_create(
            actor=director,
            course=course,
            name="PGY-2 residents 2026",
            start_date=date(2026, 7, 1),
            end_date=date(2027, 6, 30),
            time_zone="Mars/Olympus_Mons",
        )
    assert "time_zone" in raised.value.details
    cohort = cohort_create(
        actor=director,
        course=course,
        name="PGY-2 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
        time_zone="America/Chicago",
    )
    assert cohort.zone.key == "America/Chicago"


# --- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def due_soon(course, director, settings):
    """A cohort in Toronto whose module 1 is due in two days and module 2 was due yesterday."""
    settings.DUE_DATE_REMINDER_DAYS_BEFORE = 3
    settings.SITE_URL = "https://lms.example.org"
    cohort = zoned_cohort(course, director, "America/Toronto", "PGY-1 residents 2026")
    first, second = course.modules.get(position=1), course.modules.get(position=2)
    ModuleDueDate.objects.create(cohort=cohort, module=first, due_on=date(2026, 12, 4))
    ModuleDueDate.objects.create(cohort=cohort, module=second, due_on=date(2026, 12, 1))
    learners = joined_long_ago(add_learners(cohort, 3))
    return first, second, learners


def recorded() -> set[tuple[str, int, str, date]]:
    return set(
        DueDateReminder.objects.values_list(
            "enrolment__user__username", "module__position", "kind", "due_on"
        )
    )


def test_reminders_are_recorded_once_before_a_due_date_and_once_when_it_is_overdue(due_soon):
    with at_instant():
        first_run = due_date_reminders_create()
    with at_instant(INSTANT + timedelta(minutes=1)):  # beat's next run
        second_run = due_date_reminders_create()

    assert len(first_run) == 6 and second_run == []
    upcoming, overdue = DueDateReminder.Kind.UPCOMING, DueDateReminder.Kind.OVERDUE
    assert recorded() == {
        (f"resident{n}", position, kind, due_on)
        for n in range(3)
        for position, kind, due_on in (
            (1, upcoming, date(2026, 12, 4)),
            (2, overdue, date(2026, 12, 1)),
        )
    }


def test_no_reminder_for_a_learner_who_opted_out_passed_or_for_an_optional_module(due_soon):
    first, second, (opted_out, passed, _) = due_soon
    opted_out.user.reminder_emails = False
    opted_out.user.save(update_fields=["reminder_emails"])
    ModuleProgress.objects.filter(enrolment=passed, module=first).update(
        status=ModuleProgress.Status.PASSED
    )
    second.required = False
    second.save(update_fields=["required"])
    with at_instant():
        due_date_reminders_create()
    assert recorded() == {("resident2", 1, DueDateReminder.Kind.UPCOMING, date(2026, 12, 4))}


def test_an_old_overdue_date_and_a_far_one_get_no_reminder(due_soon, settings):
    first, second, _ = due_soon
    ModuleDueDate.objects.filter(module=first).update(due_on=date(2026, 12, 20))
    ModuleDueDate.objects.filter(module=second).update(due_on=date(2026, 11, 1))
    with at_instant():
        assert due_date_reminders_create() == []
    settings.DUE_DATE_REMINDER_DAYS_BEFORE = 0  # "0 sends none" before a date
    ModuleDueDate.objects.filter(module=first).update(due_on=date(2026, 12, 3))
    with at_instant():
        assert due_date_reminders_create() == []


def test_an_extension_is_a_new_due_date_and_earns_its_own_reminder(due_soon, director):
    _, second, (learner, *_) = due_soon
    with at_instant():
        due_date_reminders_create()
        DueDateExtension.objects.create(
            enrolment=learner, module=second, due_on=date(2026, 12, 5), granted_by=director
        )
    with at_instant(INSTANT + timedelta(minutes=1)):
        [new] = due_date_reminders_create()
    reminder = DueDateReminder.objects.get(pk=new)
    assert (reminder.enrolment_id, reminder.kind, reminder.due_on) == (
        learner.id,
        DueDateReminder.Kind.UPCOMING,
        date(2026, 12, 5),
    )


def test_the_learner_receives_the_reminder_once_over_smtp(due_soon, smtp_server):
    first, _, (learner, *_) = due_soon
    with at_instant():
        due_date_reminders_create()
        reminder = DueDateReminder.objects.get(enrolment=learner, module=first)
        assert due_date_reminder_deliver(reminder_id=reminder.id) is True
        assert due_date_reminder_deliver(reminder_id=reminder.id) is False

    [received] = smtp_server.received
    assert received.rcpt_tos == [learner.user.email]
    assert received.message["Subject"] == f"Due 4 December: {first.title} ({first.course.title})"
    text, html = received.part("plain"), received.part("html")
    assert "Friday 4 December 2026" in text and "America/Toronto" in text
    assert f"https://lms.example.org/courses/{first.course.slug}/#module-{first.id}" in html
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


def test_a_reminder_no_longer_due_when_it_goes_is_dropped_unsent(due_soon, smtp_server):
    first, _, (learner, *_) = due_soon
    with at_instant():
        due_date_reminders_create()
        reminder = DueDateReminder.objects.get(enrolment=learner, module=first)
        ModuleProgress.objects.filter(enrolment=learner, module=first).update(
            status=ModuleProgress.Status.PASSED
        )
        assert due_date_reminder_deliver(reminder_id=reminder.id) is False
    assert smtp_server.received == []
    assert not DueDateReminder.objects.filter(pk=reminder.pk).exists()


# --- the calendar feed -------------------------------------------------------------------------


def test_the_calendar_feed_holds_each_due_date_at_its_secret_address(due_soon, client):
    first, second, (learner, *_) = due_soon
    token = calendar_token_issue(user=learner.user)
    with at_instant():
        response = client.get(reverse("calendar-feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    events = {str(e["summary"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    course = first.course.title
    assert set(events) == {f"Due: {first.title} ({course})", f"Overdue: {second.title} ({course})"}
    event = events[f"Due: {first.title} ({course})"]
    assert event.decoded("dtstart") == date(2026, 12, 4)
    assert str(event["uid"]) == f"due-{learner.id}-{first.id}@lms.example.org"
    assert "America/Toronto" in str(event["description"])


def test_a_wrong_or_replaced_calendar_address_finds_nothing(due_soon, client):
    _, _, (learner, *_) = due_soon
    old = calendar_token_issue(user=learner.user)
    new = calendar_token_issue(user=learner.user)
    assert client.get(reverse("calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[new])).status_code == 200


def test_a_learner_makes_and_replaces_their_calendar_address_from_the_profile(due_soon, client):
    _, _, (learner, *_) = due_soon
    client.force_login(learner.user)
    page = client.post(reverse("calendar-address"), follow=True)
    learner.user.refresh_from_db()
    first = learner.user.calendar_token
    assert first and "/due-dates.ics" in page.content.decode()
    assert "Your calendar address is ready" in page.content.decode()
    page = client.post(reverse("calendar-address"), follow=True)
    learner.user.refresh_from_db()
    assert learner.user.calendar_token != first
    assert "the old one no longer works" in page.content.decode()


# --- where learners see them -------------------------------------------------------------------


def test_the_course_page_dashboard_and_quiz_page_show_due_dates_and_what_is_overdue(
    due_soon, client
):
    first, second, (learner, *_) = due_soon
    learner.user.time_zone = "Asia/Tokyo"  # their own zone does not move the cohort's dates
    learner.user.save(update_fields=["time_zone"])
    client.force_login(learner.user)
    quiz = first.quizzes.get()
    with at_instant():
        course_page = client.get(reverse("course", args=[first.course.slug])).content.decode()
        dashboard = client.get(reverse("dashboard")).content.decode()
        quiz_page = client.get(reverse("quiz", args=[quiz.id])).content.decode()

    text = " ".join(course_page.split())
    assert 'Due by the end of <time datetime="2026-12-04">Friday 4 December 2026</time>' in text
    assert "<strong>Overdue:</strong> was due by the end of" in text
    assert "Tuesday 1 December 2026" in text and "(America/Toronto time)" in text
    dashboard = " ".join(dashboard.split())
    assert f"{second.title}: Not started · <strong>overdue</strong> (was due 1 Dec)" in dashboard
    assert f"{first.title}: Not started · due 4 Dec" in dashboard
    assert "Friday 4 December 2026" in quiz_page


def test_a_learner_outside_a_cohort_sees_no_due_dates(course, client):
    from tests.factories import UserFactory, enrol

    user = UserFactory(username="self-paced")
    enrol(user, course)
    client.force_login(user)
    page = client.get(reverse("course", args=[course.slug])).content.decode()
    assert 'class="due' not in page
    assert client.get(reverse("dashboard")).status_code == 200
