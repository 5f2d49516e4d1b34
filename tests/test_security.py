"""Guards found in review: brute force, forged client addresses, hidden results, demo data."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.settings import api_settings

from courses.models import ModuleProgress
from quizzes.models import Quiz
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.conftest import api_client_for
from tests.factories import PASSWORD, enrol, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_auth_limit(monkeypatch, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "security-tests",
        }
    }
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "auth": "3/min", "verify": "3/min"}
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_login_page_pauses_an_account_guessed_too_often_from_one_address(
    client, learner, settings
):
    # django-axes, per account and address (tests/accounts/test_lockout.py has the rest).
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "learner", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/login/", {"username": "learner", "password": "wrong"})
    assert response.status_code == 429
    response = client.post("/login/", {"username": "learner", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session  # the right password does not get through


def test_a_forged_forwarded_for_header_does_not_reset_the_verify_limit(client, tight_auth_limit):
    statuses = [
        client.get(
            "/verify/ABCDE-FGHJK-MNPQR-STVWX/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


def test_a_malformed_code_in_the_verify_form_is_a_clear_400(client):
    response = client.get("/verify/", {"code": "a/b"})
    assert response.status_code == 400
    assert "That is not a verification code" in response.content.decode()


def test_progress_hides_a_result_the_quiz_review_options_hide(client, learner, course):
    enrolment = enrol(learner, course)
    quiz = course.modules.first().quizzes.get()
    Quiz.objects.filter(pk=quiz.pk).update(review_score=Quiz.ReviewWhen.NEVER)
    quiz.refresh_from_db()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=wrong_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    stored = ModuleProgress.objects.get(enrolment=enrolment, module=quiz.module)
    assert stored.status == ModuleProgress.Status.FAILED  # the read model keeps the truth

    body = api_client_for(learner).get("/api/v1/me/progress/").json()
    row = next(m for m in body["results"][0]["modules"] if m["module_id"] == quiz.module_id)
    assert (row["status"], row["score_percent"], row["best_score_percent"]) == (
        "result_hidden",
        None,
        None,
    )
    client.force_login(learner)
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Attempted: the result is shown when the quiz's review opens" in page
    assert "score 0" not in page


@override_settings(DEMO_DATA_ALLOWED=False)
def test_load_demo_refuses_where_demo_data_is_not_allowed():
    with pytest.raises(CommandError, match="refuse"):
        call_command("load_demo")
