"""A director's reminder through a real SMTP server on loopback: what the resident receives,
and a refusing server, after which the reminder stays unsent with the failure recorded, the
task retries, and staff see it among the reminders that did not go out, with the reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.cohorts.services.reminders import learner_reminder_deliver, learner_reminder_request
from courses.models import LearnerReminder, ModuleDueDate
from lms.mail import MailNotSent
from tasks.reminders import send_learner_reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminder(director, cohort, cohort_learners, settings) -> LearnerReminder:
    settings.SITE_URL = "https://lms.example.org"
    director.email = "okafor@hospital.example.org"
    director.save()
    module = cohort.course.modules.get(position=1)
    ModuleDueDate.objects.create(
        cohort=cohort, module=module, due_on=timezone.localdate() + timedelta(days=14)
    )
    learner = cohort_learners[0]
    return learner_reminder_request(actor=director, cohort=cohort, user_id=learner.user_id)


def test_the_resident_receives_the_reminder_with_a_text_and_an_html_part(smtp_server, reminder):
    send_learner_reminder.run(reminder.id)

    learner = reminder.enrolment.user
    course = reminder.enrolment.course
    [received] = smtp_server.received
    assert received.rcpt_tos == [learner.email]
    assert received.message["Subject"] == (f"Reminder from your program director: {course.title}")
    assert received.message["Reply-To"] == "okafor@hospital.example.org"
    text, html = received.part("plain"), received.part("html")
    assert f"Dear {learner.get_full_name()}," in text
    assert "Dr. Samuel Okafor, your program director for PGY-1 residents 2026" in text
    assert "- Module 1: Module 1 (due " in text
    assert "<li>Module 1: Module 1 (due " in html
    assert f'href="https://lms.example.org/courses/{course.slug}/"' in html
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


def test_a_refusal_leaves_the_reminder_unsent_and_the_task_retries(smtp_server, reminder):
    smtp_server.refuse("451 4.3.0 Mail server temporarily rejected message", times=1)

    with pytest.raises(MailNotSent) as raised:
        learner_reminder_deliver(reminder_id=reminder.id)
    assert raised.value.reason.endswith("451 4.3.0 Mail server temporarily rejected message")
    reminder.refresh_from_db()
    assert reminder.sent_at is None
    assert reminder.send_failures == 1
    assert reminder.send_failed_at is not None
    assert reminder.send_error.endswith("451 4.3.0 Mail server temporarily rejected message")
    assert smtp_server.received == []

    # As a worker runs it, retries included: the server takes the second try.
    smtp_server.refuse("451 4.3.0 Mail server temporarily rejected message", times=1)
    result = send_learner_reminder.apply(args=(reminder.id,))

    assert result.successful()
    assert len(smtp_server.received) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert reminder.send_failures == 2  # both refusals stay on record


def test_staff_see_the_reminders_that_did_not_go_out(smtp_server, reminder, admin_client, caplog):
    smtp_server.stop()
    with pytest.raises(MailNotSent):
        send_learner_reminder.run(reminder.id)
    assert f"Reminder {reminder.id} not sent, to be retried: ConnectionRefusedError" in caplog.text

    unsent = admin_client.get("/admin/courses/learnerreminder/", {"sent": "no"})
    sent = admin_client.get("/admin/courses/learnerreminder/", {"sent": "yes"})

    link = f"/admin/courses/learnerreminder/{reminder.pk}/change/"
    assert unsent.status_code == 200
    assert link in unsent.text
    assert link not in sent.text
    assert "ConnectionRefusedError" in admin_client.get(link).text  # why, for staff
