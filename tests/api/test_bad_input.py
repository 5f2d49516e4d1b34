"""Refused requests: a clear 4xx in the common error shape, nothing changed, nothing enqueued."""

import pytest
from rest_framework.test import APIClient

from courses.models import Enrolment
from quizzes.models import Attempt, Choice
from quizzes.services.attempts import attempt_save_response, attempt_submit
from tests.api.helpers import assert_error
from tests.conftest import api_client_for
from tests.factories import PASSWORD, right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(learner, attempt):
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt.refresh_from_db()
    return attempt


def response_url(attempt, question_id: int) -> str:
    return f"/api/v1/attempts/{attempt.id}/responses/{question_id}/"


# --- submitting ---------------------------------------------------------------------------------


def test_submitting_twice_is_a_conflict(learner_api, submitted, unchanged):
    response = unchanged(lambda: learner_api.post(f"/api/v1/attempts/{submitted.id}/submit/"))
    assert_error(response, 409, "attempt_closed")
    submitted.refresh_from_db()
    assert submitted.state == Attempt.State.SUBMITTED


@pytest.mark.parametrize("persona", ["other_learner", "instructor", "director", "outsider"])
def test_submitting_someone_elses_attempt_is_not_found(request, persona, attempt, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.post(f"/api/v1/attempts/{attempt.id}/submit/"))
    assert_error(response, 404, "not_found")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_submitting_an_unknown_attempt_is_not_found(learner_api, unchanged):
    response = unchanged(lambda: learner_api.post("/api/v1/attempts/999999/submit/"))
    assert_error(response, 404, "not_found")


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["other_learner", "director", "outsider"])
def test_reading_someone_elses_attempt_is_not_found(request, persona, submitted, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.get(f"/api/v1/attempts/{submitted.id}/"))
    assert_error(response, 404, "not_found")


def test_the_courses_instructor_reads_a_learners_attempt_with_its_key(instructor, submitted):
    response = api_client_for(instructor).get(f"/api/v1/attempts/{submitted.id}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["review_available"]) == (
        submitted.id,
        "submitted",
        True,
    )
    first = body["questions"][0]
    right = Choice.objects.get(question_id=first["question_id"], fraction=1)
    assert [c["id"] for c in first["choices"] if c["correct"]] == [right.id]
    assert [c["id"] for c in first["choices"] if c["chosen"]] == [right.id]


# --- enrolling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["learner", "director", "outsider"])
def test_enrolling_in_a_draft_course_is_not_found(request, persona, draft_course, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.post(f"/api/v1/courses/{draft_course.slug}/enroll/"))
    assert_error(response, 404, "not_found")
    assert not Enrolment.objects.filter(course=draft_course).exists()


def test_enrolling_in_an_unknown_course_is_not_found(learner_api, unchanged):
    response = unchanged(lambda: learner_api.post("/api/v1/courses/no-such-course/enroll/"))
    assert_error(response, 404, "not_found")


# --- certificates -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["other_learner", "instructor", "director", "outsider"])
def test_downloading_another_learners_certificate_is_not_found(
    request, persona, ready_certificate, unchanged
):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.get(f"/api/v1/certificates/{ready_certificate.id}/pdf/"))
    assert_error(response, 404, "not_found")


def test_downloading_a_certificate_needs_an_account(ready_certificate, unchanged):
    response = unchanged(
        lambda: APIClient().get(f"/api/v1/certificates/{ready_certificate.id}/pdf/")
    )
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "not_authenticated")


# --- saving responses ---------------------------------------------------------------------------


def test_a_choice_from_another_question_is_refused(learner, learner_api, attempt, unchanged):
    first, second = attempt.questions.order_by("position")[:2]
    kept = right_answers(attempt)[first.question_id]
    attempt_save_response(
        user=learner, attempt_id=attempt.id, question_id=first.question_id, response=kept
    )
    foreign = second.choice_order[0]

    response = unchanged(
        lambda: learner_api.put(
            response_url(attempt, first.question_id), {"choice_ids": [foreign]}, format="json"
        )
    )
    error = assert_error(response, 400, "invalid_choice")
    assert error["details"] == {"question_id": first.question_id, "choice_ids": [foreign]}
    first.refresh_from_db()
    assert first.response == kept


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda cid: {"choice_ids": str(cid)}, id="string"),
        pytest.param(lambda cid: {"choice_ids": cid}, id="number"),
        pytest.param(lambda cid: {"choice_ids": [str(cid)]}, id="list-of-strings"),
        pytest.param(lambda cid: {"choice_ids": [True]}, id="list-of-booleans"),
        pytest.param(lambda cid: {"choice_ids": [cid + 0.5]}, id="list-of-floats"),
        pytest.param(lambda cid: {"choice_ids": None}, id="null"),
        pytest.param(lambda cid: [cid], id="bare-list"),
        pytest.param(lambda cid: {}, id="empty-object"),
        pytest.param(lambda cid: {"choice_ids": [cid], "note": "x"}, id="extra-key"),
    ],
)
def test_choice_ids_that_are_not_a_list_of_ids_are_refused(
    payload, learner_api, attempt, unchanged
):
    item = attempt.questions.get(position=1)
    body = payload(item.choice_order[0])
    response = unchanged(
        lambda: learner_api.put(response_url(attempt, item.question_id), body, format="json")
    )
    error = assert_error(response, 400, "invalid_response")
    assert error["details"] == {"question_id": item.question_id}
    item.refresh_from_db()
    assert (item.response, item.responded_at) == (None, None)


def test_two_choices_for_a_single_choice_question_are_refused(learner_api, attempt, unchanged):
    item = attempt.questions.get(position=1)
    body = {"choice_ids": item.choice_order[:2]}
    response = unchanged(
        lambda: learner_api.put(response_url(attempt, item.question_id), body, format="json")
    )
    assert_error(response, 400, "invalid_response")


def test_saving_for_a_question_not_in_the_attempt_is_not_found(
    learner_api, course, attempt, unchanged
):
    other_quiz = course.modules.get(position=2).quizzes.get()
    other_question = other_quiz.slots.first().question
    choice_id = other_question.choices.first().id
    response = unchanged(
        lambda: learner_api.put(
            response_url(attempt, other_question.id), {"choice_ids": [choice_id]}, format="json"
        )
    )
    assert_error(response, 404, "question_not_in_attempt")


def test_saving_after_submit_is_a_conflict(learner_api, submitted, unchanged):
    item = submitted.questions.get(position=1)
    kept = item.response
    other_choice = next(c for c in item.choice_order if c not in kept["choice_ids"])
    response = unchanged(
        lambda: learner_api.put(
            response_url(submitted, item.question_id), {"choice_ids": [other_choice]}, format="json"
        )
    )
    assert_error(response, 409, "attempt_closed")
    item.refresh_from_db()
    assert item.response == kept


@pytest.mark.parametrize("persona", ["other_learner", "instructor", "director", "outsider"])
def test_saving_into_someone_elses_attempt_is_not_found(request, persona, attempt, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    item = attempt.questions.get(position=1)
    response = unchanged(
        lambda: client.put(
            response_url(attempt, item.question_id),
            {"choice_ids": [item.choice_order[0]]},
            format="json",
        )
    )
    assert_error(response, 404, "not_found")


# --- starting and reading without enrolment ------------------------------------------------------


@pytest.mark.parametrize("persona", ["learner", "director", "outsider"])
def test_starting_a_quiz_without_enrolment_is_forbidden(request, persona, quiz, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.post(f"/api/v1/quizzes/{quiz.id}/attempts/"))
    assert_error(response, 403, "not_enrolled")
    assert not Attempt.objects.exists()


def test_completing_a_lesson_without_enrolment_is_forbidden(learner_api, course, unchanged):
    lesson = course.modules.get(position=1).lessons.get()
    response = unchanged(lambda: learner_api.post(f"/api/v1/lessons/{lesson.id}/complete/"))
    assert_error(response, 403, "not_enrolled")


# --- authentication -----------------------------------------------------------------------------


def test_my_progress_needs_an_account(unchanged):
    response = unchanged(lambda: APIClient().get("/api/v1/me/progress/"))
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "not_authenticated")


def test_an_unknown_token_is_refused(learner, unchanged):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = unchanged(lambda: client.get("/api/v1/me/progress/"))
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "authentication_failed")


def test_a_wrong_password_gets_no_token(learner, unchanged):
    response = unchanged(
        lambda: APIClient().post(
            "/api/v1/auth/token/",
            {"username": "learner", "password": PASSWORD + "!"},
            format="json",
        )
    )
    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"non_field_errors": ["Unable to log in with provided credentials."]}


# --- reading what is not there ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["learner", "director", "outsider"])
def test_a_draft_course_is_not_found(request, persona, draft_course, unchanged):
    client = api_client_for(request.getfixturevalue(persona))
    response = unchanged(lambda: client.get(f"/api/v1/courses/{draft_course.slug}/"))
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-endpoint/",
        "/api/v1/attempts/not-a-number/",
        "/api/v1/certificates/verify/ABCDE/FGHJK/",
    ],
)
def test_an_api_path_that_matches_no_route_is_not_found_in_the_error_shape(learner_api, path):
    response = learner_api.get(path)
    assert response["Content-Type"] == "application/json"
    assert_error(response, 404, "not_found")


# --- bodies no parser should choke on ---------------------------------------------------------

DEEP_JSON = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/me/credit-claims/"])
def test_json_nested_too_deeply_is_a_400_in_the_error_shape(learner, unchanged, signed_in, url):
    client = api_client_for(learner) if signed_in else APIClient()

    response = unchanged(
        lambda: client.generic("POST", url, DEEP_JSON, content_type="application/json")
    )

    if signed_in or url.endswith("token/"):
        error = assert_error(response, 400, "parse_error")
        assert error["message"] == "The JSON is nested too deeply."
    else:  # nobody signed in: refused before the body is read
        assert response.status_code in (401, 403)
        assert_error(response, response.status_code, "not_authenticated")


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/me/credit-claims/"])
def test_a_body_over_the_limit_is_a_413_in_the_error_shape(learner, unchanged, content_type, url):
    client = api_client_for(learner)
    body = (
        "x=" + "a" * 3_000_000
        if content_type.endswith("urlencoded")
        else '"' + "a" * 3_000_000 + '"'
    )

    response = unchanged(lambda: client.generic("POST", url, body, content_type=content_type))

    error = assert_error(response, 413, "too_large")
    assert error["message"] == "The request is over 2.5 MB, the most a request may carry."
