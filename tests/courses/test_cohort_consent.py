"""Cohort membership with consent (issue 18, point 1): a director's roster invites; the person
accepts or declines; nothing about an account shows before they accept; a learner in another
cohort moves only by accepting; a director sees attempts only in their cohort's course."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from courses.cohorts.selectors.dashboard import cohort_progress
from courses.cohorts.selectors.exports import cohort_attempt_rows
from courses.cohorts.selectors.invitations import invitation_from_link, invitation_link_token
from courses.cohorts.selectors.learners import cohort_learner_attempts
from courses.cohorts.services.extensions import due_date_extension_grant
from courses.cohorts.services.invitations import (
    cohort_invitation_accept,
    cohort_invitation_answer_by_link,
    cohort_invitation_decline,
    cohort_invitation_send,
)
from courses.cohorts.services.rosters import (
    cohort_learner_add,
    cohort_roster_import,
    cohort_roster_preview,
)
from courses.models import Cohort, CohortInvitation, DueDateExtension, Enrolment
from lms.errors import ApplicationError, NotFound
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.factories import UserFactory, build_course, enrol, right_answers

pytestmark = pytest.mark.django_db

User = get_user_model()


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def invite(director, cohort, email: str, full_name: str = "") -> CohortInvitation:
    cohort_learner_add(actor=director, cohort=cohort, email=email, full_name=full_name)
    return CohortInvitation.objects.get(cohort=cohort, email=email)


def graded_attempt(user, course):
    quiz = course.modules.get(position=1).quizzes.get()
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    return attempt


@pytest.fixture
def other_cohort(course, other_director):
    """Another director's cohort of the same course."""
    other = Cohort.objects.create(
        course=course,
        name="Night float 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    other.directors.add(other_director)
    return other


# --- nothing shows before they accept ------------------------------------------------------------


def test_an_invited_account_is_nowhere_in_the_cohort_until_it_accepts(director, cohort, learner):
    enrol(learner, cohort.course)
    graded_attempt(learner, cohort.course)
    invitation = invite(director, cohort, "learner@example.org")

    progress = cohort_progress(cohort=cohort)
    assert (progress.learner_count, progress.at_risk) == (0, [])
    with pytest.raises(NotFound):
        cohort_learner_attempts(cohort=cohort, user_id=learner.id)
    assert cohort_attempt_rows(cohort=cohort)[0] == 0

    cohort_invitation_accept(user=learner, invitation_id=invitation.id)

    progress = cohort_progress(cohort=cohort)
    assert [row.name for row in progress.learners] == ["Alex Rivera"]
    assert cohort_learner_attempts(cohort=cohort, user_id=learner.id).count() == 1
    assert cohort_attempt_rows(cohort=cohort)[0] == 1


def test_the_preview_reads_the_same_for_any_address(director, cohort, learner, other_cohort):
    """An account in another cohort, a deactivated one, one address shared by two accounts,
    and an unknown address: every line reads the same, and none shows an account's name."""
    moved = UserFactory(username="moved", full_name="Morgan Reyes", email="moved@example.org")
    Enrolment.objects.create(user=moved, course=cohort.course, cohort=other_cohort)
    UserFactory(username="gone", full_name="Gone Person", email="gone@example.org", is_active=False)
    UserFactory(username="twin1", full_name="Twin One", email="twin@example.org")
    UserFactory(username="twin2", full_name="Twin Two", email="TWIN@example.org")
    addresses = [
        "learner@example.org",
        "moved@example.org",
        "gone@example.org",
        "twin@example.org",
        "nobody@hospital.example.org",
    ]

    plan = cohort_roster_preview(
        actor=director,
        cohort=cohort,
        data=csv_bytes("email,full_name", *(f"{a},Given Name" for a in addresses)),
    )

    assert {(r.action, r.note, r.full_name, tuple(r.messages)) for r in plan.rows} == {
        (
            "invite",
            "An invitation will be e-mailed; they join the cohort once they accept.",
            "Given Name",
            (),
        )
    }
    # The same without a name: nobody's line needs one, account or not.
    plan = cohort_roster_preview(actor=director, cohort=cohort, data=csv_bytes("email", *addresses))
    assert {(r.action, r.full_name, tuple(r.messages)) for r in plan.rows} == {("invite", "", ())}


def test_an_address_with_no_account_given_no_name_is_asked_for_it_on_accepting(
    director, cohort, client, settings
):
    settings.SITE_URL = "https://lms.example.org"
    invitation = invite(director, cohort, "wen.li@hospital.example.org")
    assert cohort_invitation_send(invitation_id=invitation.id)
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.body.startswith("Hello,")
    found = re.search(r"https://lms\.example\.org(/invitations/\S+/)", str(message.body))
    assert found is not None

    page = client.get(found.group(1), follow=True)
    assert "Full name" in page.text
    form_url = page.redirect_chain[-1][0]
    refused = client.post(
        form_url,
        {"full_name": " ", "new_password1": "rounds-2026-x", "new_password2": "rounds-2026-x"},
    )
    assert refused.status_code == 200 and "This field is required." in refused.text
    client.post(
        form_url,
        {
            "full_name": "Wen  Li",
            "new_password1": "rounds-2026-x",
            "new_password2": "rounds-2026-x",
        },
    )

    user = User.objects.get(email="wen.li@hospital.example.org")
    assert user.full_name == "Wen Li"
    assert Enrolment.objects.get(user=user).cohort == cohort


# --- the e-mail link: accept or decline ---------------------------------------------------------


def test_an_existing_account_accepts_from_the_emails_link(
    director, cohort, learner, client, settings
):
    settings.SITE_URL = "https://lms.example.org"
    invitation = invite(director, cohort, "learner@example.org", "A Name The Director Typed")
    assert cohort_invitation_send(invitation_id=invitation.id) is True

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["learner@example.org"]
    assert "Dear Alex Rivera," in message.body
    assert "You join only if you accept." in message.body
    assert "username" not in message.body  # no password to choose: they have an account
    (html, kind), *_ = message.alternatives
    assert isinstance(html, str)
    assert kind == "text/html" and "Accept or decline" in html
    found = re.search(r"https://lms\.example\.org(/cohort-invitations/\S+/)", str(message.body))
    assert found is not None
    link = found.group(1)
    assert f'href="https://lms.example.org{link}"' in html

    # Opening the link answers nothing (mail scanners open links); the buttons do.
    page = client.get(link)
    assert page.status_code == 200
    assert "Accept and join" in page.text and "Decline" in page.text
    assert not Enrolment.objects.filter(user=learner).exists()
    done = client.post(link, {"answer": "accept"}, follow=True)
    assert "You joined PGY-1 residents 2026" in done.text
    assert Enrolment.objects.get(user=learner).cohort == cohort
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_at is not None) == ("accepted", True)
    # Sent once; answered once.
    assert cohort_invitation_send(invitation_id=invitation.id) is False
    assert "This invitation was accepted" in client.get(link).text


def test_declining_leaves_the_person_out_and_the_director_sees_only_declined(
    director, cohort, learner, client
):
    invitation = invite(director, cohort, "learner@example.org")
    link = f"/cohort-invitations/{invitation_link_token(invitation)}/"

    client.post(link, {"answer": "decline"})

    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Enrolment.objects.filter(user=learner).exists()
    client.force_login(director)
    page = client.get(f"/cohorts/{cohort.id}/learners/")
    assert "learner@example.org" in page.text and "Declined" in page.text
    assert "Alex Rivera" not in page.text
    with pytest.raises(ApplicationError) as answered:
        cohort_invitation_accept(user=learner, invitation_id=invitation.id)
    assert answered.value.code == "invitation_answered"


def test_a_declined_address_can_be_invited_again_with_a_new_link(director, cohort, learner):
    invitation = invite(director, cohort, "learner@example.org")
    old_token = invitation_link_token(invitation)
    cohort_invitation_decline(user=learner, invitation_id=invitation.id)

    again = invite(director, cohort, "learner@example.org")

    assert (again.id, again.status, again.responded_at) == (invitation.id, "invited", None)
    with pytest.raises(NotFound):
        invitation_from_link(token=old_token)
    assert invitation_from_link(token=invitation_link_token(again)) == again


def test_a_tampered_or_expired_link_answers_nothing(director, cohort, learner, client):
    invitation = invite(director, cohort, "learner@example.org")
    token = invitation_link_token(invitation)

    assert client.post(f"/cohort-invitations/{token}x/", {"answer": "accept"}).status_code == 404
    forged = signing.TimestampSigner(salt="courses.cohort-invitation").sign(
        f"{invitation.id}.guess"
    )
    assert client.post(f"/cohort-invitations/{forged}/", {"answer": "accept"}).status_code == 404
    later = timezone.now() + timedelta(days=31)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: later.timestamp())
        expired = client.post(f"/cohort-invitations/{token}/", {"answer": "accept"})
    assert expired.status_code == 410
    assert not Enrolment.objects.filter(user=learner).exists()


def test_only_the_invitee_answers(director, cohort, learner, other_learner):
    invitation = invite(director, cohort, "learner@example.org")
    for answer in (cohort_invitation_accept, cohort_invitation_decline):
        with pytest.raises(NotFound):
            answer(user=other_learner, invitation_id=invitation.id)
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_an_address_several_accounts_share_is_answered_by_the_one_signed_in(director, cohort):
    first = UserFactory(username="twin1", email="twin@example.org")
    UserFactory(username="twin2", email="Twin@Example.org")
    invitation = invite(director, cohort, "twin@example.org")
    assert invitation.user is None

    with pytest.raises(ApplicationError) as refused:
        cohort_invitation_answer_by_link(invitation=invitation, accept=True)
    assert refused.value.code == "sign_in_to_answer"
    cohort_invitation_accept(user=first, invitation_id=invitation.id)

    assert Enrolment.objects.get(cohort=cohort).user == first


def test_a_deactivated_account_is_invited_like_anyone_but_never_mailed(director, cohort):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    invitation = invite(director, cohort, "gone@example.org")

    assert invitation.status == "invited"
    assert cohort_invitation_send(invitation_id=invitation.id) is False
    assert mail.outbox == []


# --- moving from another director's cohort ------------------------------------------------------


def test_a_learner_in_another_cohort_moves_only_by_accepting(
    director, cohort, learner, other_cohort, other_director
):
    enrolment = enrol(learner, cohort.course)
    enrolment.cohort = other_cohort
    enrolment.save(update_fields=["cohort"])
    m1 = cohort.course.modules.get(position=1)
    due_date_extension_grant(
        actor=other_director,
        cohort=other_cohort,
        user_id=learner.id,
        module_id=m1.id,
        due_on=date(2027, 3, 1),
    )
    invitation = invite(director, cohort, "learner@example.org")

    # Until they accept they stay where they are, and the inviting director sees nothing.
    enrolment.refresh_from_db()
    assert enrolment.cohort == other_cohort
    assert [r.user_id for r in cohort_progress(cohort=other_cohort).learners] == [learner.id]
    assert cohort_progress(cohort=cohort).learners == []

    cohort_invitation_accept(user=learner, invitation_id=invitation.id)

    enrolment.refresh_from_db()
    assert enrolment.cohort == cohort
    assert cohort_progress(cohort=other_cohort).learners == []
    assert [r.user_id for r in cohort_progress(cohort=cohort).learners] == [learner.id]
    # The other cohort's extension does not follow them into this one.
    assert not DueDateExtension.objects.filter(enrolment=enrolment).exists()


def test_a_roster_never_moves_anyone_out_of_another_cohort(director, cohort, learner, other_cohort):
    Enrolment.objects.create(user=learner, course=cohort.course, cohort=other_cohort)

    plan = cohort_roster_import(
        actor=director, cohort=cohort, data=csv_bytes("email", "learner@example.org")
    )

    assert [r.action for r in plan.rows] == ["invite"]
    assert Enrolment.objects.get(user=learner).cohort == other_cohort


def test_a_course_unpublished_meanwhile_cannot_be_joined(director, cohort, learner):
    invitation = invite(director, cohort, "learner@example.org")
    cohort.course.status = "draft"
    cohort.course.save(update_fields=["status"])

    with pytest.raises(ApplicationError) as refused:
        cohort_invitation_accept(user=learner, invitation_id=invitation.id)

    assert refused.value.code == "course_not_published"
    invitation.refresh_from_db()
    assert invitation.status == "invited"


# --- attempts: only in the cohort's course ------------------------------------------------------


def test_a_directors_view_of_attempts_stays_in_the_cohorts_course(director, cohort, learner):
    elsewhere = build_course(modules=1, questions=2, title="Ethics Rounds", slug="ethics-rounds")
    enrol(learner, elsewhere)
    graded_attempt(learner, elsewhere)
    invitation = invite(director, cohort, "learner@example.org")
    cohort_invitation_accept(user=learner, invitation_id=invitation.id)
    here = graded_attempt(learner, cohort.course)

    attempts = cohort_learner_attempts(cohort=cohort, user_id=learner.id)

    assert [a.id for a in attempts] == [here.id]
    count, rows = cohort_attempt_rows(cohort=cohort)
    assert count == 1 and [(r[1], r[4]) for r in rows] == [("learner@example.org", here.quiz.title)]
