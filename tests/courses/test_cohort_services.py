"""Cohort services: creating cohorts, adding learners (one, or a CSV roster), due dates."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from courses.cohorts.selectors.access import PROGRAM_DIRECTORS_GROUP
from courses.cohorts.services.cohorts import cohort_create
from courses.cohorts.services.due_dates import cohort_due_dates_set
from courses.cohorts.services.invitations import cohort_invitation_accept, cohort_invitation_send
from courses.cohorts.services.rosters import (
    cohort_learner_add,
    cohort_roster_import,
    cohort_roster_preview,
)
from courses.models import (
    Cohort,
    CohortInvitation,
    Course,
    Enrolment,
    ModuleDueDate,
    ModuleProgress,
)
from lms.errors import ApplicationError, Conflict, PermissionDenied
from tests.api.helpers import sent_tasks
from tests.factories import UserFactory, build_course, enrol

pytestmark = pytest.mark.django_db

User = get_user_model()
INVITE = "tasks.reports.send_cohort_invitation"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --- creating cohorts ---------------------------------------------------------------------------


@pytest.fixture
def group_member(outsider):
    """Someone staff added to the Program directors group, which every install has."""
    outsider.groups.add(Group.objects.get(name=PROGRAM_DIRECTORS_GROUP))
    return User.objects.get(pk=outsider.pk)  # permissions are cached per instance


# The director fixture holds the right itself; joining the group is how staff grant it.
@pytest.mark.parametrize("persona", ["director", "group_member"])
def test_a_program_director_creates_a_cohort_and_directs_it(request, persona, course):
    director = request.getfixturevalue(persona)
    cohort = cohort_create(
        actor=director,
        course=course,
        name="  PGY-2   residents 2027 ",
        start_date=date(2027, 7, 1),
        end_date=date(2028, 6, 30),
        inactivity_days=21,
    )
    assert cohort.name == "PGY-2 residents 2027"
    assert list(cohort.directors.all()) == [director]
    assert (cohort.course, cohort.inactivity_days) == (course, 21)


@pytest.mark.parametrize("persona", ["learner", "instructor", "outsider"])
def test_without_the_directors_right_creating_a_cohort_is_refused(
    request, persona, course, unchanged
):
    user = request.getfixturevalue(persona)
    error = unchanged(
        lambda: cohort_create(
            actor=user,
            course=course,
            name="Nursing leadership fellows",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 12, 31),
        ),
        PermissionDenied,
    )
    assert error.status == 403


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"start_date": date(2027, 7, 1), "end_date": date(2027, 6, 30)},
            "end_date",
            "The cohort must end on or after the day it starts.",
        ),
        ({"name": "   "}, "name", "Give the cohort a name."),
        (
            {"name": "pgy-1 RESIDENTS 2026"},
            "name",
            "This course already has a cohort called “pgy-1 RESIDENTS 2026”.",
        ),
        ({"inactivity_days": 0}, "inactivity_days", "Choose between 1 and 365 days."),
    ],
)
def test_bad_cohort_details_are_refused_with_the_field_named(
    director, course, cohort, unchanged, fields, field, message
):
    values = {
        "name": "Chief residents 2027",
        "start_date": date(2027, 7, 1),
        "end_date": date(2028, 6, 30),
        **fields,
    }
    error = unchanged(
        lambda: cohort_create(actor=director, course=course, **values), ApplicationError
    )
    assert error.details[field] == [message]
    assert error.message == message


def test_a_cohort_cannot_follow_a_draft_course(director, unchanged):
    draft = build_course(modules=1, status=Course.Status.DRAFT)
    error = unchanged(
        lambda: cohort_create(
            actor=director,
            course=draft,
            name="Draft followers",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 2, 1),
        ),
        ApplicationError,
    )
    assert error.code == "course_not_published"


# --- adding learners one by one ----------------------------------------------------------------


def test_an_unknown_address_gets_an_account_and_an_invitation_but_no_cohort_yet(
    director, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = cohort_learner_add(
            actor=director,
            cohort=cohort,
            email=" Noor.Haddad@Hospital.example.org ",
            full_name=" Noor  Haddad ",
        )

    user = User.objects.get(email="noor.haddad@hospital.example.org")
    assert (user.username, user.full_name) == ("noor.haddad@hospital.example.org", "Noor Haddad")
    assert not user.has_usable_password()
    # They join when they accept (choosing their password): nothing in the cohort until then.
    assert not Enrolment.objects.filter(user=user).exists()
    invitation = CohortInvitation.objects.get(cohort=cohort)
    assert (invitation.email, invitation.user, invitation.new_account, invitation.status) == (
        "noor.haddad@hospital.example.org",
        user,
        True,
        "invited",
    )
    assert invitation.invited_by == director
    assert (row.action, row.email, row.full_name) == (
        "invite",
        "noor.haddad@hospital.example.org",
        "Noor Haddad",
    )
    # The invitation leaves through the reports queue once the transaction has committed.
    assert sent_tasks(callbacks) == [(INVITE, (invitation.id,))]


def test_the_invitation_links_to_a_page_that_sets_the_password_and_joins_the_cohort(
    director, cohort, client, settings
):
    settings.SITE_URL = "https://lms.example.org"
    cohort_learner_add(
        actor=director, cohort=cohort, email="noor@hospital.example.org", full_name="Noor Haddad"
    )
    invitation = CohortInvitation.objects.get(cohort=cohort)

    assert cohort_invitation_send(invitation_id=invitation.id) is True

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["noor@hospital.example.org"]
    assert message.subject == f"You are invited to {cohort.course.title} with {cohort.name}"
    assert "Dear Noor Haddad," in message.body
    assert "Dr. Samuel Okafor invited you to join PGY-1 residents 2026" in message.body
    assert "username: noor@hospital.example.org" in message.body
    assert isinstance(message.body, str)
    (html, kind), *_ = message.alternatives
    assert isinstance(html, str)
    assert kind == "text/html" and "Choose my password and join" in html
    found = re.search(r"https://lms\.example\.org(/invitations/\S+/)", str(message.body))
    assert found is not None
    link = found.group(1)

    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "Choose your password" in page.text
    assert "Welcome, Noor Haddad" in page.text
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": "sbar-handover-2026", "new_password2": "sbar-handover-2026"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/"
    assert "Your password is set. Welcome! You joined PGY-1 residents 2026." in done.text
    user = User.objects.get(email="noor@hospital.example.org")
    assert user.check_password("sbar-handover-2026")
    assert Enrolment.objects.get(user=user).cohort == cohort
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    # Used once: the link is now dead, and no second invitation goes out.
    assert "no longer valid" in client.get(link, follow=True).text
    assert cohort_invitation_send(invitation_id=invitation.id) is False
    assert len(mail.outbox) == 1


def test_an_existing_account_is_invited_not_enrolled_and_its_name_is_not_shown(
    director, cohort, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = cohort_learner_add(actor=director, cohort=cohort, email="LEARNER@example.org")

    assert (row.action, row.email, row.full_name) == ("invite", "learner@example.org", "")
    assert not Enrolment.objects.filter(user=learner).exists()
    invitation = CohortInvitation.objects.get(cohort=cohort)
    assert (invitation.user, invitation.new_account) == (learner, False)
    assert sent_tasks(callbacks) == [(INVITE, (invitation.id,))]


def test_an_enrolled_learner_without_a_cohort_joins_it_on_accepting(director, cohort, learner):
    enrolment = enrol(learner, cohort.course)
    progress_rows = list(enrolment.module_progress.values_list("id", flat=True))

    cohort_learner_add(actor=director, cohort=cohort, email="learner@example.org")
    enrolment.refresh_from_db()
    assert enrolment.cohort is None
    cohort_invitation_accept(
        user=learner, invitation_id=CohortInvitation.objects.get(cohort=cohort).id
    )

    enrolment.refresh_from_db()
    assert enrolment.cohort == cohort
    assert list(enrolment.module_progress.values_list("id", flat=True)) == progress_rows


def test_adding_someone_invited_or_in_the_cohort_is_a_conflict(
    director, cohort, learner, unchanged
):
    cohort_learner_add(actor=director, cohort=cohort, email="learner@example.org")
    error = unchanged(
        lambda: cohort_learner_add(actor=director, cohort=cohort, email="learner@example.org"),
        Conflict,
    )
    assert (error.code, error.message) == (
        "already_invited",
        "learner@example.org has been invited already and has not answered yet.",
    )
    cohort_invitation_accept(
        user=learner, invitation_id=CohortInvitation.objects.get(cohort=cohort).id
    )
    error = unchanged(
        lambda: cohort_learner_add(actor=director, cohort=cohort, email="learner@example.org"),
        Conflict,
    )
    assert (error.code, error.message) == (
        "already_in_cohort",
        "learner@example.org is already in this cohort.",
    )


@pytest.mark.parametrize(
    ("email", "field", "message"),
    [
        ("not-an-address", "email", "“not-an-address” is not a valid email address."),
        ("", "email", "The email address is missing."),
    ],
)
def test_bad_learner_details_are_refused(director, cohort, unchanged, email, field, message):
    error = unchanged(
        lambda: cohort_learner_add(
            actor=director, cohort=cohort, email=email, full_name="Noor Haddad"
        ),
        ApplicationError,
    )
    assert error.details == {field: [message]}


def test_a_learner_in_another_cohort_of_the_course_is_invited_and_stays_until_they_accept(
    director, cohort, learner
):
    other = Cohort.objects.create(
        course=cohort.course,
        name="PGY-2 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    enrolment = enrol(learner, cohort.course)
    enrolment.cohort = other
    enrolment.save(update_fields=["cohort"])

    row = cohort_learner_add(actor=director, cohort=cohort, email="learner@example.org")

    assert (row.action, row.messages, row.note) == (
        "invite",
        [],
        "An invitation will be e-mailed; they join the cohort once they accept.",
    )
    enrolment.refresh_from_db()
    assert enrolment.cohort == other


@pytest.mark.parametrize("persona", ["instructor", "other_director", "learner"])
def test_only_the_cohorts_directors_add_learners(request, persona, cohort, unchanged):
    user = request.getfixturevalue(persona)
    error = unchanged(
        lambda: cohort_learner_add(
            actor=user, cohort=cohort, email="noor@hospital.example.org", full_name="Noor Haddad"
        ),
        PermissionDenied,
    )
    assert error.message == "Only the cohort's directors can change it."


# --- CSV rosters -------------------------------------------------------------------------------


def test_the_preview_says_what_each_line_would_do_and_writes_nothing(
    director, cohort, learner, other_learner, unchanged
):
    enrolment = enrol(other_learner, cohort.course)
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    roster = csv_bytes(
        "email,full_name",
        "amara.nwosu@hospital.example.org,Amara Nwosu",
        "learner@example.org,",
        "other@example.org,Jordan Lee",
        "AMARA.NWOSU@hospital.example.org,Amara Nwosu",
        "hiroshi.tanaka@hospital,Hiroshi Tanaka",
        "",
        "chloe.dubois@hospital.example.org,",
    )
    plan = unchanged(lambda: cohort_roster_preview(actor=director, cohort=cohort, data=roster))

    assert [(r.line, r.email, r.action, r.messages) for r in plan.rows] == [
        (2, "amara.nwosu@hospital.example.org", "invite", []),
        (3, "learner@example.org", "invite", []),
        (4, "other@example.org", "skip", []),
        (5, "amara.nwosu@hospital.example.org", "", ["Duplicate of line 2."]),
        (
            6,
            "hiroshi.tanaka@hospital",
            "",
            ["“hiroshi.tanaka@hospital” is not a valid email address."],
        ),
        # No name: they give it when they accept, whether or not the address has an account.
        (8, "chloe.dubois@hospital.example.org", "invite", []),
    ]
    assert not plan.is_valid
    # An address with an account reads exactly as one without: no name, no "existing".
    assert [(r.note, r.full_name) for r in plan.rows[:3]] == [
        ("An invitation will be e-mailed; they join the cohort once they accept.", "Amara Nwosu"),
        ("An invitation will be e-mailed; they join the cohort once they accept.", ""),
        ("Already in this cohort.", "Jordan Lee"),
    ]


def test_a_roster_with_a_bad_line_adds_nobody(director, cohort, unchanged):
    roster = csv_bytes(
        "email,full_name",
        "amara.nwosu@hospital.example.org,Amara Nwosu",
        "benjamin.cohen@hospital.example.org,Benjamin Cohen",
        "amara.nwosu@hospital.example.org,Amara Nwosu",
    )
    error = unchanged(
        lambda: cohort_roster_import(actor=director, cohort=cohort, data=roster), ApplicationError
    )
    assert error.code == "roster_invalid"
    assert error.message == "1 line of the roster needs correcting; nobody was invited."
    assert error.details == {
        "rows": [
            {
                "line": 4,
                "email": "amara.nwosu@hospital.example.org",
                "errors": ["Duplicate of line 2."],
            }
        ]
    }


def test_a_valid_roster_invites_everyone_at_once(
    director, cohort, learner, django_capture_on_commit_callbacks
):
    roster = (
        "\ufefffull_name,Email\r\n"  # a spreadsheet's BOM, columns in another order and case
        "Amara Nwosu,amara.nwosu@hospital.example.org\r\n"
        '"Ångström-Nuñez, Zoë",zoe@hospital.example.org\r\n'
        ",learner@example.org\r\n"
        "\r\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = cohort_roster_import(actor=director, cohort=cohort, data=roster)

    assert (plan.count("invite"), plan.count("skip")) == (3, 0)
    new_accounts = User.objects.filter(email__endswith="@hospital.example.org").order_by("email")
    assert [(u.email, u.full_name) for u in new_accounts] == [
        ("amara.nwosu@hospital.example.org", "Amara Nwosu"),
        ("zoe@hospital.example.org", "Ångström-Nuñez, Zoë"),
    ]
    # Nobody is in the cohort until they accept.
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    invitations = CohortInvitation.objects.filter(cohort=cohort).order_by("email")
    assert [(i.email, i.user_id, i.new_account) for i in invitations] == [
        ("amara.nwosu@hospital.example.org", new_accounts[0].id, True),
        ("learner@example.org", learner.id, False),
        ("zoe@hospital.example.org", new_accounts[1].id, True),
    ]
    assert sorted(args for _, args in sent_tasks(callbacks)) == sorted((i.id,) for i in invitations)


def test_importing_the_same_roster_again_skips_those_already_in(director, cohort):
    roster = csv_bytes("email,full_name", "amara.nwosu@hospital.example.org,Amara Nwosu")
    cohort_roster_import(actor=director, cohort=cohort, data=roster)

    plan = cohort_roster_import(actor=director, cohort=cohort, data=roster)

    assert [(r.action, r.note) for r in plan.rows] == [
        ("skip", "Invited already: waiting for their answer.")
    ]
    assert User.objects.filter(email="amara.nwosu@hospital.example.org").count() == 1
    assert CohortInvitation.objects.filter(cohort=cohort).count() == 1


def test_a_new_account_whose_address_is_taken_as_a_username_gets_another(director, cohort):
    UserFactory(username="amara@hospital.example.org", email="amara.personal@example.org")
    cohort_roster_import(
        actor=director,
        cohort=cohort,
        data=csv_bytes("email,full_name", "amara@hospital.example.org,Amara Nwosu"),
    )
    assert User.objects.get(email="amara@hospital.example.org").username == (
        "amara@hospital.example.org+2"
    )


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (
            csv_bytes("e-mail,name", "amara@hospital.example.org,Amara Nwosu"),
            "roster_bad_header",
            "The first line must be the header “email,full_name” (full_name may be left out); "
            "this file's first line is “e-mail,name”.",
        ),
        (
            csv_bytes("email,full_name,role", "amara@hospital.example.org,Amara Nwosu,resident"),
            "roster_bad_header",
            None,
        ),
        (b"", "roster_empty", None),
        (csv_bytes("email,full_name"), "roster_empty", "The file has a header but no learners."),
        (
            "email,full_name\nzoe@example.org,Zoë\n".encode("latin-1"),
            "roster_not_utf8",
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.",
        ),
        (b"email\n" + b"x" * (2 * 1024 * 1024), "roster_too_large", None),
    ],
    ids=["wrong header", "unknown column", "empty", "header only", "not utf-8", "too large"],
)
def test_a_file_that_is_not_a_roster_is_refused_as_a_whole(
    director, cohort, unchanged, data, code, message
):
    for service in (cohort_roster_preview, cohort_roster_import):
        error = unchanged(
            lambda s=service: s(actor=director, cohort=cohort, data=data), ApplicationError
        )
        assert error.code == code
        if message:
            assert error.message == message


def test_a_line_with_too_many_fields_is_an_error_of_that_line(director, cohort):
    plan = cohort_roster_preview(
        actor=director,
        cohort=cohort,
        data=csv_bytes("email,full_name", "amara@hospital.example.org,Nwosu,Amara"),
    )
    assert plan.rows[0].messages == ["This line has 3 fields; the header has 2."]


def test_an_instructor_cannot_preview_or_import_a_roster(instructor, cohort, unchanged):
    roster = csv_bytes("email,full_name", "amara@hospital.example.org,Amara Nwosu")
    unchanged(
        lambda: cohort_roster_preview(actor=instructor, cohort=cohort, data=roster),
        PermissionDenied,
    )
    unchanged(
        lambda: cohort_roster_import(actor=instructor, cohort=cohort, data=roster), PermissionDenied
    )


# --- due dates ---------------------------------------------------------------------------------


def test_due_dates_are_set_changed_and_cleared(director, cohort):
    m1, m2 = cohort.course.modules.order_by("position")

    assert cohort_due_dates_set(
        actor=director, cohort=cohort, due_dates={m1.id: date(2026, 8, 1), m2.id: date(2026, 9, 1)}
    ) == {m1.id: date(2026, 8, 1), m2.id: date(2026, 9, 1)}
    assert cohort_due_dates_set(
        actor=director, cohort=cohort, due_dates={m1.id: None, m2.id: date(2026, 7, 1)}
    ) == {m2.id: date(2026, 7, 1)}


def test_a_due_date_before_the_cohort_starts_saves_nothing(director, cohort, unchanged):
    m1, m2 = cohort.course.modules.order_by("position")
    cohort_due_dates_set(actor=director, cohort=cohort, due_dates={m1.id: date(2026, 8, 1)})

    error = unchanged(
        lambda: cohort_due_dates_set(
            actor=director,
            cohort=cohort,
            due_dates={m1.id: date(2026, 9, 1), m2.id: date(2026, 6, 30)},
        ),
        ApplicationError,
    )
    assert error.code == "invalid_due_date"
    assert error.details == {
        str(m2.id): ["Module 2: 30 Jun 2026 is before the cohort starts (1 Jul 2026)."]
    }
    assert ModuleDueDate.objects.get(module=m1).due_on == date(2026, 8, 1)


def test_a_due_date_after_the_cohort_ends_is_refused(director, cohort, unchanged):
    m1 = cohort.course.modules.get(position=1)
    error = unchanged(
        lambda: cohort_due_dates_set(
            actor=director, cohort=cohort, due_dates={m1.id: date(2027, 7, 1)}
        ),
        ApplicationError,
    )
    assert error.details == {
        str(m1.id): ["Module 1: 1 Jul 2027 is after the cohort ends (30 Jun 2027)."]
    }


def test_a_module_of_another_course_is_refused(director, cohort, unchanged):
    elsewhere = build_course(modules=1).modules.get()
    error = unchanged(
        lambda: cohort_due_dates_set(
            actor=director, cohort=cohort, due_dates={elsewhere.id: date(2026, 8, 1)}
        ),
        ApplicationError,
    )
    assert (error.code, error.details) == ("unknown_module", {"module_ids": [elsewhere.id]})


@pytest.mark.parametrize("persona", ["instructor", "other_director"])
def test_only_the_cohorts_directors_set_due_dates(request, persona, cohort, unchanged):
    m1 = cohort.course.modules.get(position=1)
    user = request.getfixturevalue(persona)
    unchanged(
        lambda: cohort_due_dates_set(
            actor=user, cohort=cohort, due_dates={m1.id: date(2026, 8, 1)}
        ),
        PermissionDenied,
    )


# --- the read model's new column ---------------------------------------------------------------


def test_the_migration_fills_failed_last_attempt_from_graded_attempts(learner, course):
    from importlib import import_module

    from django.apps import apps

    from quizzes.services.attempts import attempt_start, attempt_submit
    from quizzes.services.grading import attempt_grade
    from tests.factories import right_answers, wrong_answers

    enrol(learner, course)
    m1, m2 = course.modules.order_by("position")
    for quiz, answers in ((m1.quizzes.get(), right_answers), (m2.quizzes.get(), wrong_answers)):
        attempt, _ = attempt_start(user=learner, quiz=quiz)
        attempt_submit(user=learner, attempt_id=attempt.id, responses=answers(attempt))
        attempt_grade(attempt_id=attempt.id)
    rows = ModuleProgress.objects.filter(enrolment__user=learner).order_by("module__position")
    assert [r.last_attempt_passed for r in rows] == [True, False]
    rows.update(last_attempt_passed=None)  # as the column is when the migration adds it

    migration = import_module("courses.migrations.0002_cohorts_dashboard_exports")
    migration.backfill_last_attempt_passed(apps, None)

    assert [r.last_attempt_passed for r in rows.all()] == [True, False]


def test_a_roster_line_meets_the_bounds_the_single_add_meets(director, cohort, unchanged):
    long_email = "a" * 290 + "@hospital.example.org"  # 312 characters
    roster = csv_bytes(
        "email,full_name",
        f"{long_email},Amara Nwosu",
        "benjamin.cohen@hospital.example.org,Benjamin\x00 Cohen",
    )

    error = unchanged(
        lambda: cohort_roster_import(actor=director, cohort=cohort, data=roster), ApplicationError
    )

    assert [r["errors"] for r in error.details["rows"]] == [
        ["The email address is longer than 254 characters."],
        ["The name contains a control character (such as a NUL byte)."],
    ]
    single = unchanged(
        lambda: cohort_learner_add(actor=director, cohort=cohort, email=long_email),
        ApplicationError,
    )
    assert single.details == {"email": ["The email address is longer than 254 characters."]}
