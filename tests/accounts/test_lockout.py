"""Log-in protection (django-axes): failures per account and address, never successes, on the
site's log-in, the admin's and the API token endpoint."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOSPITAL = "203.0.113.10"  # one address for a whole hospital network (NAT)
ELSEWHERE = "198.51.100.7"


def site_login(username: str, password: str, address: str = HOSPITAL, path: str = "/login/"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password})
    return client, response


def token(username: str, password: str, address: str = HOSPITAL):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


@pytest.fixture
def residents(db):
    return [UserFactory(username=f"resident{n:02d}") for n in range(60)]


def test_sixty_residents_log_in_from_one_address_within_a_minute(residents):
    for resident in residents:
        client, response = site_login(resident.username, PASSWORD)
        assert response.status_code == 302, resident.username
        assert client.session["_auth_user_id"] == str(resident.pk)
    assert not AccessAttempt.objects.exists()  # successes never count


def test_sixty_residents_get_api_tokens_from_one_address_within_a_minute(residents):
    for resident in residents:
        response = token(resident.username, PASSWORD)
        assert response.status_code == 200, resident.username
        assert response.json()["token"]


def test_a_resident_who_mistypes_once_still_gets_in_and_the_slate_is_cleared(learner):
    assert site_login("learner", "wrong")[1].status_code == 200
    assert AccessAttempt.objects.filter(username="learner").exists()
    assert site_login("learner", PASSWORD)[1].status_code == 302
    assert not AccessAttempt.objects.filter(username="learner").exists()


def test_a_guessed_password_is_locked_out_for_that_account_and_address_only(
    learner, other_learner, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert site_login("learner", "guess")[1].status_code == 200
    _, locked = site_login("learner", "guess")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Log-in paused for this account" in page
    assert "try again in 15 minutes" in page
    assert 0 < int(locked["Retry-After"]) <= 15 * 60

    # Even the right password is refused from that address while the pause lasts...
    client, response = site_login("learner", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...and the refused tries are not counted: the wait stays what the page said.
    assert AccessAttempt.objects.get(username="learner").failures_since_start == 5
    # The same account from another address and another account from the same address get in.
    assert site_login("learner", PASSWORD, address=ELSEWHERE)[1].status_code == 302
    assert site_login("other", PASSWORD)[1].status_code == 302


def test_the_lockout_ends_after_the_cool_off(learner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        site_login("learner", "guess")
    assert site_login("learner", PASSWORD)[1].status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )
    assert site_login("learner", PASSWORD)[1].status_code == 302


def test_failed_token_requests_count_and_a_locked_out_one_is_a_429_in_the_api_shape(
    learner, other_learner, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = token("learner", "guess")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"
    response = token("learner", "guess")
    assert response.status_code == 429
    body = response.json()["error"]
    assert body["code"] == "locked_out"
    assert "try again in 15 minutes" in body["message"]
    assert set(body) == {"code", "message", "details"}
    assert 0 < int(response["Retry-After"]) <= 15 * 60

    refused = token("learner", PASSWORD)
    assert refused.status_code == 429
    assert "token" not in refused.json()
    assert token("learner", PASSWORD, address=ELSEWHERE).status_code == 200
    assert token("other", PASSWORD).status_code == 200


def test_the_site_and_the_api_count_toward_one_lockout(learner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        site_login("learner", "guess")
    assert token("learner", "guess").status_code == 429
    assert site_login("learner", PASSWORD)[1].status_code == 429


def test_the_admin_log_in_is_covered(settings):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = site_login("admin", "guess", path="/admin/login/")[1]
        assert response.status_code == 200
    assert site_login("admin", "guess", path="/admin/login/")[1].status_code == 429
    client, response = site_login("admin", PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        site_login("admin", PASSWORD, path="/admin/login/", address=ELSEWHERE)[1].status_code == 302
    )


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(learner, settings):
    # NUM_PROXIES is 0: the address is REMOTE_ADDR, whatever X-Forwarded-For says.
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=HOSPITAL, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").post(
            "/login/", {"username": "learner", "password": "guess"}
        )
    assert site_login("learner", PASSWORD)[1].status_code == 429


def test_the_token_endpoint_documents_its_lockout_answer():
    schema = APIClient().get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorOutput"
    )
    assert "locked_out" in responses["429"]["description"]
