"""A resident sees their due dates, in a real browser: the course page, the dashboard and the
quiz page say what is due and what is overdue, in the cohort's zone; the profile gives a
calendar address. Screenshots at 1280 and 390 px in test-artifacts/issue17/."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from courses.models import Cohort, Enrolment, ModuleDueDate
from tests.browser.test_accounts import shoot
from tests.browser.test_learner_flow import log_in
from tests.cohorts import add_learners
from tests.factories import UserFactory, build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_sees_what_is_due_and_what_is_overdue(page: Page, live_server, artifacts_dir):
    course = build_course(modules=2, questions=2, title="Clinical Leadership Essentials")
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
        time_zone="America/Chicago",
    )
    director = UserFactory(username="okafor", full_name="Dr. Samuel Okafor")
    cohort.directors.add(director)
    today = timezone.now().astimezone(cohort.zone).date()
    first, second = course.modules.order_by("position")
    ModuleDueDate.objects.create(cohort=cohort, module=first, due_on=today - timedelta(days=2))
    ModuleDueDate.objects.create(cohort=cohort, module=second, due_on=today + timedelta(days=5))
    [enrolment] = add_learners(cohort, 1, prefix="maya")
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=timezone.now() - timedelta(days=30)
    )

    log_in(page, "maya0")
    card = page.locator(".card", has_text="Clinical Leadership Essentials")
    expect(card.locator("li.overdue")).to_contain_text(f"{first.title}: Not started · overdue")
    expect(card).to_contain_text(
        f"{second.title}: Not started · due {(today + timedelta(days=5)):%-d %b}"
    )
    shoot(page, artifacts_dir, "due-dates-dashboard")

    card.get_by_role("link", name="Clinical Leadership Essentials", exact=True).click()
    overdue = page.locator(f"#module-{first.id} .due")
    expect(overdue).to_contain_text("Overdue: was due by the end of")
    expect(overdue).to_contain_text("(America/Chicago time)")
    expect(page.locator(f"#module-{second.id} .due")).to_contain_text(
        f"Due by the end of {(today + timedelta(days=5)):%A %-d %B %Y}"
    )
    shoot(page, artifacts_dir, "due-dates-course")

    page.locator(f"#module-{second.id}").get_by_role("link", name="Quiz:").first.click()
    expect(page.locator(".due")).to_contain_text(f"{(today + timedelta(days=5)):%A %-d %B %Y}")
    shoot(page, artifacts_dir, "due-dates-quiz")

    page.goto("/me/profile/#calendar")
    page.get_by_role("button", name="Get my calendar address").click()
    expect(page.get_by_text("Your calendar address is ready")).to_be_visible()
    expect(page.get_by_label("Your calendar address")).to_have_value(
        re.compile(r"/calendar/[\w-]{43}/due-dates\.ics$")
    )
    shoot(page, artifacts_dir, "due-dates-calendar")
