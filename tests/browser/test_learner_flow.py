"""The learner's main flow in headless Chromium, graded and certified by a real Celery worker.

Log in, find the course in the catalogue, enrol, read every lesson (htmx), pass every quiz
(autosave, then the result page polls until the worker has graded), download the certificate
PDF the worker rendered, and verify it.
"""

import re
import time

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import Enrolment
from quizzes.models import Attempt
from tests.browser.conftest import worker_paused
from tests.factories import PASSWORD, UserFactory, build_course, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE_TITLE = "Leading Interprofessional Rounds"
QUESTIONS = 3
WORKER_TIMEOUT_MS = 60_000


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def mark_page(page: Page) -> None:
    """Tag the loaded document; `page_was_kept` is then true only if it was never reloaded."""
    page.evaluate("() => { window.__lmsSamePage = true; }")


def page_was_kept(page: Page) -> bool:
    return page.evaluate("() => window.__lmsSamePage === true")


def answer(page: Page, label: str) -> None:
    """Choose the answer labelled `label` and wait for the autosave to confirm it."""
    choice = page.get_by_label(label, exact=True)
    choice.check()
    expect(choice).to_be_checked()
    question = page.locator("fieldset").filter(has=choice)
    expect(question.locator("[aria-live]")).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d:\d\d"))


def test_learner_passes_every_module_and_verifies_the_certificate(
    page: Page, live_server, celery_worker, settings, artifacts_dir
):
    # Links to the verification page are absolute (SITE_URL): point them at this server.
    settings.SITE_URL = live_server.url
    course = build_course(modules=2, questions=QUESTIONS, title=COURSE_TITLE)
    maya = UserFactory(username="maya", full_name="Maya Okafor")
    modules = list(course.modules.order_by("position"))
    assert [m.title for m in modules] == ["Module 1", "Module 2"]

    # Log in; the dashboard offers the course in the catalogue.
    log_in(page, "maya")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="My learning", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Log out Maya Okafor")).to_be_visible()
    catalogue = page.locator("h2:text-is('Course catalogue') + ul")
    expect(catalogue.get_by_role("link", name=COURSE_TITLE, exact=True)).to_be_visible()

    # Open it and enrol.
    catalogue.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/courses/{course.slug}/")
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_text("You are enrolled.")).to_be_visible()
    expect(page.get_by_role("button", name="Enrol in this course")).to_have_count(0)
    assert Enrolment.objects.filter(user=maya, course=course).count() == 1

    for m, module in enumerate(modules, start=1):
        # Read every lesson: "Mark as read" is swapped in place by htmx, no reload.
        page.goto(f"/courses/{course.slug}/")
        lessons = list(module.lessons.order_by("position"))
        assert lessons
        for lesson in lessons:
            page.get_by_role("link", name=lesson.title, exact=True).click()
            expect(page).to_have_url(f"{live_server.url}/lessons/{lesson.id}/")
            expect(page.get_by_role("heading", name=lesson.title, level=1)).to_be_visible()
            mark_page(page)
            page.get_by_role("button", name="Mark as read").click()
            expect(page.get_by_role("status")).to_have_text(re.compile(r"Lesson marked as read\."))
            expect(page.get_by_role("button", name="Mark as read")).to_have_count(0)
            assert page_was_kept(page), "Marking a lesson as read reloaded the page"
            expect(page).to_have_url(f"{live_server.url}/lessons/{lesson.id}/")
        if m == len(modules):
            page.screenshot(path=str(artifacts_dir / "lesson.png"), full_page=True)

        # The last lesson's pager leads to the module's quiz.
        quiz = module.quizzes.get()
        page.get_by_role("navigation", name="Lessons").get_by_role(
            "link", name=f"Quiz: {quiz.title}"
        ).click()
        expect(page).to_have_url(f"{live_server.url}/quizzes/{quiz.id}/")
        expect(page.get_by_role("heading", name=quiz.title, level=1)).to_be_visible()
        page.get_by_role("button", name="Start the quiz").click()
        expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
        expect(page.get_by_role("group")).to_have_count(QUESTIONS)

        # Choose the right answer to each question by its label; each one is autosaved.
        for q in range(1, QUESTIONS + 1):
            answer(page, f"SBAR ({m}.{q})")
        attempt = Attempt.objects.get(user=maya, quiz=quiz)
        assert attempt.state == Attempt.State.IN_PROGRESS
        # The autosaves stored the right answers before anything was submitted.
        saved = {
            item.response["choice_ids"][0]  # type: ignore[index]  # exclude(response=None) above
            for item in attempt.questions.exclude(response=None).select_related("question")
        }
        right = {
            c.id
            for item in attempt.questions.all()
            for c in item.question.choices.filter(fraction__gt=0)
        }
        assert saved == right

        # Submit while the worker is held: the result page first says it is being graded,
        # then (worker released) polls by itself until the result is there.
        with worker_paused(celery_worker):
            page.get_by_role("button", name="Submit your answers").click()
            expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.id}/result/")
            status = page.locator("#attempt-status")
            expect(status).to_contain_text("is being graded")
            mark_page(page)
        expect(status.locator(".verdict")).to_have_text(
            re.compile(r"^Passed: the pass mark is \d+%\.$"), timeout=WORKER_TIMEOUT_MS
        )
        expect(status.locator(".score")).to_contain_text("(100%)")
        expect(status).not_to_contain_text("is being graded")
        assert page_was_kept(page), "The result page reloaded instead of updating in place"
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.GRADED
        assert attempt.passed is True
        if m == len(modules):
            page.screenshot(path=str(artifacts_dir / "result.png"), full_page=True)

    enrolment = Enrolment.objects.get(user=maya, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED

    # My certificates: the course awards credit, so Maya claims it; then the worker renders
    # the PDF; reload until it is ready.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My certificates").click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    page.get_by_role("link", name=f"Claim credit for {COURSE_TITLE}").click()
    page.get_by_label(re.compile(r"^Credits to claim")).fill("1.75")
    page.get_by_label(re.compile(r"^I claim only the credit")).check()
    page.get_by_role("button", name="Claim credit and issue my certificate").click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=COURSE_TITLE)
    deadline = time.monotonic() + WORKER_TIMEOUT_MS / 1000
    while row.get_by_role("link", name="Download PDF").count() == 0:
        assert time.monotonic() < deadline, "The certificate was not ready within 60 s"
        time.sleep(0.5)
        page.reload()
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text("Ready")
    code = row.locator("code").inner_text().strip()
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.READY
    assert code == certificate.code
    page.screenshot(path=str(artifacts_dir / "my-certificates.png"), full_page=True)

    # Download the PDF; it names the learner, the course and the code shown on the page.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Maya Okafor" in text
    assert COURSE_TITLE in text
    assert code in text

    # The verification link on the page says the certificate is valid.
    verify_url = f"{live_server.url}/verify/{code}/"
    verify_link = row.get_by_role("link", name=verify_url, exact=True)
    expect(verify_link).to_have_attribute("href", verify_url)
    verify_link.click()
    expect(page).to_have_url(verify_url)
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    expect(page.locator("dl.facts")).to_contain_text("Maya Okafor")
    expect(page.locator("dl.facts")).to_contain_text(COURSE_TITLE)
    expect(page.locator("dl.facts")).to_contain_text(code)

    # An unknown code is a 404 page that says so.
    response = page.goto("/verify/NOT-A-REAL-CODE/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("Not found.")


def test_failed_attempt_says_not_passed_and_offers_another_try(
    page: Page, live_server, celery_worker
):
    course = build_course(modules=1, questions=QUESTIONS, title=COURSE_TITLE)
    quiz = course.modules.get().quizzes.get()
    learner = UserFactory(username="sam", full_name="Sam Adeyemi")
    enrol(learner, course)

    log_in(page, "sam")
    expect(page.get_by_role("heading", name="My learning", level=1)).to_be_visible()
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    for q in range(1, QUESTIONS + 1):
        answer(page, f"Free narrative (1.{q})")
    page.get_by_role("button", name="Submit your answers").click()
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.id}/result/$"))

    status = page.locator("#attempt-status")
    expect(status.locator(".verdict")).to_have_text(
        re.compile(r"^Not passed: the pass mark is \d+%\.$"), timeout=WORKER_TIMEOUT_MS
    )
    expect(status.locator(".score")).to_contain_text("(0%)")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.passed is False

    # "Try again" starts a second attempt.
    status.get_by_role("button", name="Try again").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    expect(page.get_by_text("Attempt 2.")).to_be_visible()
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 2


def test_wrong_password_is_refused_with_a_message(page: Page, live_server):
    UserFactory(username="maya", full_name="Maya Okafor")
    log_in(page, "maya", password="not the password")
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page.get_by_role("button", name="Log out Maya Okafor")).to_have_count(0)


def test_pages_need_a_login(page: Page, live_server):
    page.goto("/me/certificates/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/me/certificates/")
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
