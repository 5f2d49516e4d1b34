"""The profile: the name certificates print (a change routed to staff once certified), the
time zone pages are shown in, and the reminder e-mails switch."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User, validate_time_zone
from accounts.services.profile import profile_update
from certificates.models import Certificate, NameChangeRequest
from courses.cohorts.services.reminders import learner_reminder_deliver, learner_reminder_request
from courses.models import Cohort, Enrolment, LearnerReminder, ModuleDueDate
from lms.errors import ApplicationError
from tests.cohorts import add_learners, days_ago, set_progress
from tests.factories import enrol

pytestmark = pytest.mark.django_db


def save(client, **fields):
    data = {"full_name": "Alex Rivera", "time_zone": "", "reminder_emails": "on", **fields}
    if data["reminder_emails"] is None:
        del data["reminder_emails"]
    return client.post("/me/profile/", data, follow=True)


def certificate_for(user, course, status=Certificate.Status.READY) -> Certificate:
    enrolment = Enrolment.objects.filter(user=user, course=course).first() or enrol(user, course)
    return Certificate.objects.create(
        enrolment=enrolment,
        learner_name=user.get_full_name(),
        course_title=course.title,
        completed_on=date(2026, 11, 25),
        status=status,
        # A ready certificate has its file (only its name and checksum matter here).
        **({"pdf": "certificates/test.pdf", "sha256": "0" * 64} if status == "ready" else {}),
    )


def test_the_menu_links_to_the_profile(client, learner):
    client.force_login(learner)
    page = client.get("/me/profile/").content.decode()
    assert page.count('href="/me/profile/">My profile</a>') == 2  # the wide menu and the phone's
    assert 'value="Alex Rivera"' in page


def test_the_profile_needs_an_account(client):
    response = client.get("/me/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_without_a_certificate_the_name_zone_and_reminders_are_saved(client, learner):
    client.force_login(learner)
    response = save(
        client, full_name="  Alexandra   Rivera ", time_zone="America/Toronto", reminder_emails=None
    )
    assert "Your profile is saved." in response.content.decode()
    learner.refresh_from_db()
    assert (learner.full_name, learner.time_zone, learner.reminder_emails) == (
        "Alexandra Rivera",
        "America/Toronto",
        False,
    )


@pytest.mark.parametrize(
    ("full_name", "problem"),
    [("   ", "This field is required."), ("x" * 201, "at most 200 characters")],
)
def test_the_name_has_bounds(client, learner, full_name, problem):
    client.force_login(learner)
    response = save(client, full_name=full_name)
    assert response.status_code == 400
    assert problem in response.content.decode()
    learner.refresh_from_db()
    assert learner.full_name == "Alex Rivera"


def test_an_unknown_time_zone_is_refused(client, learner):
    client.force_login(learner)
    response = save(client, time_zone="Mars/Olympus_Mons")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus_Mons")
    validate_time_zone("Europe/Paris")
    with pytest.raises(ApplicationError):
        profile_update(
            user=learner, full_name="Alex Rivera", time_zone="Nowhere/At_All", reminder_emails=True
        )


def test_once_certified_a_new_name_is_a_request_to_staff_not_a_change(client, learner, course):
    certificate = certificate_for(learner, course)
    client.force_login(learner)
    page = client.get("/me/profile/").content.decode()
    assert "Your name is printed on 1 certificate" in page

    response = save(client, full_name="Alex Rivera-Okafor", time_zone="Asia/Tokyo")
    text = response.content.decode()
    assert "was sent to staff for approval" in text
    assert f"Waiting for staff: your certificate for {course.title}" in text
    learner.refresh_from_db()
    assert learner.full_name == "Alex Rivera"  # the certified name stays until staff approve
    assert learner.time_zone == "Asia/Tokyo"  # the rest is saved
    request = NameChangeRequest.objects.get()
    assert (request.certificate_id, request.requested_name, request.status) == (
        certificate.id,
        "Alex Rivera-Okafor",
        NameChangeRequest.Status.PENDING,
    )

    # A second change waits for the first decision.
    response = save(client, full_name="A. Rivera")
    assert response.status_code == 409
    assert "already waiting for staff" in response.content.decode()
    assert NameChangeRequest.objects.count() == 1


def test_a_certificate_being_prepared_holds_the_name(client, learner, course):
    certificate_for(learner, course, status=Certificate.Status.PENDING)
    client.force_login(learner)
    response = save(client, full_name="Alex Rivera-Okafor", time_zone="Asia/Tokyo")
    assert response.status_code == 409
    assert "is being prepared" in response.content.decode()
    learner.refresh_from_db()
    assert (learner.full_name, learner.time_zone) == ("Alex Rivera", "")  # nothing saved
    assert not NameChangeRequest.objects.exists()


def test_a_revoked_certificate_does_not_hold_the_name(client, learner, course):
    certificate = certificate_for(learner, course)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_at=days_ago(1), revoked_reason="Issued in error"
    )
    client.force_login(learner)
    save(client, full_name="Alex Rivera-Okafor")
    learner.refresh_from_db()
    assert learner.full_name == "Alex Rivera-Okafor"


def test_pages_show_times_in_the_users_time_zone(client, learner):
    client.force_login(learner)
    assert " UTC" in client.get("/me/profile/").content.decode()
    User.objects.filter(pk=learner.pk).update(time_zone="Asia/Tokyo")
    assert " JST" in client.get("/me/profile/").content.decode()
    # A zone the machine no longer knows falls back on the site's.
    User.objects.filter(pk=learner.pk).update(time_zone="Gone/Zone")
    assert " UTC" in client.get("/me/profile/").content.decode()


# --- the director's reminder respects the switch ------------------------------------------------


@pytest.fixture
def cohort(course, director):
    cohort = Cohort.objects.create(
        course=course, name="PGY-1 residents 2026", start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )  # fmt: skip
    cohort.directors.add(director)
    module = course.modules.order_by("position").first()
    ModuleDueDate.objects.create(cohort=cohort, module=module, due_on=date(2026, 8, 1))
    return cohort


def test_a_learner_who_turned_reminders_off_gets_none_and_the_director_is_told(
    director, cohort, sends
):
    (enrolment,) = add_learners(cohort, 1)
    set_progress(
        enrolment, cohort.course.modules.first(), status="in_progress", activity=days_ago(1)
    )
    User.objects.filter(pk=enrolment.user_id).update(reminder_emails=False)
    with pytest.raises(ApplicationError) as refused:
        learner_reminder_request(actor=director, cohort=cohort, user_id=enrolment.user_id)
    assert refused.value.code == "reminders_off"
    assert "has turned off reminder e-mails in their profile" in refused.value.message
    assert not LearnerReminder.objects.exists()


def test_reminders_turned_off_after_the_director_asked_are_not_sent(
    director, cohort, sends, mailoutbox
):
    (enrolment,) = add_learners(cohort, 1)
    set_progress(
        enrolment, cohort.course.modules.first(), status="in_progress", activity=days_ago(1)
    )
    reminder = learner_reminder_request(actor=director, cohort=cohort, user_id=enrolment.user_id)
    User.objects.filter(pk=enrolment.user_id).update(reminder_emails=False)
    assert learner_reminder_deliver(reminder_id=reminder.id) is False
    assert mailoutbox == []
