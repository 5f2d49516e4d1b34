"""The cohort API: personas, bad input refused with nothing changed, a fixed number of queries."""

import csv
import io
from datetime import date
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from courses.cohorts.services.exports import cohort_export_build
from courses.models import Cohort, CohortInvitation, Enrolment
from tests.api.helpers import assert_error, sent_tasks
from tests.cohorts import add_learners, at, days_ago, set_progress
from tests.conftest import api_client_for
from tests.factories import UserFactory, build_course

pytestmark = pytest.mark.django_db

User = get_user_model()
BUILD_EXPORT = "tasks.reports.build_cohort_export"
INVITE = "tasks.reports.send_cohort_invitation"
PERSONAS_WHO_SEE = ["director", "instructor", "staff"]
PERSONAS_WHO_DO_NOT = ["learner", "outsider", "other_director"]


@pytest.fixture
def director(director):
    director.user_permissions.add(Permission.objects.get(codename="add_cohort"))
    return director


@pytest.fixture
def other_director(db):
    """A program director of another cohort, in another course."""
    user = UserFactory(username="other-director", full_name="Dr. Ingrid Halvorsen")
    user.user_permissions.add(Permission.objects.get(codename="add_cohort"))
    theirs = Cohort.objects.create(
        course=build_course(modules=1, title="Leading Quality Improvement"),
        name="Quality fellows 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    theirs.directors.add(user)
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", full_name="Site Administrator", is_staff=True)


@pytest.fixture
def cohort(course, director):
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    cohort.directors.add(director)
    return cohort


@pytest.fixture
def residents(cohort):
    enrolments = add_learners(cohort, 3)
    m1 = cohort.course.modules.get(position=1)
    set_progress(
        enrolments[0],
        m1,
        status="passed",
        best=90,
        attempts=1,
        last_passed=True,
        passed_at=at(2026, 8, 1),
        activity=at(2026, 8, 1),
    )
    set_progress(
        enrolments[1],
        m1,
        status="failed",
        best=40,
        attempts=2,
        last_passed=False,
        activity=days_ago(1),
    )
    return enrolments


def roster(*lines: str, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


# --- the dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS_WHO_SEE)
def test_the_dashboard_for_those_who_follow_the_cohort(request, persona, cohort, residents):
    client = api_client_for(request.getfixturevalue(persona))
    response = client.get(f"/api/v1/cohorts/{cohort.id}/progress/")
    assert response.status_code == 200
    body = response.json()
    assert (body["cohort"], body["learner_count"], body["matching_count"]) == (
        "PGY-1 residents 2026",
        3,
        3,
    )
    assert [r["name"] for r in body["learners"]] == [
        "Amara Nwosu",
        "Benjamin Cohen",
        "Chloé Dubois",
    ]
    benjamin = body["learners"][1]
    assert benjamin["cells"][0] == {
        "module_id": cohort.course.modules.get(position=1).id,
        "status": "failed",
        "best_score_percent": "40.00",
        "attempts": 2,
    }
    assert [r["code"] for r in benjamin["at_risk"]] == ["failed_last_attempt"]
    assert body["modules"][0]["completion_rate"] == round(1 / 3, 4)
    assert body["modules"][0]["score_histogram"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    assert body["competencies"][0]["code"] == "interpersonal_communication"
    assert body["timeline"][0]["day"] == "2026-07-01"
    (flagged,) = [r for r in body["at_risk"] if r["name"] == "Benjamin Cohen"]
    assert flagged == {
        "user_id": residents[1].user_id,
        "name": "Benjamin Cohen",
        "reasons": [
            {
                "code": "failed_last_attempt",
                "message": "Failed the last attempt: Module 1",
                "module_id": benjamin["cells"][0]["module_id"],
            }
        ],
    }


@pytest.mark.parametrize("persona", PERSONAS_WHO_DO_NOT)
def test_the_dashboard_is_not_found_for_anyone_else(request, persona, cohort, residents, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.get(f"/api/v1/cohorts/{cohort.id}/progress/"))
    assert_error(response, 404, "not_found")


def test_the_dashboard_searches_filters_sorts_and_pages(director, cohort, residents):
    client = api_client_for(director)
    url = f"/api/v1/cohorts/{cohort.id}/progress/"
    body = client.get(url, {"q": "COHEN"}).json()
    assert [r["name"] for r in body["learners"]] == ["Benjamin Cohen"]
    body = client.get(url, {"sort": "-name", "page_size": "2", "page": "2"}).json()
    assert (body["page"], body["pages"], body["matching_count"]) == (2, 2, 3)
    assert [r["name"] for r in body["learners"]] == ["Amara Nwosu"]
    body = client.get(url, {"show": "failed"}).json()
    assert [r["name"] for r in body["learners"]] == ["Benjamin Cohen"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"sort": "favourite"}, 400, "invalid"),
        ({"show": "late"}, 400, "invalid"),
        ({"page_size": 501}, 400, "invalid"),
        ({"page": 3, "page_size": 2}, 404, "not_found"),
    ],
)
def test_bad_dashboard_queries_are_clear_errors(director, cohort, residents, params, status, code):
    response = api_client_for(director).get(f"/api/v1/cohorts/{cohort.id}/progress/", params)
    assert_error(response, status, code)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [20, 200])
def test_the_dashboard_api_makes_the_same_number_of_queries_at_20_and_200_learners(
    director, cohort, size, django_assert_num_queries
):
    enrolments = add_learners(cohort, size)
    modules = list(cohort.course.modules.all())
    for n, enrolment in enumerate(enrolments):
        set_progress(
            enrolment,
            modules[n % 2],
            status="passed",
            best=50 + n % 50,
            attempts=1,
            last_passed=True,
            passed_at=at(2026, 8, 1),
            activity=at(2026, 8, 1),
        )
    client = api_client_for(director)
    # 1 for the cohort with the caller's role, 8 for the dashboard's data.
    with django_assert_num_queries(9):
        response = client.get(f"/api/v1/cohorts/{cohort.id}/progress/?page_size=500")
    assert len(response.json()["learners"]) == size


# --- cohorts ------------------------------------------------------------------------------------


def test_the_list_shows_each_persona_their_cohorts(
    director, instructor, learner, cohort, residents
):
    assert [
        c["name"] for c in api_client_for(director).get("/api/v1/cohorts/").json()["results"]
    ] == ["PGY-1 residents 2026"]
    assert (
        api_client_for(instructor).get("/api/v1/cohorts/").json()["results"][0]["learner_count"]
        == 3
    )
    assert api_client_for(learner).get("/api/v1/cohorts/").json()["count"] == 0


def test_a_program_director_creates_a_cohort(director, course):
    response = api_client_for(director).post(
        "/api/v1/cohorts/",
        {
            "course": course.slug,
            "name": "Chief residents 2027",
            "start_date": "2027-07-01",
            "end_date": "2028-06-30",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["learner_count"], body["inactivity_days"]) == (
        "Chief residents 2027",
        0,
        14,
    )
    assert Cohort.objects.get(pk=body["id"]).directors.get() == director


@pytest.mark.parametrize("persona", ["learner", "instructor", "outsider"])
def test_creating_a_cohort_without_the_directors_right_is_forbidden(
    request, persona, course, unchanged
):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(
        lambda: client.post(
            "/api/v1/cohorts/",
            {
                "course": course.slug,
                "name": "Fellows",
                "start_date": "2027-01-01",
                "end_date": "2027-12-31",
            },
            format="json",
        )
    )
    assert_error(response, 403, "permission_denied")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"end_date": "2027-06-30"}, "end_date"),
        ({"course": "no-such-course"}, "course"),
        ({"name": ""}, "name"),
        ({"start_date": "1 July"}, "start_date"),
    ],
)
def test_bad_cohort_details_are_refused(director, course, unchanged, payload, field):
    data = {
        "course": course.slug,
        "name": "Fellows",
        "start_date": "2027-07-01",
        "end_date": "2028-06-30",
        **payload,
    }
    response = unchanged(
        lambda: api_client_for(director).post("/api/v1/cohorts/", data, format="json")
    )
    error = assert_error(response, 400, "invalid")
    assert field in error["details"]


# --- learners -----------------------------------------------------------------------------------


def test_a_director_adds_a_learner_who_is_invited(
    director, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client_for(director).post(
            f"/api/v1/cohorts/{cohort.id}/learners/",
            {"email": "farid.haddad@hospital.example.org", "full_name": "Farid Haddad"},
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["action"], body["email"], body["errors"]) == (
        "invite",
        "farid.haddad@hospital.example.org",
        [],
    )
    assert "user_id" not in body
    invitation = CohortInvitation.objects.get(cohort=cohort)
    assert invitation.email == "farid.haddad@hospital.example.org"
    assert sent_tasks(callbacks) == [(INVITE, (invitation.id,))]
    assert not Enrolment.objects.filter(cohort=cohort).exists()


@pytest.mark.parametrize(
    ("persona", "status", "code"),
    [
        ("instructor", 403, "permission_denied"),
        ("learner", 404, "not_found"),
        ("other_director", 404, "not_found"),
    ],
)
def test_only_its_directors_add_learners(request, persona, status, code, cohort, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(
        lambda: client.post(
            f"/api/v1/cohorts/{cohort.id}/learners/",
            {"email": "farid.haddad@hospital.example.org", "full_name": "Farid Haddad"},
            format="json",
        )
    )
    assert_error(response, status, code)


def test_a_bad_address_is_refused(director, cohort, unchanged):
    response = unchanged(
        lambda: api_client_for(director).post(
            f"/api/v1/cohorts/{cohort.id}/learners/", {"email": "farid@"}, format="json"
        )
    )
    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"email": ["“farid@” is not a valid email address."]}


def test_a_roster_is_previewed_then_imported(director, cohort, learner, unchanged):
    client = api_client_for(director)
    url = f"/api/v1/cohorts/{cohort.id}/learners/import/"
    lines = ("email,full_name", "amara@hospital.example.org,Amara Nwosu", "learner@example.org,")

    preview = unchanged(
        lambda: client.post(url, {"file": roster(*lines), "dry_run": "true"}, format="multipart")
    )
    assert preview.status_code == 200
    body = preview.json()
    assert (body["valid"], body["imported"], body["invited"], body["skipped"]) == (
        True,
        False,
        2,
        0,
    )
    # The learner's account is not told apart from the new address.
    assert [(r["line"], r["action"], r["note"]) for r in body["rows"]] == [
        (2, "invite", body["rows"][0]["note"]),
        (3, "invite", body["rows"][0]["note"]),
    ]

    done = client.post(url, {"file": roster(*lines)}, format="multipart")
    assert done.status_code == 201
    assert done.json()["imported"] is True
    assert CohortInvitation.objects.filter(cohort=cohort, status="invited").count() == 2
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_a_roster_with_duplicates_is_refused_line_by_line(director, cohort, unchanged):
    file = roster(
        "email,full_name",
        "amara@hospital.example.org,Amara Nwosu",
        "Amara@Hospital.example.org,Amara Nwosu",
    )
    response = unchanged(
        lambda: api_client_for(director).post(
            f"/api/v1/cohorts/{cohort.id}/learners/import/", {"file": file}, format="multipart"
        )
    )
    error = assert_error(response, 400, "roster_invalid")
    assert error["details"]["rows"] == [
        {"line": 3, "email": "amara@hospital.example.org", "errors": ["Duplicate of line 2."]}
    ]


def test_a_roster_with_a_wrong_header_is_refused(director, cohort, unchanged):
    file = roster("Email Address,Name", "amara@hospital.example.org,Amara Nwosu")
    for dry_run in ("true", "false"):
        response = unchanged(
            lambda d=dry_run: api_client_for(director).post(
                f"/api/v1/cohorts/{cohort.id}/learners/import/",
                {"file": file, "dry_run": d},
                format="multipart",
            )
        )
        file.seek(0)
        error = assert_error(response, 400, "roster_bad_header")
        assert "email,full_name" in error["message"]


# --- due dates ----------------------------------------------------------------------------------


def test_due_dates_are_set(director, cohort):
    m1, m2 = cohort.course.modules.order_by("position")
    response = api_client_for(director).put(
        f"/api/v1/cohorts/{cohort.id}/due-dates/",
        {
            "due_dates": [
                {"module_id": m1.id, "due_on": "2026-08-01"},
                {"module_id": m2.id, "due_on": "2026-09-01"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "due_dates": [
            {"module_id": m1.id, "due_on": "2026-08-01"},
            {"module_id": m2.id, "due_on": "2026-09-01"},
        ]
    }


def test_a_due_date_before_the_cohort_starts_is_refused(director, cohort, unchanged):
    m1, m2 = cohort.course.modules.order_by("position")
    response = unchanged(
        lambda: api_client_for(director).put(
            f"/api/v1/cohorts/{cohort.id}/due-dates/",
            {
                "due_dates": [
                    {"module_id": m1.id, "due_on": "2026-08-01"},
                    {"module_id": m2.id, "due_on": "2026-06-01"},
                ]
            },
            format="json",
        )
    )
    error = assert_error(response, 400, "invalid_due_date")
    assert error["details"] == {
        str(m2.id): ["Module 2: 1 Jun 2026 is before the cohort starts (1 Jul 2026)."]
    }


def test_a_module_twice_is_refused(director, cohort, unchanged):
    m1 = cohort.course.modules.get(position=1)
    response = unchanged(
        lambda: api_client_for(director).put(
            f"/api/v1/cohorts/{cohort.id}/due-dates/",
            {
                "due_dates": [
                    {"module_id": m1.id, "due_on": "2026-08-01"},
                    {"module_id": m1.id, "due_on": "2026-09-01"},
                ]
            },
            format="json",
        )
    )
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    ("persona", "status"), [("instructor", 403), ("other_director", 404), ("learner", 404)]
)
def test_only_its_directors_set_due_dates(request, persona, status, cohort, unchanged):
    m1 = cohort.course.modules.get(position=1)
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(
        lambda: client.put(
            f"/api/v1/cohorts/{cohort.id}/due-dates/",
            {"due_dates": [{"module_id": m1.id, "due_on": "2026-08-01"}]},
            format="json",
        )
    )
    assert_error(response, status, "permission_denied" if status == 403 else "not_found")


# --- a learner's attempts -----------------------------------------------------------------------


def test_a_learners_attempts(director, cohort, residents):
    from quizzes.services.attempts import attempt_start, attempt_submit
    from quizzes.services.grading import attempt_grade
    from tests.factories import wrong_answers

    user = residents[1].user
    quiz = cohort.course.modules.get(position=1).quizzes.get()
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=wrong_answers(attempt))
    attempt_grade(attempt_id=attempt.id)

    response = api_client_for(director).get(
        f"/api/v1/cohorts/{cohort.id}/learners/{user.id}/attempts/"
    )
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert (row["quiz"], row["number"], row["state"], row["percent"], row["passed"]) == (
        "Module 1 quiz",
        1,
        "graded",
        "0.00",
        False,
    )


def test_attempts_of_someone_outside_the_cohort_are_not_found(director, cohort, learner):
    response = api_client_for(director).get(
        f"/api/v1/cohorts/{cohort.id}/learners/{learner.id}/attempts/"
    )
    assert_error(response, 404, "not_found")


# --- exports ------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("persona", PERSONAS_WHO_SEE)
def test_an_export_is_queued_on_the_reports_queue(
    request, persona, cohort, residents, django_capture_on_commit_callbacks
):
    client = api_client_for(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/api/v1/cohorts/{cohort.id}/exports/",
            {"kind": "matrix", "format": "xlsx"},
            format="json",
        )
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["percent_done"], body["download_url"]) == ("pending", 0, None)
    assert sent_tasks(callbacks) == [(BUILD_EXPORT, (body["id"],))]


@pytest.mark.parametrize("persona", PERSONAS_WHO_DO_NOT)
def test_others_cannot_export(request, persona, cohort, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(
        lambda: client.post(
            f"/api/v1/cohorts/{cohort.id}/exports/", {"kind": "matrix", "format": "csv"}
        )
    )
    assert_error(response, 404, "not_found")


def test_an_unknown_export_format_is_refused(director, cohort, unchanged):
    response = unchanged(
        lambda: api_client_for(director).post(
            f"/api/v1/cohorts/{cohort.id}/exports/", {"kind": "matrix", "format": "pdf"}
        )
    )
    assert "format" in assert_error(response, 400, "invalid")["details"]


def test_a_built_export_downloads_through_a_signed_link_that_expires(
    director, outsider, cohort, residents, media
):
    client = api_client_for(director)
    export_id = client.post(
        f"/api/v1/cohorts/{cohort.id}/exports/", {"kind": "matrix", "format": "csv"}
    ).json()["id"]
    cohort_export_build(export_id=export_id)

    status = client.get(f"/api/v1/cohorts/{cohort.id}/exports/{export_id}/").json()
    assert (
        status["status"],
        status["rows_done"],
        status["rows_total"],
        status["percent_done"],
    ) == (
        "ready",
        3,
        3,
        100,
    )
    link = status["download_url"]
    assert link.startswith("http://testserver/api/v1/exports/")
    response = client.get(link)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Learner", "Email", "Enrolment"]
    assert [r[0] for r in rows[1:]] == ["Amara Nwosu", "Benjamin Cohen", "Chloé Dubois"]

    # Someone who may not see the cohort gets nothing from the link.
    assert_error(api_client_for(outsider).get(link), 404, "not_found")
    # Half an hour later the link is dead.
    with mock.patch("django.core.signing.time.time", return_value=__import__("time").time() + 1801):
        assert_error(client.get(link), 410, "link_expired")
    assert_error(client.get("/api/v1/exports/forged:token/download/"), 404, "not_found")


def test_the_attempts_export_in_xlsx(director, cohort, residents, media):
    from quizzes.services.attempts import attempt_start, attempt_submit
    from quizzes.services.grading import attempt_grade
    from tests.factories import right_answers

    user = residents[0].user
    quiz = cohort.course.modules.get(position=2).quizzes.get()
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    client = api_client_for(director)
    export_id = client.post(
        f"/api/v1/cohorts/{cohort.id}/exports/", {"kind": "attempts", "format": "xlsx"}
    ).json()["id"]
    cohort_export_build(export_id=export_id)

    link = client.get(f"/api/v1/cohorts/{cohort.id}/exports/{export_id}/").json()["download_url"]
    download = client.get(link)
    assert isinstance(download, StreamingHttpResponse)
    content = download.getvalue()
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Attempts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Learner", "Email", "Module position", "Module", "Quiz", "Attempt")
    assert rows[1][:8] == (
        "Amara Nwosu",
        "resident0@hospital.example.org",
        2,
        "Module 2",
        "Module 2 quiz",
        1,
        "Graded",
        rows[1][7],
    )
    assert rows[1][11:] == (3, 3, 100, True)
