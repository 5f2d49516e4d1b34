"""A program director acts on what the pages show, in headless Chromium at desktop and phone
widths: a reminder and a due-date extension from a learner's page, a new learner's grace
period, the certificate job's account and the re-render confirmation, importing a roster's
valid rows, and an export that keeps the dashboard's filter.

Tasks are recorded by name instead of going to a broker (`sends`); the test runs the ones it
needs itself, so what the pages show next is what a worker's work would make them show.
"""

import csv
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from certificates.models import CertificateBatch
from certificates.services.batches import certificate_batch_run
from courses.cohorts.services.exports import cohort_export_build
from courses.cohorts.services.reminders import learner_reminder_deliver
from courses.models import (
    Cohort,
    CohortExport,
    CohortInvitation,
    DueDateExtension,
    Enrolment,
    ModuleDueDate,
)
from courses.selectors.due_dates import NEW_LEARNER_GRACE_DAYS
from tasks.enqueue import BUILD_COHORT_EXPORT, RUN_CERTIFICATE_BATCH, SEND_LEARNER_REMINDER
from tests.browser.test_director import program_director
from tests.browser.test_learner_flow import log_in
from tests.cohorts import add_learners, days_ago, set_progress
from tests.factories import UserFactory, build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "issue16"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(folder / f"director-{name}-{label}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


@pytest.fixture
def behind(db):
    """Residents of a credit-bearing course: module 1 was due a month ago. Amara and Benjamin
    have not passed it; Chloé has; Noor joined yesterday."""
    today = timezone.localdate()
    course = build_course(modules=2, questions=1, title="Leading Interprofessional Rounds")
    course.credit_type = "ama_pra_1"
    course.max_credits = Decimal("2.00")
    course.save()
    director = program_director()
    director.email = "okafor@hospital.example.org"
    director.save()
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents",
        start_date=today - timedelta(days=100),
        end_date=today + timedelta(days=265),
    )
    cohort.directors.add(director)
    m1, m2 = course.modules.order_by("position")
    ModuleDueDate.objects.create(cohort=cohort, module=m1, due_on=today - timedelta(days=30))
    ModuleDueDate.objects.create(cohort=cohort, module=m2, due_on=today + timedelta(days=30))
    amara, benjamin, chloe = add_learners(cohort, 3)
    Enrolment.objects.filter(cohort=cohort).update(enrolled_at=days_ago(100))
    for enrolment in (amara, benjamin):
        set_progress(enrolment, m1, status="in_progress", activity=days_ago(1))
    set_progress(chloe, m1, status="passed", best=90, attempts=1, last_passed=True,
                 passed_at=days_ago(3), activity=days_ago(3))  # fmt: skip
    (noor,) = add_learners(cohort, 1, prefix="noor")
    noor.user.full_name = "Noor Haddad"
    noor.user.save()
    Enrolment.objects.filter(pk=noor.pk).update(enrolled_at=days_ago(1))
    return cohort, director, (amara, benjamin, chloe, noor), (m1, m2)


def _log_in(page: Page, username: str = "okafor") -> None:
    log_in(page, username)
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_director_reminds_a_learner_and_extends_a_due_date(
    page: Page, live_server, behind, sends, shots
):
    cohort, _, (_, _, _, noor), (m1, _) = behind
    _log_in(page)
    page.goto(f"/cohorts/{cohort.id}/")
    at_risk = page.locator("#at-risk")
    expect(at_risk.get_by_role("link")).to_have_text(["Amara Nwosu", "Benjamin Cohen"])
    # Noor joined yesterday: module 1's past due date does not put her at risk.
    expect(at_risk).not_to_contain_text("Noor Haddad")

    at_risk.get_by_role("link", name="Amara Nwosu").click()
    expect(page.get_by_role("heading", name="Amara Nwosu", level=1)).to_be_visible()
    reminder = page.locator("#reminder")
    expect(reminder).to_contain_text("No reminder sent yet.")
    reminder.get_by_role("button", name="Send a reminder").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Reminder sent to resident0@hospital.example.org about 2 unfinished modules."
    )
    (reminder_id,) = sends[SEND_LEARNER_REMINDER].call_args.args
    assert learner_reminder_deliver(reminder_id=reminder_id)
    (message,) = mail.outbox
    assert "Module 1: Module 1 (overdue: due " in message.body
    page.reload()
    expect(reminder.locator("#last-reminder")).to_contain_text("(delivered)")
    expect(reminder).to_contain_text("One reminder a day at most: the next can be sent from")
    expect(reminder.get_by_role("button", name="Send a reminder")).to_have_count(0)

    # A later due date for module 1, for Amara alone: she is no longer overdue.
    extensions = page.locator("#extensions")
    new_date = timezone.localdate() + timedelta(days=14)
    extensions.get_by_label("Module").select_option(label="1. Module 1")
    extensions.get_by_label("New due date").fill(new_date.isoformat())
    extensions.get_by_label("Reason (optional)").fill("Parental leave in October")
    extensions.get_by_role("button", name="Extend the due date").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Module 1 is now due on {new_date:%-d %B %Y} for Amara Nwosu."
    )
    modules = page.get_by_role("table").filter(has_text="Due for Amara Nwosu")
    row = modules.get_by_role("row").filter(has_text="1. Module 1")
    expect(row).to_contain_text(f"{new_date:%-d %b %Y} extended")
    expect(row.get_by_role("cell").nth(1)).not_to_have_class(re.compile(r"\boverdue\b"))
    expect(page.locator("dl.facts")).to_contain_text("At riskNo")
    expect(extensions.get_by_role("list", name="Extensions granted")).to_contain_text(
        "Parental leave in October"
    )
    assert DueDateExtension.objects.get().module_id == m1.id
    shots(page, "learner-actions")

    # The dashboard agrees: only Benjamin is still at risk.
    page.goto(f"/cohorts/{cohort.id}/")
    expect(page.locator("#at-risk").get_by_role("link")).to_have_text(["Benjamin Cohen"])

    # Noor's page says why she is not at risk yet.
    page.goto(f"/cohorts/{cohort.id}/learners/{noor.user_id}/")
    until = timezone.localdate() + timedelta(days=NEW_LEARNER_GRACE_DAYS - 2)
    expect(page.locator("dl.facts")).to_contain_text(
        f"no module counts as overdue for them until after {until:%-d %B %Y}."
    )
    shots(page, "new-learner")


def test_the_certificate_job_explains_itself_and_re_rendering_asks_first(
    page: Page, live_server, browser, behind, sends, shots
):
    cohort, _, _, _ = behind
    # Fifteen more residents completed the course; none has claimed their credit yet.
    done = add_learners(cohort, 15, prefix="done")
    Enrolment.objects.filter(pk__in=[e.pk for e in done]).update(
        status="completed", completed_at=days_ago(2)
    )
    _log_in(page)
    page.goto(f"/cohorts/{cohort.id}/")
    page.get_by_role("link", name="Certificates", exact=True).click()
    expect(page.get_by_role("heading", name="Certificates: PGY-1 residents")).to_be_visible()
    expect(page.locator("#standing")).to_contain_text(
        "15 completed but have not claimed their credit yet"
    )

    page.get_by_role("button", name="Issue missing certificates").click()
    progress = page.locator("#batch-progress")
    expect(progress.locator(".batch-status")).to_have_text("Queued")
    (batch_id,) = sends[RUN_CERTIFICATE_BATCH].call_args.args
    certificate_batch_run(batch_id=batch_id)
    expect(progress.locator(".batch-status")).to_have_text("Done")
    expect(progress).not_to_contain_text("0 of 0 done")
    expect(progress.locator(".batch-outcome")).to_have_text(
        "Nobody was included: no learner was waiting for a certificate the job could issue."
    )
    left_out = progress.get_by_role("list", name="Learners the job did not include")
    expect(left_out).to_contain_text(
        "15 learners have completed but have not claimed their credit yet; certificates are "
        "issued once they claim."
    )
    expect(left_out).to_contain_text("4 learners have not completed the course yet.")
    shots(page, "certificates")

    # Re-rendering is destructive: with JavaScript a dialog asks; dismissed, nothing starts.
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Re-render ready certificates").click()
    expect(progress.locator(".batch-outcome")).to_be_visible()
    assert dialogs and dialogs[0].startswith("Re-render all 0 ready certificates of")
    assert CertificateBatch.objects.count() == 1

    # Without JavaScript the page asks instead.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        plain = context.new_page()
        _log_in(plain)
        plain.goto(f"/cohorts/{cohort.id}/certificates/")
        plain.get_by_role("button", name="Re-render ready certificates").click()
        confirm = plain.get_by_role("alert").filter(has_text="Re-render 0 ready certificates?")
        expect(confirm).to_contain_text("This cannot be undone.")
        assert CertificateBatch.objects.count() == 1
        shots(plain, "certificates-confirm")
        confirm.get_by_role("button", name="Yes, re-render 0 certificates").click()
        expect(plain.locator("#batch-progress")).to_contain_text("Re-render ready certificates")
        assert CertificateBatch.objects.filter(kind="rerender").count() == 1
    finally:
        context.close()


def test_a_director_imports_the_valid_rows_of_a_roster(
    page: Page, live_server, behind, sends, shots
):
    cohort, _, _, _ = behind
    _log_in(page)
    page.goto(f"/cohorts/{cohort.id}/learners/")
    roster = (
        "email,full_name\n"
        "farid@hospital.example.org,Farid Haddad\n"
        "not-an-address,Grace O'Connor\n"
        "hiroshi@hospital.example.org,Hiroshi Tanaka\n"
        "resident0@hospital.example.org,Amara Nwosu\n"
        "isabel@hospital.example.org,Isabel Ortiz,PGY-1\n"
    )
    page.get_by_label("Roster (CSV)").set_input_files(
        FilePayload(name="roster.csv", mimeType="text/csv", buffer=roster.encode())
    )
    page.get_by_role("button", name="Preview the roster").click()
    expect(page.get_by_role("alert")).to_contain_text("2 lines of the roster need correcting.")
    page.get_by_role("button", name="Import the 2 valid rows").click()

    expect(page.get_by_role("heading", name="Roster imported")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 learners invited by e-mail")
    left_out = page.locator(".roster-not-imported")
    expect(left_out).to_contain_text("2 lines of the roster were not imported:")
    expect(left_out).to_contain_text(
        "Line 3 (not-an-address): “not-an-address” is not a valid email address."
    )
    expect(left_out).to_contain_text(
        "Line 6 (isabel@hospital.example.org): This line has 3 fields; the header has 2."
    )
    shots(page, "roster-valid-rows")
    invited = set(
        CohortInvitation.objects.filter(cohort=cohort, status="invited").values_list(
            "email", flat=True
        )
    )
    assert invited == {"farid@hospital.example.org", "hiroshi@hospital.example.org"}


def test_an_export_keeps_the_dashboards_filter(page: Page, live_server, behind, sends, shots):
    cohort, _, _, _ = behind
    _log_in(page)
    page.goto(f"/cohorts/{cohort.id}/")
    page.get_by_label("Show").select_option("at_risk")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#export-filter-note")).to_contain_text("Show: At risk")

    exports = page.locator("#exports")
    exports.get_by_label("Report").select_option("matrix")
    exports.get_by_label("Format").select_option("csv")
    exports.get_by_role("button", name="Export").click()
    item = page.locator("#export-list li").first
    expect(item).to_contain_text("Filtered: At risk")
    (export_id,) = sends[BUILD_COHORT_EXPORT].call_args.args
    cohort_export_build(export_id=export_id)
    expect(item.get_by_role("link", name="Download")).to_be_visible()
    shots(page, "export-filter")

    with page.expect_download() as download_info:
        item.get_by_role("link", name="Download").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert lines[0][0].startswith("Filter: Show: At risk; sorted by Name. 2 of 4 learners")
    assert lines[1][0] == "Learner"
    assert [line[0] for line in lines[2:]] == ["Amara Nwosu", "Benjamin Cohen"]
    assert CohortExport.objects.get().status == "ready"


def test_a_learner_of_another_director_has_no_actions(page: Page, live_server, behind):
    cohort, _, (amara, *_), _ = behind
    instructor = UserFactory(username="raman", full_name="Dr. Priya Raman")
    cohort.course.instructors.add(instructor)
    _log_in(page, "raman")
    page.goto(f"/cohorts/{cohort.id}/learners/{amara.user_id}/")
    expect(page.get_by_role("heading", name="Amara Nwosu", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Send a reminder")).to_have_count(0)
    expect(page.get_by_role("button", name="Extend the due date")).to_have_count(0)
