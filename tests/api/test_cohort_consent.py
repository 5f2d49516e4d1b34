"""The API's side of cohort membership with consent (issue 18, point 1): adding and importing
answer alike for any address; directors see invitations as addresses and statuses; learners
list, accept and decline their own; attempts show only once accepted, only in the course."""

from datetime import date
from io import BytesIO

import pytest

from courses.models import Cohort, CohortInvitation, Enrolment
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.api.helpers import assert_error
from tests.conftest import api_client_for
from tests.factories import UserFactory, build_course, enrol, right_answers

pytestmark = pytest.mark.django_db


def roster(*lines: str) -> BytesIO:
    file = BytesIO(("\n".join(lines) + "\n").encode())
    file.name = "roster.csv"
    return file


def add(director, cohort, email: str, full_name: str = "Given Name"):
    return api_client_for(director).post(
        f"/api/v1/cohorts/{cohort.id}/learners/",
        {"email": email, "full_name": full_name},
        format="json",
    )


def graded_attempt(user, course):
    quiz = course.modules.get(position=1).quizzes.get()
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    return attempt


@pytest.fixture
def elsewhere_cohort(course):
    """A cohort of the same course that another director follows."""
    other_director = UserFactory(username="halvorsen", full_name="Dr. Ingrid Halvorsen")
    other = Cohort.objects.create(
        course=course, name="Night float 2026", start_date=date(2026, 1, 5),
        end_date=date(2026, 6, 30),
    )  # fmt: skip
    other.directors.add(other_director)
    return other


def test_adding_answers_the_same_with_or_without_an_account(
    director, cohort, learner, elsewhere_cohort
):
    Enrolment.objects.create(user=learner, course=cohort.course, cohort=elsewhere_cohort)

    with_account = add(director, cohort, "learner@example.org")
    without = add(director, cohort, "nobody@hospital.example.org")

    assert with_account.status_code == without.status_code == 201
    strip = lambda body: {k: v for k, v in body.items() if k != "email"}  # noqa: E731
    assert strip(with_account.json()) == strip(without.json())
    assert with_account.json() == {
        "line": 1,
        "email": "learner@example.org",
        "full_name": "Given Name",
        "action": "invite",
        "note": "An invitation will be e-mailed; they join the cohort once they accept.",
        "errors": [],
    }
    # Still in the other cohort until they accept.
    assert Enrolment.objects.get(user=learner).cohort == elsewhere_cohort


def test_a_dry_run_answers_the_same_with_or_without_an_account(
    director, cohort, learner, elsewhere_cohort
):
    Enrolment.objects.create(user=learner, course=cohort.course, cohort=elsewhere_cohort)
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    response = api_client_for(director).post(
        f"/api/v1/cohorts/{cohort.id}/learners/import/",
        {
            "file": roster(
                "email,full_name",
                "learner@example.org,",
                "gone@example.org,",
                "nobody@hospital.example.org,",
            ),
            "dry_run": "true",
        },
        format="multipart",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["invited"], body["skipped"], body["not_imported"]) == (
        True,
        3,
        0,
        [],
    )
    assert {tuple(sorted((k, str(v)) for k, v in r.items() if k not in ("email", "line")))
            for r in body["rows"]} == {
        (("action", "invite"), ("errors", "[]"), ("full_name", ""),
         ("note", "An invitation will be e-mailed; they join the cohort once they accept.")),
    }  # fmt: skip
    assert "Alex Rivera" not in response.text and "Night float" not in response.text


def test_directors_see_invitations_as_addresses_and_statuses(
    director, cohort, learner, other_learner, outsider
):
    add(director, cohort, "learner@example.org")
    add(director, cohort, "other@example.org")
    declined = CohortInvitation.objects.get(email="other@example.org")
    learner_client = api_client_for(other_learner)
    assert (
        learner_client.post(f"/api/v1/cohort-invitations/{declined.id}/decline/").status_code == 200
    )

    response = api_client_for(director).get(f"/api/v1/cohorts/{cohort.id}/invitations/")

    assert response.status_code == 200
    assert [(i["email"], i["status"], i["responded_at"] is None) for i in response.json()] == [
        ("other@example.org", "declined", False),
        ("learner@example.org", "invited", True),
    ]
    assert "Alex Rivera" not in response.text and "Jordan Lee" not in response.text
    # Nor anywhere in the progress: they have not joined.
    progress = api_client_for(director).get(f"/api/v1/cohorts/{cohort.id}/progress/").json()
    assert (progress["learner_count"], progress["learners"], progress["at_risk"]) == (0, [], [])
    assert_error(
        api_client_for(outsider).get(f"/api/v1/cohorts/{cohort.id}/invitations/"), 404, "not_found"
    )


def test_a_learner_lists_and_accepts_their_invitation(director, cohort, learner, elsewhere_cohort):
    Enrolment.objects.create(user=learner, course=cohort.course, cohort=elsewhere_cohort)
    add(director, cohort, "learner@example.org")
    client = api_client_for(learner)

    (mine,) = client.get("/api/v1/cohort-invitations/").json()
    assert (mine["cohort"], mine["course"], mine["directors"], mine["current_cohort"]) == (
        "PGY-1 residents 2026",
        cohort.course.slug,
        "Dr. Samuel Okafor",
        "Night float 2026",
    )
    accepted = client.post(f"/api/v1/cohort-invitations/{mine['id']}/accept/")

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert Enrolment.objects.get(user=learner).cohort == cohort
    assert client.get("/api/v1/cohort-invitations/").json() == []
    again = client.post(f"/api/v1/cohort-invitations/{mine['id']}/decline/")
    assert_error(again, 400, "invitation_answered")
    progress = api_client_for(director).get(f"/api/v1/cohorts/{cohort.id}/progress/").json()
    assert [r["name"] for r in progress["learners"]] == ["Alex Rivera"]


def test_nobody_answers_someone_elses_invitation(director, cohort, learner, other_learner):
    add(director, cohort, "learner@example.org")
    invitation = CohortInvitation.objects.get()
    client = api_client_for(other_learner)
    for answer in ("accept", "decline"):
        assert_error(
            client.post(f"/api/v1/cohort-invitations/{invitation.id}/{answer}/"), 404, "not_found"
        )
    assert client.get("/api/v1/cohort-invitations/").json() == []
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_attempts_show_only_once_accepted_and_only_in_the_cohorts_course(
    director, cohort, learner, course
):
    elsewhere = build_course(modules=1, questions=2, title="Ethics Rounds", slug="ethics-rounds")
    enrol(learner, elsewhere)
    graded_attempt(learner, elsewhere)
    enrol(learner, course)
    here = graded_attempt(learner, course)
    url = f"/api/v1/cohorts/{cohort.id}/learners/{learner.id}/attempts/"
    add(director, cohort, "learner@example.org")

    assert_error(api_client_for(director).get(url), 404, "not_found")

    invitation = CohortInvitation.objects.get()
    api_client_for(learner).post(f"/api/v1/cohort-invitations/{invitation.id}/accept/")
    body = api_client_for(director).get(url).json()
    attempts = body["results"] if isinstance(body, dict) else body
    assert [a["id"] for a in attempts] == [here.id]
