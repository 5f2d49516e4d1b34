"""Accounts in headless Chromium: the password reset by e-mail, the profile, the sign-up; with
screenshots at desktop (1280 px) and phone (390 px) widths in test-artifacts/issue17/."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services.passwords import password_reset_mail_send
from tasks.enqueue import SEND_PASSWORD_RESET
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "night shift handover 42"


def shoot(page: Page, artifacts_dir: Path, name: str) -> None:
    """accounts-<name>-<width>.png at 1280 and 390 px, laid out afresh at each width."""
    folder = artifacts_dir / "issue17"
    folder.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"accounts-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_resident_resets_a_forgotten_password_from_the_log_in_page(
    page: Page, live_server, settings, artifacts_dir, sends
):
    settings.SITE_URL = live_server.url
    # The page enqueues the e-mail; its task's service runs where the worker would.
    sends[SEND_PASSWORD_RESET].side_effect = lambda user_id: password_reset_mail_send(
        user_id=user_id
    )
    UserFactory(username="maya", full_name="Maya Okafor", email="maya.okafor@hospital.org")
    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    shoot(page, artifacts_dir, "reset-form")

    page.get_by_label("E-mail address").fill("Maya.Okafor@hospital.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    shoot(page, artifacts_dir, "reset-sent")

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/reset/\S+/", str(mail.outbox[0].body))
    assert link
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    expect(page.get_by_text("Your username is maya")).to_be_visible()
    # The site's validators, beside the field.
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("New password confirmation").fill("password")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    shoot(page, artifacts_dir, "reset-choose")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()
    shoot(page, artifacts_dir, "reset-done")

    page.get_by_role("link", name="Log in").last.click()
    log_in(page, "maya", NEW_PASSWORD)
    expect(page.get_by_role("button", name="Log out Maya Okafor").first).to_be_attached()


def test_an_unknown_address_sees_the_same_page_and_gets_nothing(page: Page, live_server):
    page.goto("/password-reset/")
    page.get_by_label("E-mail address").fill("nobody@hospital.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert mail.outbox == []


def test_a_resident_sets_the_profile_from_the_menu(page: Page, live_server, artifacts_dir):
    UserFactory(username="maya", full_name="Maya Okafor")
    log_in(page, "maya")
    page.locator(".nav-wide").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    expect(page.get_by_label("Full name, as printed on your certificates")).to_have_value(
        "Maya Okafor"
    )
    shoot(page, artifacts_dir, "profile")

    page.get_by_label("Full name, as printed on your certificates").fill("Maya A. Okafor")
    page.get_by_label("Show dates and times in").select_option("America/Toronto")
    page.get_by_label("E-mail me reminders").uncheck()
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Show dates and times in")).to_have_value("America/Toronto")
    expect(page.get_by_label("E-mail me reminders")).not_to_be_checked()
    expect(page.get_by_text(re.compile(r"Now it is .* E[SD]T in the zone"))).to_be_visible()
    user = User.objects.get(username="maya")
    assert (user.full_name, user.time_zone, user.reminder_emails) == (
        "Maya A. Okafor",
        "America/Toronto",
        False,
    )
    shoot(page, artifacts_dir, "profile-saved")

    # A name that is too long is shown beside its field.
    page.get_by_label("Full name, as printed on your certificates").evaluate(
        "el => el.removeAttribute('maxlength')"
    )
    page.get_by_label("Full name, as printed on your certificates").fill("M" * 201)
    page.get_by_role("button", name="Save my profile").click()
    expect(page.locator(".field-error")).to_contain_text("200 characters")


def test_the_menu_on_a_phone_links_to_the_profile(page: Page, live_server):
    UserFactory(username="maya", full_name="Maya Okafor")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "maya")
    page.get_by_text("Menu").click()
    page.locator(".nav-compact").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()


def test_sign_up_when_the_site_allows_it(page: Page, live_server, settings, artifacts_dir):
    settings.ACCOUNTS_SELF_REGISTRATION = True
    page.goto("/login/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    shoot(page, artifacts_dir, "sign-up")
    page.get_by_label("Full name, as it should appear on your certificates").fill("Amara Nwosu")
    page.get_by_label("E-mail address").fill("amara.nwosu@hospital.org")
    page.get_by_label("Password", exact=True).fill("12345")
    page.get_by_label("Password again").fill("12345")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    shoot(page, artifacts_dir, "sign-up-errors")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("your username is amara.nwosu@hospital.org")).to_be_visible()
    assert User.objects.filter(email="amara.nwosu@hospital.org").exists()


def test_sign_up_is_not_there_by_default(page: Page, live_server):
    response = page.goto("/sign-up/")
    assert response is not None and response.status == 404
    page.goto("/login/")
    expect(page.get_by_role("link", name="Create an account")).to_have_count(0)
