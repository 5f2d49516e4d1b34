"""Cohort membership with consent in headless Chromium (issue 18, point 1): a director invites a
resident who already has an account; the roster shows only the address, "Invited"; the
resident accepts from the "Cohort invitations" panel of their dashboard and joins the cohort.

Screenshots at desktop and phone widths go to test-artifacts/issue18/consent-*.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from courses.models import Cohort, CohortInvitation, Enrolment
from tasks.enqueue import SEND_COHORT_INVITATION
from tests.browser.test_director import program_director
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "issue18"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(folder / f"consent-{name}-{label}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


def _log_in(page: Page, username: str) -> None:
    log_in(page, username)
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_resident_accepts_an_invitation_from_their_dashboard(
    page: Page, live_server, sends, shots
):
    today = timezone.localdate()
    course = build_course(modules=2, questions=1, title="Leading Interprofessional Rounds")
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents",
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=355),
    )
    cohort.directors.add(program_director())
    amara = UserFactory(
        username="amara", full_name="Amara Nwosu", email="amara.nwosu@hospital.example.org"
    )
    enrol(amara, course)  # she follows the course already, in no cohort

    # The director invites her address; the roster shows the address and "Invited", no name.
    _log_in(page, "okafor")
    page.goto(f"/cohorts/{cohort.id}/learners/")
    page.get_by_label("Email address").fill("Amara.Nwosu@hospital.example.org")
    page.get_by_role("button", name="Invite the learner").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation e-mailed to amara.nwosu@hospital.example.org"
    )
    invitations = page.get_by_role("region", name="Invitations table")
    expect(invitations.get_by_role("row")).to_have_count(2)
    expect(invitations.get_by_role("row").nth(1)).to_contain_text(
        "amara.nwosu@hospital.example.org"
    )
    expect(invitations.get_by_role("row").nth(1)).to_contain_text("Invited")
    expect(page.get_by_text("Amara Nwosu")).to_have_count(0)
    shots(page, "roster-invited")
    assert sends[SEND_COHORT_INVITATION].call_count == 1
    assert Enrolment.objects.get(user=amara).cohort is None

    # She signs in and answers from "My learning".
    page.context.clear_cookies()
    _log_in(page, "amara")
    page.goto("/")
    panel = page.get_by_role("region", name="Cohort invitations")
    expect(panel).to_contain_text("PGY-1 residents")
    expect(panel).to_contain_text("Leading Interprofessional Rounds")
    expect(panel).to_contain_text("Invited by Dr. Samuel Okafor.")
    expect(panel.get_by_role("button", name="Accept")).to_be_visible()
    expect(panel.get_by_role("button", name="Decline")).to_be_visible()
    shots(page, "invitation-panel")

    panel.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text(
        "You joined PGY-1 residents (Leading Interprofessional Rounds)."
    )
    expect(page.get_by_role("region", name="Cohort invitations")).to_have_count(0)
    assert Enrolment.objects.get(user=amara).cohort == cohort
    assert CohortInvitation.objects.get().status == "accepted"

    # The director now sees her by name on the dashboard, and the invitation is gone.
    page.context.clear_cookies()
    _log_in(page, "okafor")
    page.goto(f"/cohorts/{cohort.id}/")
    expect(page.get_by_role("list", name="Cohort at a glance")).to_contain_text("1 learners")
    expect(page.get_by_role("link", name="Amara Nwosu").first).to_be_visible()
    expect(page.get_by_role("region", name="Invitations table")).to_have_count(0)
