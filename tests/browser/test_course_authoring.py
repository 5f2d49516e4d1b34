"""An instructor builds a small course from nothing in headless Chromium; a learner, kept out
while it is a draft, takes it once it is published (graded by a real Celery worker)."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page, expect

from courses.models import Course, Enrolment, LessonImage
from courses.selectors.authoring import INSTRUCTORS_GROUP
from quizzes.models import Attempt
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.test_accessibility import PHONE, Findings, check
from tests.browser.test_learner_flow import WORKER_TIMEOUT_MS, answer, log_in, mark_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE_TITLE = "Leading the Night Handover"
LESSON_BODY = (
    "## Why handovers fail\n\n"
    "Most information lost at night is lost at the handover. **I-PASS** (Starmer and "
    "colleagues, *N Engl J Med*, 2014) gives it a fixed order:\n\n"
    "- Illness severity\n- Patient summary\n- Action list\n- Situation awareness\n"
    "- Synthesis by the receiver\n"
)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 120), (30, 90, 150)).save(out, format="PNG")
    return out.getvalue()


def shoot(browser: Browser, live_server, page: Page, artifacts_dir, name: str) -> None:
    """authoring-<name>-<width>.png of the page the instructor is on, at 1280 and 390 px."""
    folder = artifacts_dir / "authoring"
    folder.mkdir(exist_ok=True)
    state = page.context.storage_state()
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(
            base_url=live_server.url,
            storage_state=state,
            viewport={"width": width, "height": height},
        )
        other = context.new_page()
        other.goto(page.url)
        other.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        context.close()


def test_an_instructor_builds_a_course_and_a_learner_takes_it(
    page: Page, browser: Browser, live_server, celery_worker, artifacts_dir
):
    teacher = UserFactory(username="tanaka", full_name="Dr. Mei Tanaka")
    teacher.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    learner = UserFactory(username="maya", full_name="Maya Okafor")

    # From the teaching page, a new course: it starts as a draft.
    log_in(page, "tanaka")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill(COURSE_TITLE)
    page.get_by_label("Summary").fill("Handing over a ward safely at 8 pm.")
    page.get_by_role("button", name="Create the course").click()
    expect(page.get_by_role("heading", name=f"Edit course: {COURSE_TITLE}")).to_be_visible()
    expect(page.locator(".publish-control .badge.draft")).to_have_text("Draft")
    course = Course.objects.get(title=COURSE_TITLE)
    assert course.status == Course.Status.DRAFT and list(course.instructors.all()) == [teacher]

    # A module with objectives and a competency.
    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Title").fill("I-PASS at the bedside")
    page.get_by_label("Objectives").fill(
        "Use I-PASS to hand over an unstable patient\nAsk for a synthesis by the receiver"
    )
    page.get_by_label("Interpersonal and Communication Skills").check()
    page.get_by_role("button", name="Add the module").click()
    expect(page.locator(".messages")).to_contain_text("Module “I-PASS at the bedside” added.")

    # A lesson, previewed live as it is typed, then an image with its alt text.
    page.get_by_role("link", name="Add a lesson").click()
    page.get_by_label("Title").fill("The five parts of I-PASS")
    page.get_by_label("Estimated minutes").fill("8")
    page.get_by_label("Text (Markdown)").fill(LESSON_BODY)
    preview = page.locator("#lesson-preview")
    expect(preview.get_by_role("heading", name="Why handovers fail")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("I-PASS")
    page.get_by_role("button", name="Add the lesson").click()
    expect(page.locator(".messages")).to_contain_text("added")
    page.get_by_label(re.compile(r"^Image")).set_input_files(
        files=FilePayload(name="ipass.png", mimeType="image/png", buffer=_png())
    )
    page.get_by_label("Alt text of the image").fill("The I-PASS card, one row per letter")
    page.get_by_role("button", name="Save lesson").click()
    expect(page.locator(".messages")).to_contain_text("Lesson saved.")
    image = LessonImage.objects.get()
    shown = preview.get_by_role("img", name="The I-PASS card, one row per letter")
    expect(shown).to_have_attribute("src", f"/lesson-images/{image.pk}/")
    shown.scroll_into_view_if_needed()  # loading="lazy": fetched once near the viewport
    page.wait_for_function("() => document.querySelector('#lesson-preview img').naturalWidth")
    assert page.evaluate("() => document.querySelector('#lesson-preview img').naturalWidth") == 320
    shoot(browser, live_server, page, artifacts_dir, "lesson-editor")

    # A quiz through the existing builder, from the module's page.
    page.get_by_role("link", name="I-PASS at the bedside").click()
    page.get_by_label("Title of a new quiz").fill("I-PASS check")
    page.get_by_role("button", name="Create the quiz").click()
    expect(page.get_by_role("heading", name="Edit quiz: I-PASS check")).to_be_visible()
    page.get_by_role("link", name="Single choice", exact=True).click()
    page.get_by_label("Text").fill(
        "At 8 pm a night resident receives a patient with falling blood pressure. "
        "Which step of I-PASS comes first?"
    )
    first = page.get_by_role("group", name="Answer 1", exact=True)
    first.get_by_label("Choice").fill("Illness severity")
    first.get_by_label("Fraction").fill("1")
    page.get_by_role("group", name="Answer 2", exact=True).get_by_label("Choice").fill(
        "Action list"
    )
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".messages")).to_contain_text("Question saved.")
    page.goto(f"/teach/modules/{course.modules.get().pk}/")
    expect(page.get_by_role("link", name="I-PASS check")).to_be_visible()
    shoot(browser, live_server, page, artifacts_dir, "module-editor")

    # The draft is invisible to the learner.
    learner_context = browser.new_context(base_url=live_server.url)
    learner_page = learner_context.new_page()
    learner_page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    log_in(learner_page, "maya")
    expect(learner_page.get_by_role("link", name=COURSE_TITLE)).to_have_count(0)
    hidden = learner_page.goto(f"/courses/{course.slug}/")
    assert hidden is not None and hidden.status == 404

    # Published piece by piece from the publish controls: the quiz from its builder, then the
    # module, the lesson and the course; until the last, the learner still sees nothing.
    module = course.modules.get()
    lesson = module.lessons.get()
    quiz = module.quizzes.get()
    for address, kind in (
        (f"/teach/quizzes/{quiz.id}/", "quiz"),
        (f"/teach/modules/{module.id}/", "module"),
        (f"/teach/lessons/{lesson.id}/", "lesson"),
        (f"/teach/courses/{course.slug}/", "course"),
    ):
        page.goto(address)
        if kind == "course":
            shoot(browser, live_server, page, artifacts_dir, "course-settings")
            learner_page.goto("/")
            expect(learner_page.get_by_role("link", name=COURSE_TITLE)).to_have_count(0)
        page.get_by_role("button", name=f"Publish this {kind}").click()
        expect(page.locator(".publish-control .badge.published")).to_be_visible()
    course.refresh_from_db()
    assert course.is_published

    # The learner enrols, reads the lesson with its image, and passes the quiz.
    learner_page.goto("/")
    learner_page.get_by_role("link", name=COURSE_TITLE).click()
    learner_page.get_by_role("button", name="Enrol in this course").click()
    learner_page.get_by_role("link", name="The five parts of I-PASS").click()
    expect(
        learner_page.get_by_role("img", name="The I-PASS card, one row per letter")
    ).to_be_visible()
    mark_page(learner_page)
    learner_page.get_by_role("button", name="Mark as read").click()
    expect(learner_page.get_by_role("status")).to_contain_text("Lesson marked as read")
    learner_page.get_by_role("link", name="Quiz: I-PASS check").click()
    learner_page.get_by_role("button", name="Start the quiz").click()
    answer(learner_page, "Illness severity")
    learner_page.get_by_role("button", name="Submit your answers").click()
    expect(learner_page.locator("#attempt-status .verdict")).to_have_text(
        re.compile(r"^Passed"), timeout=WORKER_TIMEOUT_MS
    )
    attempt = Attempt.objects.get(user=learner)
    assert attempt.passed is True
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    learner_context.close()


def test_the_authoring_pages_fit_a_phone_and_pass_axe(browser: Browser, live_server):
    from tests.factories import build_course

    course = build_course(modules=2, questions=1, title="Phone-sized authoring")
    teacher = UserFactory(username="phone-teacher", full_name="Dr. Phone")
    course.instructors.add(teacher)
    teacher.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    module = course.modules.get(position=1)
    lesson = module.lessons.get()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    log_in(page, "phone-teacher")
    findings = Findings()
    for url in (
        "/teach/",
        "/teach/courses/new/",
        f"/teach/courses/{course.slug}/",
        f"/teach/modules/{module.pk}/",
        f"/teach/modules/{module.pk}/lessons/new/",
        f"/teach/lessons/{lesson.pk}/",
        f"/teach/modules/{course.modules.get(position=2).pk}/remove/",
        f"/teach/lessons/{lesson.pk}/remove/",
    ):
        page.goto(url)
        check(page, findings)
    # Keyboard reorder through htmx: the moved module's button keeps the focus.
    page.goto(f"/teach/courses/{course.slug}/")
    page.get_by_role("button", name="Move Module 1 down").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Move Module 1 up")).to_be_focused()
    assert list(course.modules.order_by("position").values_list("title", flat=True)) == [
        "Module 2",
        "Module 1",
    ]
    context.close()
    assert findings.problems == [], findings.report()
