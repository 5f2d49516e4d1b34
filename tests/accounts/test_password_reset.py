"""Password reset by e-mail: Django's views, our templates, limits, and no account enumeration."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from accounts.models import User
from accounts.services.passwords import password_reset_mail_send
from tasks.enqueue import SEND_PASSWORD_RESET
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new ward password 2026"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://lms.example.org"
    cache.clear()  # the reset limits count in the cache
    yield
    cache.clear()


@pytest.fixture
def ask(sends, django_capture_on_commit_callbacks):
    """Post the reset form as `client`; the e-mail's task then runs as a worker would run it
    (its service, in this process), once the page's transaction has committed."""
    sends[SEND_PASSWORD_RESET].side_effect = lambda user_id: password_reset_mail_send(
        user_id=user_id
    )

    def post(client: Client, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/password-reset/", {"email": email}, follow=True)

    return post


def without_csrf_tokens(response) -> str:
    return re.sub(r'(X-CSRFToken": "|value=")[A-Za-z0-9]{32,}', "", response.content.decode())


def link_in(message) -> str:
    match = re.search(r"https://lms\.example\.org(/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_log_in_page_links_to_the_reset(client):
    page = client.get("/login/").content.decode()
    assert 'href="/password-reset/">Forgot your password?</a>' in page


def test_a_known_address_gets_a_plain_text_and_an_html_e_mail_with_a_working_link(
    ask, client, learner
):
    response = ask(client, "LEARNER@example.org ")  # any case, stray spaces
    assert response.redirect_chain == [("/password-reset/sent/", 302)]
    assert "If an account uses the address you entered" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["learner@example.org"]
    assert message.subject == "Reset your Leadership in Medicine password"
    assert "Dear Alex Rivera" in message.body and "Your username is learner" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert mimetype == "text/html"
    path = link_in(message)
    assert f'href="https://lms.example.org{path}"' in html  # from SITE_URL, not the Host header

    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/reset/done/"
    assert "Your password is changed" in done.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(path, follow=True).content.decode()
    assert "This link is no longer valid" in again


def test_an_unknown_address_gets_the_same_page_and_nothing_is_sent(ask, client, learner):
    known = ask(client, "learner@example.org")
    unknown = ask(client, "nobody@example.org")
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.status_code == known.status_code == 200
    assert without_csrf_tokens(unknown) == without_csrf_tokens(known)
    assert [m.to for m in mail.outbox] == [["learner@example.org"]]


def test_an_inactive_account_gets_nothing(ask, client):
    UserFactory(username="left", email="left@example.org", is_active=False)
    ask(client, "left@example.org")
    assert mail.outbox == []


def test_an_invited_learner_without_a_password_yet_can_set_one(ask, client):
    UserFactory(username="new@example.org", email="new@example.org", password=make_password(None))
    ask(client, "new@example.org")
    assert len(mail.outbox) == 1


def test_a_weak_new_password_is_refused_by_the_site_validators(ask, client, learner):
    ask(client, "learner@example.org")
    form = client.get(link_in(mail.outbox[0]), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_requests_from_one_address_are_limited(ask, client, settings):
    settings.ACCOUNTS_PASSWORD_RESET_RATE = "3/h"
    for n in range(3):
        assert ask(client, f"someone{n}@example.org").status_code == 200
    response = client.post("/password-reset/", {"email": "someone9@example.org"})
    assert response.status_code == 429
    assert "Too many requests from your network" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Another address is not held back.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert ask(other, "someone9@example.org").status_code == 200


def test_e_mails_to_one_address_are_limited_without_saying_so(ask, client, learner, settings):
    settings.ACCOUNTS_PASSWORD_RESET_EMAIL_RATE = "2/h"
    pages = [ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), "Learner@example.org") for n in range(4)]
    assert len(mail.outbox) == 2
    assert {p.redirect_chain[-1][0] for p in pages} == {"/password-reset/sent/"}


def test_a_completed_reset_ends_the_accounts_lockout(ask, client, learner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "learner", "password": "guess"})
    assert client.post("/login/", {"username": "learner", "password": PASSWORD}).status_code == 429
    ask(client, "learner@example.org")
    form = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert not AccessAttempt.objects.filter(username="learner").exists()
    response = client.post("/login/", {"username": "learner", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="learner").check_password(NEW_PASSWORD)
