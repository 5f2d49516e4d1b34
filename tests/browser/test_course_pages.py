"""The learner's course page and My learning in headless Chromium: Start, then Resume at the
next unread lesson or unpassed quiz, an overall progress bar, what to do after completing a
course with credit (claim it, then the certificate), and the page each role lands on after
logging in. Screenshots at desktop and phone widths go to test-artifacts/issue16/."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Locator, Page, expect

from certificates.models import Certificate, CreditClaim
from courses.cohorts.selectors.access import PROGRAM_DIRECTORS_GROUP
from courses.models import Cohort, Enrolment
from courses.services.enrolment import lesson_complete
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.browser.test_learner_flow import log_in
from tests.factories import PASSWORD, UserFactory, build_course, enrol, right_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE_TITLE = "Leading Interprofessional Rounds"
WIDTHS = {"desktop": 1280, "phone": 390}


def shoot(page: Page, artifacts_dir, name: str) -> None:
    """The whole page at desktop and phone widths, as test-artifacts/issue16/course-<name>-*.png."""
    folder = artifacts_dir / "issue16"
    folder.mkdir(exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"course-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def progress_bar(scope: Page | Locator) -> Locator:
    return scope.get_by_role("progressbar", name="Overall progress")


def expect_progress(scope: Page | Locator, passed: int, counted: int, text: str) -> None:
    bar = progress_bar(scope)
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", str(passed))
    expect(bar).to_have_attribute("max", str(counted))
    expect(bar).to_have_accessible_description(text)


def pass_module(user, module) -> None:
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)
    quiz = module.quizzes.get()
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt_submit(user=user, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)


def test_start_then_resume_with_an_overall_progress_bar(page: Page, live_server, artifacts_dir):
    course = build_course(modules=2, lessons=2, title=COURSE_TITLE)
    maya = UserFactory(username="maya", full_name="Maya Okafor")
    m1, m2 = course.modules.order_by("position")
    m1_lessons = list(m1.lessons.order_by("position"))

    log_in(page, "maya")
    page.goto(f"/courses/{course.slug}/")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_text("You are enrolled.")).to_be_visible()

    # Enrolled, nothing done: Start at the first lesson of the first module; the bar is empty.
    start = page.get_by_role("link", name=re.compile(r"^Start\b"))
    expect(start).to_have_attribute("href", f"/lessons/{m1_lessons[0].id}/")
    expect(start).to_have_accessible_description(re.compile(r"Next: Module 1, lesson 1"))
    expect_progress(page, 0, 2, "0%: 0 of 2 required modules passed")
    shoot(page, artifacts_dir, "start")

    start.click()
    expect(page.get_by_role("heading", name=m1_lessons[0].title, level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Lesson marked as read\."))

    # My learning: Resume at the next unread lesson, in module order.
    page.goto("/")
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=COURSE_TITLE, level=2)
    )
    resume = card.get_by_role("link", name=f"Resume {COURSE_TITLE}")
    expect(resume).to_have_attribute("href", f"/lessons/{m1_lessons[1].id}/")
    expect(card.get_by_role("link", name=re.compile(r"^Start\b"))).to_have_count(0)
    expect_progress(card, 0, 2, "0%: 0 of 2 required modules passed")

    # Every lesson of module 1 read: its quiz is next.
    lesson_complete(user=maya, lesson=m1_lessons[1])
    page.reload()
    expect(resume).to_have_attribute("href", f"/quizzes/{m1.quizzes.get().id}/")
    expect(card).to_contain_text("Next: Quiz: Module 1 quiz")

    # Module 1 passed: half the required modules; next is module 2's first lesson.
    quiz = m1.quizzes.get()
    attempt, _ = attempt_start(user=maya, quiz=quiz)
    attempt_submit(user=maya, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    page.reload()
    expect_progress(card, 1, 2, "50%: 1 of 2 required modules passed")
    expect(resume).to_have_attribute("href", f"/lessons/{m2.lessons.order_by('position')[0].id}/")
    shoot(page, artifacts_dir, "dashboard-resume")

    page.goto(f"/courses/{course.slug}/")
    expect(page.get_by_role("link", name=re.compile(r"^Resume\b"))).to_have_attribute(
        "href", f"/lessons/{m2.lessons.order_by('position')[0].id}/"
    )
    expect_progress(page, 1, 2, "50%: 1 of 2 required modules passed")
    shoot(page, artifacts_dir, "resume")


def test_a_completed_course_with_credit_asks_for_the_claim_before_naming_a_certificate(
    page: Page, live_server, artifacts_dir
):
    course = build_course(modules=1, title=COURSE_TITLE)  # 2.00 AMA PRA Category 1 Credits
    zoe = UserFactory(username="zoe", full_name="Zoë Ångström-Nuñez")
    enrolment = enrol(zoe, course)
    pass_module(zoe, course.modules.get())
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert not Certificate.objects.exists()

    log_in(page, "zoe")
    page.goto(f"/courses/{course.slug}/")
    where = page.get_by_role("region", name="Your progress")
    expect(where).to_contain_text("Completed on")
    claim = where.get_by_role("link", name=f"Claim your credit for {COURSE_TITLE}")
    expect(claim).to_have_attribute("href", f"/me/credit/{course.slug}/")
    expect(where).to_contain_text("Next: claim your AMA PRA Category 1 Credit")
    expect(where).not_to_contain_text("My certificates")
    expect(page.get_by_text(re.compile(r"certificate is (in|ready)"))).to_have_count(0)
    expect_progress(where, 1, 1, "100%: 1 of 1 required module passed")
    shoot(page, artifacts_dir, "claim")

    # My learning says the same.
    page.goto("/")
    expect(
        page.get_by_role("link", name=f"Claim your credit for {COURSE_TITLE}")
    ).to_have_attribute("href", f"/me/credit/{course.slug}/")
    page.get_by_role("link", name=f"Claim your credit for {COURSE_TITLE}").click()
    expect(page.get_by_role("heading", name="Claim credit", level=1)).to_be_visible()

    # Claimed: the certificate is being prepared, then it is ready in My certificates.
    CreditClaim.objects.create(enrolment=enrolment, credits=Decimal("1.75"))
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        learner_name=zoe.full_name,
        course_title=course.title,
        completed_on=date(2026, 11, 25),
    )
    page.goto(f"/courses/{course.slug}/")
    expect(where.get_by_role("link", name=re.compile("Claim your credit"))).to_have_count(0)
    expect(where).to_contain_text("Your certificate is being prepared")
    expect(where).not_to_contain_text("ready in")
    shoot(page, artifacts_dir, "certificate-pending")

    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.READY, pdf=f"certificates/{certificate.code}.pdf", sha256="0" * 64
    )
    page.reload()
    expect(where).to_contain_text("Your certificate is ready in My certificates.")
    where.get_by_role("link", name="My certificates").click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()


def test_each_role_lands_on_its_own_page_after_logging_in(page: Page, live_server, artifacts_dir):
    course = build_course(modules=1, title=COURSE_TITLE)
    raman = UserFactory(username="raman", full_name="Dr. Priya Raman")
    course.instructors.add(raman)
    okafor = UserFactory(username="okafor", full_name="Dr. Samuel Okafor")
    okafor.groups.add(Group.objects.get(name=PROGRAM_DIRECTORS_GROUP))
    cohort = Cohort.objects.create(
        course=course, name="PGY-1 residents 2026", start_date="2026-07-01", end_date="2027-06-30"
    )
    cohort.directors.add(okafor)
    enrol(UserFactory(username="maya", full_name="Maya Okafor"), course)

    # The instructor opens the site (log-in required: /login/?next=/) and lands on Teaching.
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("Username").fill("raman")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/teach/")

    # My learning shows where the instructor's work is, above the empty list of courses.
    page.goto("/")
    other = page.get_by_role("region", name="Your other pages")
    expect(other.get_by_role("link", name="Teaching")).to_have_attribute("href", "/teach/")
    expect(other.get_by_role("link", name="My cohorts")).to_have_attribute("href", "/cohorts/")
    shoot(page, artifacts_dir, "landing-instructor")
    page.get_by_role("button", name="Log out Dr. Priya Raman").click()

    log_in(page, "okafor")
    expect(page).to_have_url(f"{live_server.url}/cohorts/")
    expect(page.get_by_role("heading", name="My cohorts", level=1)).to_be_visible()
    page.get_by_role("button", name="Log out Dr. Samuel Okafor").click()

    log_in(page, "maya")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="My learning", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Your other pages")).to_have_count(0)
