"""The learner hears about it: one e-mail when the certificate is ready, with the verify link."""

from unittest import mock

import pytest
from django.core import mail

from certificates.models import Certificate, CertificateEvent
from certificates.services.issue import certificate_issue
from certificates.services.notify import certificate_notify
from lms.mail import MailNotSent
from tasks.certificates import notify_certificate_ready
from tests.api.helpers import sent_tasks

pytestmark = pytest.mark.django_db

NOTIFY = "tasks.certificates.notify_certificate_ready"


def test_rendering_enqueues_the_e_mail_on_commit(completed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = certificate_issue(enrolment_id=completed.id)
        assert certificate is not None

    assert sent_tasks(callbacks) == [(NOTIFY, (certificate.id,))]
    assert mail.outbox == []  # the worker sends it, not the render


def test_the_e_mail_names_the_course_and_carries_the_verify_link(completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    assert notify_certificate_ready.run(certificate.id) is None

    [message] = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == ["learner@example.org"]
    assert message.subject == f"Your certificate for {certificate.course_title} is ready"
    assert f"https://lms.example.org/verify/{certificate.code}/" in message.body
    assert "https://lms.example.org/me/certificates/" in message.body
    assert "Credit claimed: 1.75 AMA PRA Category 1 Credit\u2122" in message.body
    assert certificate.number in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert f'href="https://lms.example.org/verify/{certificate.code}/"' in str(html)
    certificate.refresh_from_db()
    assert certificate.notified_at is not None
    assert certificate.events.filter(kind=CertificateEvent.Kind.EMAILED).count() == 1


def test_the_e_mail_goes_once_however_often_the_task_runs(completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    assert certificate_notify(certificate_id=certificate.id) is True
    assert certificate_notify(certificate_id=certificate.id) is False

    assert len(mail.outbox) == 1


def test_no_e_mail_for_a_certificate_that_is_not_ready(completed):
    certificate = Certificate.objects.create(
        enrolment=completed,
        learner_name="Alex Rivera",
        course_title="x",
        completed_on=completed.completed_at.date(),
    )

    assert certificate_notify(certificate_id=certificate.id) is False

    assert mail.outbox == []


def test_a_mail_server_failure_leaves_the_certificate_unnotified_for_the_retry(completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    with (
        mock.patch("lms.mail.mail_send", side_effect=MailNotSent("421 Try later")),
        pytest.raises(OSError),
    ):
        certificate_notify(certificate_id=certificate.id)

    certificate.refresh_from_db()
    assert certificate.notified_at is None
    assert (certificate.notice_failures, certificate.notice_error) == (1, "421 Try later")
    assert certificate_notify(certificate_id=certificate.id) is True
    assert len(mail.outbox) == 1
