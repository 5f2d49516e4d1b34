"""The "certificate ready" e-mail through a real SMTP server on loopback: what the learner
receives, and a refusing server, after which nothing says "e-mailed", the task retries, the
sweeper sends it again later and staff see what failed and why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent
from certificates.services.issue import certificate_issue
from certificates.services.notify import certificate_notify
from lms.mail import MailNotSent
from tasks.certificates import notify_certificate_ready, sweep_certificate_work
from tasks.enqueue import NOTIFY_CERTIFICATE_READY

pytestmark = pytest.mark.django_db

REFUSAL = "550 5.1.1 <learner@example.org>: mailbox unavailable"


@pytest.fixture
def ready(completed) -> Certificate:
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None and certificate.status == Certificate.Status.READY
    return certificate


def _emailed(certificate) -> int:
    return certificate.events.filter(kind=CertificateEvent.Kind.EMAILED).count()


def test_the_learner_receives_the_notice_with_a_text_and_an_html_part(smtp_server, ready):
    notify_certificate_ready.run(ready.id)

    [received] = smtp_server.received
    assert received.rcpt_tos == ["learner@example.org"]
    assert received.message["To"] == "learner@example.org"
    assert received.message["Subject"] == f"Your certificate for {ready.course_title} is ready"
    text, html = received.part("plain"), received.part("html")
    assert "Dear Alex Rivera," in text
    assert f"https://lms.example.org/verify/{ready.code}/" in text
    assert "Credit claimed: 1.75 AMA PRA Category 1 Credit\u2122" in text
    assert ready.number in text
    assert f'href="https://lms.example.org/verify/{ready.code}/"' in html
    assert 'href="https://lms.example.org/me/certificates/"' in html
    assert ready.number in html
    ready.refresh_from_db()
    assert ready.notified_at is not None
    assert ready.notice_failures == 0
    assert _emailed(ready) == 1


def test_a_refusal_records_no_delivery_but_the_failure_and_raises(smtp_server, ready):
    smtp_server.refuse(REFUSAL)

    with pytest.raises(MailNotSent):
        certificate_notify(certificate_id=ready.id)

    ready.refresh_from_db()
    assert ready.notified_at is None
    assert _emailed(ready) == 0
    assert ready.notice_failures == 1
    assert ready.notice_failed_at is not None
    assert ready.notice_error == f"Recipient refused: learner@example.org: {REFUSAL}"
    assert smtp_server.received == []


def test_the_task_retries_until_the_server_takes_the_message(smtp_server, ready):
    smtp_server.refuse(REFUSAL, times=2)

    # apply() runs the task here as a worker would, retries included (without their delays).
    result = notify_certificate_ready.apply(args=(ready.id,))

    assert result.successful()
    assert len(smtp_server.received) == 1
    ready.refresh_from_db()
    assert ready.notified_at is not None
    assert ready.notice_failures == 2  # both refusals stay on record
    assert _emailed(ready) == 1


def test_after_its_retries_the_task_fails_and_the_sweeper_sends_it_again_later(
    smtp_server, ready, sends, django_capture_on_commit_callbacks
):
    smtp_server.refuse(REFUSAL)

    result = notify_certificate_ready.apply(args=(ready.id,))

    assert result.failed()
    assert isinstance(result.result, MailNotSent)
    ready.refresh_from_db()
    assert ready.notice_failures == 6  # the first try and max_retries (5) retries
    assert notify_certificate_ready.max_retries == 5
    assert ready.notified_at is None
    assert _emailed(ready) == 0

    # Minutes later, the sweeper finds it unsent and sends the task again; the server is back.
    Certificate.objects.filter(pk=ready.pk).update(
        rendered_at=timezone.now() - timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_certificate_work.run()
    sends[NOTIFY_CERTIFICATE_READY].assert_called_once_with(ready.id)
    smtp_server.refuse(None)
    notify_certificate_ready.run(ready.id)

    assert len(smtp_server.received) == 1
    ready.refresh_from_db()
    assert ready.notified_at is not None
    assert _emailed(ready) == 1


def test_staff_see_in_the_admin_which_notices_failed_and_why(smtp_server, ready, admin_client):
    smtp_server.refuse(REFUSAL)
    with pytest.raises(MailNotSent):
        certificate_notify(certificate_id=ready.id)

    failed = admin_client.get("/admin/certificates/certificate/", {"notice": "failed"})
    sent = admin_client.get("/admin/certificates/certificate/", {"notice": "sent"})
    detail = admin_client.get(f"/admin/certificates/certificate/{ready.pk}/change/")

    assert failed.status_code == 200
    assert ready.code in failed.text
    assert "Not sent: 1 failed attempt(s), the last at " in failed.text
    assert "mailbox unavailable" in failed.text
    assert ready.code not in sent.text
    assert "mailbox unavailable" in detail.text
