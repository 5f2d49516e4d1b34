"""A cohort invitation through a real SMTP server on loopback: what the person invited
receives, and a refusing server, after which the invitation stays unsent with the failure
recorded, the task retries, the sweeper sends it again later, and staff see why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.cohorts.services.invitations import cohort_invitation_send
from courses.cohorts.services.rosters import cohort_learner_add
from courses.models import CohortInvitation
from lms.mail import MailNotSent
from tasks.enqueue import SEND_COHORT_INVITATION
from tasks.reports import send_cohort_invitation, sweep_unsent_invitations

pytestmark = pytest.mark.django_db

REFUSAL = "452 4.2.2 Mailbox full"


@pytest.fixture
def invitation(director, cohort, settings) -> CohortInvitation:
    settings.SITE_URL = "https://lms.example.org"
    director.email = "okafor@hospital.example.org"
    director.save()
    cohort_learner_add(
        actor=director, cohort=cohort, email="noor@hospital.example.org", full_name="Noor Haddad"
    )
    return CohortInvitation.objects.get(cohort=cohort)


def test_the_person_invited_receives_a_text_and_an_html_part(smtp_server, invitation):
    send_cohort_invitation.run(invitation.id)

    [received] = smtp_server.received
    assert received.rcpt_tos == ["noor@hospital.example.org"]
    assert received.message["Reply-To"] == "okafor@hospital.example.org"
    assert received.message["Subject"].startswith("You are invited to ")
    assert "Dear Noor Haddad," in received.part("plain")
    assert "Choose my password and join" in received.part("html")
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.send_failures == 0


def test_a_refusal_records_the_failure_and_the_task_retries_until_it_goes(smtp_server, invitation):
    smtp_server.refuse(REFUSAL, times=1)
    with pytest.raises(MailNotSent):
        cohort_invitation_send(invitation_id=invitation.id)

    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert invitation.send_failures == 1
    assert invitation.send_error == f"Recipient refused: noor@hospital.example.org: {REFUSAL}"
    assert smtp_server.received == []

    smtp_server.refuse(REFUSAL, times=1)
    result = send_cohort_invitation.apply(args=(invitation.id,))  # retries, without delays

    assert result.successful()
    assert len(smtp_server.received) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.send_failures == 2


def test_after_its_retries_the_sweeper_sends_it_again_and_staff_see_why(
    smtp_server, invitation, sends, django_capture_on_commit_callbacks, admin_client
):
    smtp_server.refuse(REFUSAL)
    result = send_cohort_invitation.apply(args=(invitation.id,))
    assert result.failed()
    invitation.refresh_from_db()
    assert invitation.send_failures == 6  # the first try and five retries

    unsent = admin_client.get("/admin/courses/cohortinvitation/", {"sent": "no"})
    detail = admin_client.get(f"/admin/courses/cohortinvitation/{invitation.pk}/change/")
    assert "noor@hospital.example.org" in unsent.text
    assert "Mailbox full" in detail.text
    assert invitation.token not in detail.text  # the link's secret stays out of the admin

    # A fresh invitation is left to its task; an older one is swept and sent again.
    with django_capture_on_commit_callbacks(execute=True):
        sweep_unsent_invitations.run()
    assert SEND_COHORT_INVITATION not in sends
    CohortInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_unsent_invitations.run()
    sends[SEND_COHORT_INVITATION].assert_called_once_with(invitation.id)

    smtp_server.refuse(None)
    send_cohort_invitation.run(invitation.id)
    assert len(smtp_server.received) == 1


def test_an_answered_or_expired_invitation_is_not_swept(invitation, sends):
    old = timezone.now() - timedelta(days=31)
    CohortInvitation.objects.filter(pk=invitation.pk).update(created_at=old)
    sweep_unsent_invitations.run()
    assert SEND_COHORT_INVITATION not in sends
