"""The audit trail of cohort membership and roles: whichever path makes the change (a service,
the admin, the ORM), a row says who, when, what; staff read it, nobody edits it."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEntry
from courses.cohorts.selectors.invitations import invitation_link_token
from courses.cohorts.services.rosters import cohort_learner_add
from courses.models import Cohort, CohortInvitation, Enrolment
from tests.factories import UserFactory, build_course, enrol

pytestmark = pytest.mark.django_db


def trail(*actions: str) -> list[tuple[str, str, str | None, str | None]]:
    entries = AuditEntry.objects.select_related("subject", "actor").order_by("id")
    if actions:
        entries = entries.filter(action__in=actions)
    return [
        (
            e.action,
            e.target,
            e.subject.username if e.subject else None,
            e.actor.username if e.actor else None,
        )
        for e in entries
    ]


@pytest.fixture
def cohorts(db):
    course = build_course(modules=1, questions=1, title="Clinical Leadership Essentials")
    director = UserFactory(username="okafor", full_name="Dr. Samuel Okafor")
    made = []
    for name in ("PGY-1 residents 2026", "Night float 2026"):
        cohort = Cohort.objects.create(
            course=course, name=name, start_date=date(2026, 7, 1), end_date=date(2027, 6, 30)
        )
        cohort.directors.add(director)
        made.append(cohort)
    AuditEntry.objects.all().delete()  # the directors' roles above are not what is tested
    return director, made


def test_accepting_an_invitation_and_moving_cohorts_are_recorded_with_who_did_it(cohorts, client):
    director, (first, second) = cohorts
    resident = UserFactory(username="maya", email="maya@hospital.example.org")
    client.force_login(resident)
    for cohort in (first, second):
        cohort_learner_add(actor=director, cohort=cohort, email=resident.email)
        invitation = CohortInvitation.objects.get(cohort=cohort, email=resident.email)
        token = invitation_link_token(invitation)
        assert client.post(
            reverse("cohort-invitation", args=[token]), {"answer": "accept"}
        ).status_code in (200, 302)

    assert trail() == [
        ("cohort_joined", "PGY-1 residents 2026 (Clinical Leadership Essentials)", "maya", "maya"),
        ("cohort_left", "PGY-1 residents 2026 (Clinical Leadership Essentials)", "maya", "maya"),
        ("cohort_joined", "Night float 2026 (Clinical Leadership Essentials)", "maya", "maya"),
    ]


def test_moving_a_learner_between_cohorts_is_recorded_whatever_the_path(cohorts):
    _, (first, second) = cohorts
    resident = UserFactory(username="maya")
    enrolment = enrol(resident, first.course)
    Enrolment.objects.filter(pk=enrolment.pk).update(cohort=first)  # no signal: set up quietly
    enrolment.refresh_from_db()
    enrolment.cohort = second
    enrolment.save()
    assert trail() == [
        ("cohort_left", "PGY-1 residents 2026 (Clinical Leadership Essentials)", "maya", None),
        ("cohort_joined", "Night float 2026 (Clinical Leadership Essentials)", "maya", None),
    ]


def test_roles_granted_and_removed_from_either_side_are_recorded(cohorts):
    _, (first, _) = cohorts
    directors, _ = Group.objects.get_or_create(name="Program directors")
    nurse = UserFactory(username="nurse-lead")
    directors.user_set.add(nurse)  # from the group's side
    nurse.groups.remove(directors)  # from the user's side
    first.course.instructors.add(nurse)
    nurse.groups.add(directors)
    nurse.groups.clear()
    nurse.is_staff = True
    nurse.save()

    assert [(a, t, s) for a, t, s, _ in trail()] == [
        ("role_granted", "Group: Program directors", "nurse-lead"),
        ("role_removed", "Group: Program directors", "nurse-lead"),
        ("role_granted", "Instructor of Clinical Leadership Essentials", "nurse-lead"),
        ("role_granted", "Group: Program directors", "nurse-lead"),
        ("role_removed", "Group: Program directors", "nurse-lead"),
        ("role_granted", "Staff (the admin)", "nurse-lead"),
    ]


def test_an_admin_edit_of_groups_names_the_admin_as_actor(admin_client, admin_user):
    directors, _ = Group.objects.get_or_create(name="Program directors")
    resident = UserFactory(username="maya", full_name="Maya Okafor")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[resident.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data.update(
        {
            "groups": [directors.pk],
            "date_joined_0": resident.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": resident.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("password", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client.post(reverse("admin:accounts_user_change", args=[resident.pk]), data)
    assert response.status_code == 302, response.content[:2000]
    assert trail("role_granted") == [
        ("role_granted", "Staff (the admin)", admin_user.username, None),
        ("role_granted", "Superuser", admin_user.username, None),
        ("role_granted", "Group: Program directors", "maya", admin_user.username),
    ]


def test_staff_read_the_trail_and_nobody_edits_it(cohorts, admin_client):
    _, (first, _) = cohorts
    first.course.instructors.add(UserFactory(username="teacher"))
    entry = AuditEntry.objects.get(target__startswith="Instructor of")
    listing = admin_client.get(reverse("admin:audit_auditentry_changelist"))
    assert (
        listing.status_code == 200
        and "Instructor of Clinical Leadership Essentials" in listing.text
    )
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_grade_override_a_regrade_and_an_assistant_are_in_the_trail():
    from quizzes.services.attempts import attempt_start, attempt_submit
    from quizzes.services.grade_overrides import attempt_grade_override
    from quizzes.services.grading import attempt_grade
    from quizzes.services.regrade import regrade_request
    from tests.factories import wrong_answers

    course = build_course(modules=1, questions=2, title="Clinical Leadership Essentials")
    instructor = UserFactory(username="adeyemi")
    course.instructors.add(instructor)
    resident = UserFactory(username="maya")
    enrol(resident, course)
    quiz = course.modules.get().quizzes.get()
    attempt, _ = attempt_start(user=resident, quiz=quiz)
    attempt_submit(user=resident, attempt_id=attempt.id, responses=wrong_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    AuditEntry.objects.all().delete()

    attempt_grade_override(
        actor=instructor,
        attempt_id=attempt.id,
        score="1",
        reason="The second option is also defensible after the guideline update.",
    )
    regrade_request(actor=instructor, quiz=quiz, reason="Key corrected for question 2.")
    course.assistants.add(UserFactory(username="chief-resident"))

    assert trail() == [
        ("grade_changed", f"{quiz.title}, attempt 1", "maya", "adeyemi"),
        ("regraded", quiz.title, None, "adeyemi"),
        (
            "role_granted",
            "Teaching assistant of Clinical Leadership Essentials",
            "chief-resident",
            None,
        ),
    ]
    override = AuditEntry.objects.get(action="grade_changed")
    assert override.reason.startswith("The second option")
    assert (override.details["old_score"], override.details["new_score"]) == ("0.00", "1.00")
