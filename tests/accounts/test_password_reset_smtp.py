"""The password reset e-mail through a real SMTP server on loopback, sent by its task: both
parts with a working link, and a refusing server retried rather than lost."""

import re

import pytest
from django.core.cache import cache

from accounts.services.passwords import password_reset_mail_send
from lms.mail import MailNotSent
from tasks.accounts import send_password_reset
from tasks.enqueue import SEND_PASSWORD_RESET
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(settings):
    settings.SITE_URL = "https://lms.example.org"
    cache.clear()
    yield UserFactory(username="maya", full_name="Maya Okafor", email="maya@hospital.org")
    cache.clear()


def test_the_page_enqueues_the_e_mail_and_the_task_sends_both_parts(
    client, resident, smtp_server, sends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password-reset/", {"email": "maya@hospital.org"})
    sends[SEND_PASSWORD_RESET].assert_called_once_with(resident.pk)
    assert smtp_server.received == []  # nothing is sent while the page answers

    send_password_reset.run(resident.pk)

    [received] = smtp_server.received
    assert received.rcpt_tos == ["maya@hospital.org"]
    assert received.message["Subject"] == "Reset your Leadership in Medicine password"
    text = received.part("plain")
    assert "Your username is maya." in text
    link = re.search(r"https://lms\.example\.org(/reset/\S+/\S+/)", text)
    assert link is not None
    assert link.group(1) in received.part("html")
    assert "Choose a new password" in client.get(link.group(1), follow=True).text


def test_a_refusing_server_is_retried_until_it_takes_the_message(resident, smtp_server):
    smtp_server.refuse("421 4.7.0 Try again later", times=2)
    with pytest.raises(MailNotSent):
        password_reset_mail_send(user_id=resident.pk)

    smtp_server.refuse("421 4.7.0 Try again later", times=1)
    result = send_password_reset.apply(args=(resident.pk,))

    assert result.successful()
    assert len(smtp_server.received) == 1


def test_an_account_closed_meanwhile_gets_nothing(resident, smtp_server):
    resident.is_active = False
    resident.save()
    assert password_reset_mail_send(user_id=resident.pk) is False
    assert smtp_server.received == []
