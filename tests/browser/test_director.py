"""The program director's pages in headless Chromium, exports built by a real Celery worker.

A director follows a cohort (who is behind, who failed, the charts, search, filter and sort),
opens a learner's attempts, and exports the matrix and the attempts; another creates a cohort,
adds learners one by one and from a CSV roster (previewed, with per-line errors), and sets due
dates. Dates are relative to today, so the dashboard's "overdue" and "inactive" hold any day.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import FilePayload, Page, expect

from courses.models import Cohort, CohortExport, CohortInvitation, Enrolment, ModuleDueDate
from courses.services.enrolment import lesson_complete
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.browser.conftest import worker_paused
from tests.browser.test_learner_flow import log_in, mark_page, page_was_kept
from tests.cohorts import add_learners, days_ago, set_progress
from tests.factories import UserFactory, build_course, wrong_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_TIMEOUT_MS = 60_000
COURSE_TITLE = "Leading Interprofessional Rounds"


def program_director(username="okafor", full_name="Dr. Samuel Okafor"):
    user = UserFactory(username=username, full_name=full_name)
    user.user_permissions.add(Permission.objects.get(codename="add_cohort"))
    return user


@pytest.fixture
def followed_cohort(db):
    """Ten residents a hundred days into a course: done, failing, stalled, absent, on track."""
    today = timezone.localdate()
    course = build_course(modules=2, questions=3, title=COURSE_TITLE)
    instructor = UserFactory(username="raman", full_name="Dr. Priya Raman")
    course.instructors.add(instructor)
    director = program_director()
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
    amara, benjamin, chloe, _daniel, *others = add_learners(cohort, 10)
    Enrolment.objects.filter(cohort=cohort).update(enrolled_at=days_ago(100))

    set_progress(amara, m1, status="passed", best=92, attempts=1, last_passed=True,
                 passed_at=days_ago(60), activity=days_ago(60))  # fmt: skip
    set_progress(amara, m2, status="passed", best=85, attempts=1, last_passed=True,
                 passed_at=days_ago(20), activity=days_ago(20))  # fmt: skip
    Enrolment.objects.filter(pk=amara.pk).update(status="completed", completed_at=days_ago(20))
    # Benjamin really took the first quiz twice and failed both times.
    quiz = m1.quizzes.get()
    for lesson in m1.lessons.all():
        lesson_complete(user=benjamin.user, lesson=lesson)
    for _ in range(2):
        attempt, _ = attempt_start(user=benjamin.user, quiz=quiz)
        attempt_submit(user=benjamin.user, attempt_id=attempt.id, responses=wrong_answers(attempt))
        attempt_grade(attempt_id=attempt.id)
    set_progress(chloe, m1, status="passed", best=75, attempts=1, last_passed=True,
                 passed_at=days_ago(50), activity=days_ago(50))  # fmt: skip
    set_progress(chloe, m2, status="in_progress", activity=days_ago(40))
    for n, enrolment in enumerate(others):
        when = days_ago(40 - n)
        set_progress(enrolment, m1, status="passed", best=70 + 5 * n, attempts=1 + n % 2,
                     last_passed=True, passed_at=when, activity=when)  # fmt: skip
        set_progress(enrolment, m2, status="in_progress", activity=days_ago(1 + n))
    return cohort, director, instructor


def test_a_director_sees_who_is_behind_opens_attempts_and_exports(
    page: Page, live_server, celery_worker, followed_cohort, artifacts_dir
):
    cohort, _, _ = followed_cohort
    log_in(page, "okafor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts").click()
    expect(page.get_by_role("heading", name="My cohorts", level=1)).to_be_visible()
    listing = page.get_by_role("row").filter(has_text="PGY-1 residents")
    expect(listing.get_by_role("cell").nth(2)).to_have_text("10")
    listing.get_by_role("link", name="PGY-1 residents").click()
    expect(page).to_have_url(f"{live_server.url}/cohorts/{cohort.id}/")

    # At a glance: size, completion, who is at risk and why.
    stats = page.get_by_role("list", name="Cohort at a glance")
    expect(stats).to_contain_text("10 learners")
    expect(stats).to_contain_text("10% completed the course (1)")
    expect(stats).to_contain_text("3 at risk")
    at_risk = page.locator("#at-risk")
    expect(at_risk.get_by_role("link")).to_have_text(
        ["Benjamin Cohen", "Chloé Dubois", "Daniel Kim"]
    )
    benjamin = at_risk.get_by_role("listitem").filter(has_text="Benjamin Cohen")
    expect(benjamin).to_contain_text("Overdue: Module 1 (due ")
    expect(benjamin).to_contain_text("Failed the last attempt: Module 1")
    expect(at_risk).to_contain_text("No activity for 40 days")
    expect(at_risk).to_contain_text("No activity since joining, 100 days ago")

    # The charts are server-drawn SVG, described for screen readers.
    expect(
        page.get_by_role("img", name=re.compile(r"Module passes .* reached 45\.0%"))
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Module [12]: best scores of"))).to_have_count(
        2
    )
    expect(page.locator("svg polyline")).to_have_count(2)

    # The matrix: a row per learner, a cell per module.
    matrix = page.get_by_role("table", name=re.compile("Learners by modules"))
    rows = matrix.locator("tbody tr")
    expect(rows).to_have_count(10)
    benjamin_row = rows.filter(has_text="Benjamin Cohen")
    expect(benjamin_row.locator("td.cell").first).to_have_class(re.compile(r"\boverdue\b"))
    expect(benjamin_row.locator("td.cell").first).to_contain_text("0% ·2")
    page.screenshot(path=str(artifacts_dir / "director-dashboard.png"), full_page=True)

    # Search (accents need not be typed), filter, sort.
    page.get_by_label("Search").fill("chloe")
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_contain_text("Chloé Dubois")
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Show").select_option("at_risk")
    page.get_by_role("button", name="Apply").click()
    expect(rows.get_by_role("rowheader")).to_contain_text(
        ["Benjamin Cohen", "Chloé Dubois", "Daniel Kim"]
    )
    page.get_by_label("Show").select_option("all")
    page.get_by_role("button", name="Apply").click()
    matrix.get_by_role("link", name="Progress").click()
    matrix.get_by_role("link", name="Progress").click()
    expect(matrix.get_by_role("columnheader", name="Progress")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(rows.first.get_by_role("rowheader")).to_contain_text("Amara Nwosu")

    # A learner's row opens their attempts.
    rows.get_by_role("link", name="Benjamin Cohen").click()
    expect(page.get_by_role("heading", name="Benjamin Cohen", level=1)).to_be_visible()
    attempts = page.locator("table.attempts tbody tr")
    expect(attempts).to_have_count(2)
    expect(attempts.first).to_contain_text("Module 1 quiz")
    expect(attempts.first).to_contain_text("Not passed")
    page.screenshot(path=str(artifacts_dir / "director-learner.png"), full_page=True)
    page.go_back()

    # Exports: a worker builds them; the list shows progress, then a download link.
    exports = page.locator("#exports")
    for kind, format, label in (
        ("matrix", "xlsx", "Progress matrix · Excel (XLSX)"),
        ("attempts", "csv", "All attempts · CSV"),
    ):
        exports.get_by_label("Report").select_option(kind)
        exports.get_by_label("Format").select_option(format)
        item = page.locator("#export-list li").first
        if kind == "matrix":
            # With the worker held, the row waits with an empty progress bar; once released,
            # htmx polls it in place (no reload) until the download link appears.
            with worker_paused(celery_worker):
                exports.get_by_role("button", name="Export").click()
                expect(item).to_contain_text(label)
                expect(item.get_by_role("status")).to_have_text("Waiting for a worker")
                expect(item.get_by_role("progressbar", name="Export progress")).to_be_visible()
                mark_page(page)
        else:
            exports.get_by_role("button", name="Export").click()
            expect(item).to_contain_text(label)
        expect(item.get_by_role("link", name="Download")).to_be_visible(timeout=WORKER_TIMEOUT_MS)
        assert page_was_kept(page), "The export's progress reloaded the page"
        with page.expect_download() as download_info:
            item.get_by_role("link", name="Download").click()
        download = download_info.value
        assert download.failure() is None
        assert download.suggested_filename.endswith(f".{format}")
        if format == "xlsx":
            workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
            sheet = workbook["Progress matrix"]
            names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
            assert names[:4] == ["Amara Nwosu", "Benjamin Cohen", "Chloé Dubois", "Daniel Kim"]
            assert len(names) == 10
        else:
            with open(download.path(), encoding="utf-8-sig") as f:
                lines = list(csv.reader(f))
            assert lines[0][:7] == [
                "Learner", "Email", "Module position", "Module", "Quiz", "Attempt", "State"
            ]  # fmt: skip
            assert [(r[0], r[4], r[5], r[6], r[13], r[14]) for r in lines[1:]] == [
                ("Benjamin Cohen", "Module 1 quiz", "1", "Graded", "0.00", "no"),
                ("Benjamin Cohen", "Module 1 quiz", "2", "Graded", "0.00", "no"),
            ]
    expect(page.locator("#export-list li")).to_have_count(2)
    exports.screenshot(path=str(artifacts_dir / "director-exports.png"))
    assert list(CohortExport.objects.values_list("status", flat=True)) == ["ready", "ready"]


def test_a_director_creates_a_cohort_adds_learners_and_sets_due_dates(
    page: Page, live_server, celery_worker, artifacts_dir
):
    today = timezone.localdate()
    course = build_course(modules=2, questions=3, title=COURSE_TITLE)
    program_director("halvorsen", "Dr. Ingrid Halvorsen")
    UserFactory(username="priya", full_name="Priya Menon", email="priya.menon@hospital.example.org")

    log_in(page, "halvorsen")
    page.goto("/cohorts/")
    page.get_by_role("link", name="Create a cohort").click()
    page.get_by_label("Course").select_option(label=course.title)
    page.get_by_label("Name").fill("Nurse managers 2026")
    page.get_by_label("Start date").fill(f"{today - timedelta(days=10):%Y-%m-%d}")
    page.get_by_label("End date").fill(f"{today - timedelta(days=20):%Y-%m-%d}")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The cohort must end on or after the day it starts."
    )
    assert not Cohort.objects.exists()
    page.get_by_label("End date").fill(f"{today + timedelta(days=355):%Y-%m-%d}")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", name="Add learners to Nurse managers 2026")).to_be_visible()
    cohort = Cohort.objects.get()

    # One by one: a bad address is refused beside the field; a good one is invited.
    page.get_by_label("Email address").fill("noor@")
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_role("button", name="Invite the learner").click()
    expect(page.get_by_role("alert")).to_have_text("“noor@” is not a valid email address.")
    page.get_by_label("Email address").fill("noor.haddad@hospital.example.org")
    page.get_by_role("button", name="Invite the learner").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation e-mailed to noor.haddad@hospital.example.org: they join the cohort once "
        "they accept."
    )
    expect(page.locator("#invitations tbody tr")).to_have_text(
        re.compile(r"Invited\s+noor\.haddad@hospital\.example\.org")
    )

    # A roster with mistakes: previewed line by line, nothing saved, no way to confirm.
    page.get_by_label("Roster (CSV)").set_input_files(
        files=[
            FilePayload(
                name="nurse-managers.csv",
                mimeType="text/csv",
                buffer=(
                    "email,full_name\n"
                    "priya.menon@hospital.example.org,\n"
                    "tomas.lindgren@hospital.example.org,Tomás Lindgren\n"
                    "Tomas.Lindgren@hospital.example.org,Tomás Lindgren\n"
                    "noor.haddad@hospital.example.org,Noor Haddad\n"
                    "wen.li@hospital,Wen Li\n"
                ).encode(),
            )
        ]
    )
    page.get_by_role("button", name="Preview the roster").click()
    expect(page.get_by_role("heading", name="Roster preview")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("2 lines of the roster need correcting.")
    table = page.locator("table.roster tbody tr")
    expect(table).to_have_count(5)
    expect(table.nth(2)).to_contain_text("Error: Duplicate of line 3.")
    # Priya has an account: her line reads like any other, with no name from her account.
    expect(table.nth(0)).to_contain_text("An invitation will be e-mailed")
    expect(table.nth(0)).not_to_contain_text("Priya Menon")
    expect(table.nth(3)).to_contain_text("Invited already: waiting for their answer.")
    expect(table.nth(4)).to_contain_text("Error: “wen.li@hospital” is not a valid email address.")
    expect(page.get_by_role("button", name=re.compile("^Confirm"))).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "director-roster-errors.png"), full_page=True)
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    assert CohortInvitation.objects.filter(cohort=cohort).count() == 1

    # The corrected file: previewed, then confirmed.
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Roster (CSV)").set_input_files(
        files=[
            FilePayload(
                name="nurse-managers.csv",
                mimeType="text/csv",
                buffer=(
                    "email,full_name\n"
                    "priya.menon@hospital.example.org,\n"
                    "tomas.lindgren@hospital.example.org,Tomás Lindgren\n"
                    "noor.haddad@hospital.example.org,Noor Haddad\n"
                ).encode(),
            )
        ]
    )
    page.get_by_role("button", name="Preview the roster").click()
    expect(page.get_by_text("Nothing is saved yet.")).to_be_visible()
    assert CohortInvitation.objects.filter(cohort=cohort).count() == 1
    page.get_by_role("button", name="Confirm and invite 2 learners").click()
    expect(page).to_have_url(f"{live_server.url}/cohorts/{cohort.id}/")
    expect(page.get_by_role("status")).to_contain_text(
        "2 learners invited by e-mail: they join the cohort once they accept; 1 left as it "
        "was (in the cohort or invited already)."
    )
    # Nobody has accepted yet: no learner on the dashboard, three addresses invited.
    expect(page.get_by_role("list", name="Cohort at a glance")).to_contain_text("0 learners")
    expect(page.locator("#invitations tbody tr")).to_have_count(3)
    expect(page.get_by_text("Priya Menon")).to_have_count(0)

    # Due dates: not before the cohort starts.
    page.get_by_role("link", name="Set due dates").click()
    page.get_by_label("1. Module 1").fill(f"{today - timedelta(days=11):%Y-%m-%d}")
    page.get_by_label("2. Module 2").fill(f"{today + timedelta(days=30):%Y-%m-%d}")
    page.get_by_role("button", name="Save the due dates").click()
    expect(page.get_by_role("alert")).to_contain_text("is before the cohort starts")
    page.screenshot(path=str(artifacts_dir / "director-due-dates-error.png"), full_page=True)
    assert not ModuleDueDate.objects.exists()
    page.get_by_label("1. Module 1").fill(f"{today + timedelta(days=14):%Y-%m-%d}")
    page.get_by_role("button", name="Save the due dates").click()
    expect(page.get_by_role("status")).to_contain_text("Due dates saved.")
    modules = page.get_by_role("table").filter(has_text="Average best score")
    expect(modules.get_by_role("row").nth(1)).to_contain_text(
        f"{today + timedelta(days=14):%-d %b %Y}"
    )
    assert ModuleDueDate.objects.count() == 2


def test_an_instructor_looks_and_a_learner_finds_nothing(page: Page, live_server, followed_cohort):
    cohort, _, _ = followed_cohort
    log_in(page, "raman")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts").click()
    page.get_by_role("link", name="PGY-1 residents").click()
    expect(page.get_by_role("heading", name="PGY-1 residents", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Add learners")).to_have_count(0)
    response = page.goto(f"/cohorts/{cohort.id}/learners/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("Only the cohort's directors can change it.")

    page.context.clear_cookies()
    log_in(page, "resident0")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts")
    ).to_have_count(0)
    response = page.goto(f"/cohorts/{cohort.id}/")
    assert response is not None
    assert response.status == 404
