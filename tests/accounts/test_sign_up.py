"""Self-registration: off by default (404); on, the site's rules for names, addresses and
passwords."""

import pytest
from django.core.cache import cache

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Dr. Amara  Nwosu",
    "email": "Amara.Nwosu@Hospital.org",
    "password1": "rounds before sunrise 7",
    "password2": "rounds before sunrise 7",
}


@pytest.fixture
def open_sign_up(settings):
    settings.ACCOUNTS_SELF_REGISTRATION = True
    cache.clear()
    yield
    cache.clear()


def test_off_by_default_the_page_is_not_there(client, settings):
    assert settings.ACCOUNTS_SELF_REGISTRATION is False
    assert client.get("/sign-up/").status_code == 404
    assert client.post("/sign-up/", GOOD).status_code == 404
    assert not User.objects.exists()
    assert "Create an account" not in client.get("/login/").content.decode()


def test_the_setting_comes_from_the_environment(monkeypatch):
    import environ

    monkeypatch.setenv("ACCOUNTS_SELF_REGISTRATION", "on")
    assert environ.Env().bool("ACCOUNTS_SELF_REGISTRATION", default=False) is True


def test_on_a_learner_signs_up_and_is_logged_in(client, open_sign_up):
    assert 'href="/sign-up/">Create an account</a>' in client.get("/login/").content.decode()
    response = client.post("/sign-up/", GOOD, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    user = User.objects.get()
    assert (user.username, user.email, user.full_name) == (
        "amara.nwosu@hospital.org",
        "amara.nwosu@hospital.org",
        "Dr. Amara Nwosu",
    )
    assert user.check_password(GOOD["password1"])
    assert not user.is_staff and not user.is_superuser
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "your username is amara.nwosu@hospital.org" in response.content.decode()


def test_an_address_already_in_use_in_any_case_is_refused(client, open_sign_up):
    UserFactory(username="amara", email="amara.nwosu@hospital.org")
    response = client.post("/sign-up/", GOOD)
    assert response.status_code == 409
    assert "An account already uses this address." in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"password1": "password", "password2": "password"}, "This password is too common."),
        ({"password1": "12345", "password2": "12345"}, "This password is too short."),
        ({"password1": "amara.nwosu@hospital", "password2": "amara.nwosu@hospital"}, "too similar"),
        ({"password2": "something else entirely"}, "The two passwords differ"),
        ({"full_name": "   "}, "This field is required."),
        ({"full_name": "y" * 201}, "at most 200 characters"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
    ],
)
def test_the_same_rules_as_everywhere(client, open_sign_up, change, problem):
    response = client.post("/sign-up/", {**GOOD, **change})
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not User.objects.exists()


def test_sign_ups_from_one_address_are_limited(client, open_sign_up, settings):
    settings.ACCOUNTS_PASSWORD_RESET_RATE = "1/h"
    client.post("/sign-up/", {**GOOD, "password2": "differs"})
    response = client.post("/sign-up/", GOOD)
    assert response.status_code == 429
    assert not User.objects.exists()
