"""The director's pages through Django's test client: roles, forms, errors, queries."""

from datetime import date
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.cohorts.services.exports import cohort_export_build
from courses.models import Cohort, CohortExport, CohortInvitation, Enrolment, ModuleDueDate
from tests.cohorts import add_learners, at, days_ago, set_progress
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def residents(cohort):
    enrolments = add_learners(cohort, 3)
    m1 = cohort.course.modules.get(position=1)
    set_progress(
        enrolments[0], m1, status="passed", best=88, attempts=1, last_passed=True,
        passed_at=at(2026, 8, 1), activity=at(2026, 8, 1),
    )  # fmt: skip
    set_progress(
        enrolments[1], m1, status="failed", best=45, attempts=2, last_passed=False,
        activity=days_ago(1),
    )  # fmt: skip
    return enrolments


def roster_file(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", ("\n".join(lines) + "\n").encode(), "text/csv")


# --- who sees what ------------------------------------------------------------------------------


def test_the_director_sees_the_dashboard(as_user, director, cohort, residents):
    page = as_user(director).get(f"/cohorts/{cohort.id}/")
    assert page.status_code == 200
    html = page.text
    for text in (
        "PGY-1 residents 2026",
        "Amara Nwosu",
        "Benjamin Cohen",
        "Failed the last attempt: Module 1",
        "Completions over time",
        "Score distribution per module",
        "ACGME competencies",
        f'href="/cohorts/{cohort.id}/learners/"',
        "<svg",
    ):
        assert text in html, text


def test_an_instructor_sees_the_dashboard_but_cannot_change_the_cohort(
    as_user, instructor, cohort, residents
):
    client = as_user(instructor)
    page = client.get(f"/cohorts/{cohort.id}/")
    assert page.status_code == 200
    assert f'href="/cohorts/{cohort.id}/learners/"' not in page.text
    for url in (f"/cohorts/{cohort.id}/learners/", f"/cohorts/{cohort.id}/due-dates/"):
        refused = client.get(url)
        assert refused.status_code == 403
        assert "Only the cohort&#x27;s directors can change it." in refused.text


@pytest.mark.parametrize("persona", ["learner", "outsider", "other_director"])
def test_nobody_else_finds_the_cohorts_pages(request, as_user, persona, cohort, residents):
    client = as_user(request.getfixturevalue(persona))
    user_id = residents[0].user_id
    for url in (
        f"/cohorts/{cohort.id}/",
        f"/cohorts/{cohort.id}/learners/",
        f"/cohorts/{cohort.id}/due-dates/",
        f"/cohorts/{cohort.id}/learners/{user_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/cohorts/{cohort.id}/exports/", {"kind": "matrix", "format": "csv"}
        ).status_code
        == 404
    )
    assert not CohortExport.objects.exists()


def test_the_nav_offers_my_cohorts_to_directors_and_instructors_only(
    as_user, director, instructor, learner, cohort
):
    assert "My cohorts" in as_user(director).get("/").text
    assert "My cohorts" in as_user(instructor).get("/").text
    assert "My cohorts" not in as_user(learner).get("/").text
    listing = as_user(learner).get("/cohorts/")
    assert "You do not follow any cohort yet." in listing.text


def _progress_for(enrolments, modules, offset=0) -> None:
    for n, enrolment in enumerate(enrolments, start=offset):
        set_progress(
            enrolment, modules[n % 2], status="passed" if n % 3 else "failed", best=40 + n % 60,
            attempts=1 + n % 3, last_passed=bool(n % 3), activity=at(2026, 8, 1 + n % 28),
            passed_at=at(2026, 8, 1 + n % 28) if n % 3 else None,
        )  # fmt: skip


def test_the_dashboard_page_makes_the_same_number_of_queries_at_20_and_200_learners(
    as_user, director, cohort, django_assert_num_queries
):
    modules = list(cohort.course.modules.all())
    _progress_for(add_learners(cohort, 20), modules)
    client = as_user(director)
    url = f"/cohorts/{cohort.id}/?sort=-progress&show=all"
    with CaptureQueriesContext(connection) as at_20:
        page = client.get(url)
    assert "20 of 20 learners" in page.text

    _progress_for(add_learners(cohort, 180, prefix="fellow"), modules, offset=20)
    # The page's own: the cohort with the caller's role, 7 for the data, the recent exports;
    # the rest is the session, the user and the site nav's role checks.
    with django_assert_num_queries(len(at_20)):
        page = client.get(url)
    assert "200 of 200 learners" in page.text
    assert "Page 1 of 4" in page.text


def test_a_learners_page_lists_their_attempts(as_user, director, instructor, cohort, residents):
    from quizzes.models import Attempt
    from quizzes.services.attempts import attempt_start, attempt_submit
    from quizzes.services.grading import attempt_grade
    from tests.factories import right_answers

    user = residents[2].user
    quiz = cohort.course.modules.get(position=2).quizzes.get()
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)

    page = as_user(director).get(f"/cohorts/{cohort.id}/learners/{user.id}/")
    assert page.status_code == 200
    assert "Chloé Dubois" in page.text
    assert "Module 2 quiz" in page.text
    assert "100%" in page.text
    # Directors see the summary; the course's instructors may open the answers.
    assert f"/attempts/{attempt.id}/result/" not in page.text
    page = as_user(instructor).get(f"/cohorts/{cohort.id}/learners/{user.id}/")
    assert f"/attempts/{attempt.id}/result/" in page.text
    assert Attempt.objects.count() == 1


def test_a_learner_outside_the_cohort_has_no_page(as_user, director, cohort, learner):
    assert as_user(director).get(f"/cohorts/{cohort.id}/learners/{learner.id}/").status_code == 404


def test_a_bad_sort_is_a_clear_error_page(as_user, director, cohort, residents):
    page = as_user(director).get(f"/cohorts/{cohort.id}/?sort=shoe-size")
    assert page.status_code == 400
    assert "Choose one of: name, progress, score, activity, risk" in page.text


# --- forms --------------------------------------------------------------------------------------


def test_creating_a_cohort(as_user, director, course, learner):
    client = as_user(director)
    page = client.post(
        "/cohorts/new/",
        {"course": course.id, "name": "Chief residents 2027", "start_date": "2027-07-01",
         "end_date": "2027-06-01", "inactivity_days": 14},
    )  # fmt: skip
    assert page.status_code == 400
    assert "The cohort must end on or after the day it starts." in page.text
    assert not Cohort.objects.filter(name="Chief residents 2027").exists()

    done = client.post(
        "/cohorts/new/",
        {"course": course.id, "name": "Chief residents 2027", "start_date": "2027-07-01",
         "end_date": "2028-06-30", "inactivity_days": 14},
    )  # fmt: skip
    cohort = Cohort.objects.get(name="Chief residents 2027")
    assert done.status_code == 302
    assert done.url == f"/cohorts/{cohort.id}/learners/"
    assert as_user(learner).get("/cohorts/new/").status_code == 403


def test_adding_one_learner_with_a_bad_address_shows_the_error_beside_it(as_user, director, cohort):
    page = as_user(director).post(
        f"/cohorts/{cohort.id}/learners/", {"email": "farid@", "full_name": "Farid Haddad"}
    )
    assert page.status_code == 400
    assert "“farid@” is not a valid email address." in page.text
    assert not Enrolment.objects.exists()


def test_a_roster_is_previewed_and_nothing_is_written_until_confirmed(as_user, director, cohort):
    client = as_user(director)
    preview = client.post(
        f"/cohorts/{cohort.id}/learners/preview/",
        {"roster": roster_file("email,full_name", "amara@hospital.example.org,Amara Nwosu",
                               "hiroshi@hospital.example.org,Hiroshi Tanaka")},
    )  # fmt: skip
    assert preview.status_code == 200
    assert "Nothing is saved yet." in preview.text
    assert "Confirm and invite 2 learners" in preview.text
    assert not Enrolment.objects.exists()
    assert not CohortInvitation.objects.exists()

    text = preview.context["confirm_form"].initial["roster_text"]
    done = client.post(f"/cohorts/{cohort.id}/learners/import/", {"roster_text": text})
    assert done.status_code == 302
    assert CohortInvitation.objects.filter(cohort=cohort, status="invited").count() == 2
    # Nobody is in the cohort before they accept; the learners page lists the addresses.
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    learners_page = client.get(f"/cohorts/{cohort.id}/learners/")
    assert "amara@hospital.example.org" in learners_page.text
    assert "hiroshi@hospital.example.org" in learners_page.text


def test_a_roster_with_errors_offers_no_confirmation(as_user, director, cohort):
    preview = as_user(director).post(
        f"/cohorts/{cohort.id}/learners/preview/",
        {"roster": roster_file("email,full_name", "amara@hospital.example.org,Amara Nwosu",
                               "amara@hospital.example.org,Amara Nwosu")},
    )  # fmt: skip
    assert preview.status_code == 200
    assert "1 line of the roster needs correcting." in preview.text
    assert "Duplicate of line 2." in preview.text
    assert "Confirm and add" not in preview.text


def test_a_roster_with_a_wrong_header_is_refused_on_the_upload_form(as_user, director, cohort):
    page = as_user(director).post(
        f"/cohorts/{cohort.id}/learners/preview/",
        {"roster": roster_file("name;email", "Amara Nwosu;amara@hospital.example.org")},
    )
    assert page.status_code == 400
    assert "The first line must be the header “email,full_name”" in page.text


def test_a_roster_confirmed_after_its_person_joined_another_cohort_still_only_invites(
    as_user, director, cohort
):
    client = as_user(director)
    lines = ("email,full_name", "amara@hospital.example.org,Amara Nwosu")
    preview = client.post(
        f"/cohorts/{cohort.id}/learners/preview/", {"roster": roster_file(*lines)}
    )
    text = preview.context["confirm_form"].initial["roster_text"]
    # Meanwhile Amara joined another cohort of the course.
    other = Cohort.objects.create(
        course=cohort.course, name="Night float 2026", start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )  # fmt: skip
    amara = UserFactory(username="amara", email="amara@hospital.example.org")
    Enrolment.objects.create(user=amara, course=cohort.course, cohort=other)

    page = client.post(f"/cohorts/{cohort.id}/learners/import/", {"roster_text": text}, follow=True)
    assert page.status_code == 200
    assert "1 learner invited by e-mail" in page.text
    # The page says nothing of her other cohort, and she stays there until she accepts.
    assert "Night float" not in page.text
    assert Enrolment.objects.get(user=amara).cohort == other
    assert CohortInvitation.objects.get(cohort=cohort).user == amara


def test_due_dates_form(as_user, director, cohort):
    m1, m2 = cohort.course.modules.order_by("position")
    client = as_user(director)
    page = client.post(
        f"/cohorts/{cohort.id}/due-dates/",
        {f"module_{m1.id}": "2026-06-15", f"module_{m2.id}": "2026-09-01"},
    )
    assert page.status_code == 400
    assert "Module 1: 15 Jun 2026 is before the cohort starts (1 Jul 2026)." in page.text
    assert not ModuleDueDate.objects.exists()

    done = client.post(
        f"/cohorts/{cohort.id}/due-dates/",
        {f"module_{m1.id}": "2026-08-15", f"module_{m2.id}": ""},
    )
    assert done.status_code == 302
    assert list(ModuleDueDate.objects.values_list("module_id", "due_on")) == [
        (m1.id, date(2026, 8, 15))
    ]


# --- exports ------------------------------------------------------------------------------------


def test_an_export_from_the_page_shows_its_progress_then_its_link(
    as_user, director, cohort, residents, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(director)
    with django_capture_on_commit_callbacks(execute=False):
        panel = client.post(
            f"/cohorts/{cohort.id}/exports/",
            {"kind": "matrix", "format": "csv"},
            headers={"HX-Request": "true"},
        )
    export = CohortExport.objects.get()
    assert panel.status_code == 200
    assert "Waiting for a worker" in panel.text
    assert f'hx-get="/cohorts/{cohort.id}/exports/{export.id}/"' in panel.text
    assert "<progress" in panel.text

    cohort_export_build(export_id=export.id)
    status = client.get(f"/cohorts/{cohort.id}/exports/{export.id}/")
    assert "hx-get" not in status.text  # finished: the polling stops
    link = status.context["download_url"]
    download = client.get(link)
    assert download.status_code == 200
    assert "Amara Nwosu" in b"".join(download.streaming_content).decode("utf-8-sig")

    later = __import__("time").time() + 1801
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.get(link)
    assert expired.status_code == 410
    assert "This download link has expired." in expired.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("instructor", 403), ("other_director", 404), ("learner", 404), ("outsider", 404)],
)
def test_changes_from_anyone_but_its_directors_are_refused_and_change_nothing(
    request, as_user, persona, status, cohort, residents, unchanged
):
    client = as_user(request.getfixturevalue(persona))
    m1 = cohort.course.modules.get(position=1)
    roster = "email,full_name\namara@hospital.example.org,Amara Nwosu\n"
    posts = [
        (f"/cohorts/{cohort.id}/learners/", {"email": "farid@hospital.example.org",
                                             "full_name": "Farid Haddad"}),
        (f"/cohorts/{cohort.id}/learners/preview/", {"roster": roster_file(*roster.splitlines())}),
        (f"/cohorts/{cohort.id}/learners/import/", {"roster_text": roster}),
        (f"/cohorts/{cohort.id}/due-dates/", {f"module_{m1.id}": "2026-08-01"}),
    ]  # fmt: skip
    statuses = unchanged(lambda: [client.post(url, data).status_code for url, data in posts])
    assert statuses == [status] * len(posts)
