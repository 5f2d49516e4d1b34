"""Every page each role visits, scanned by axe-core and measured at a phone's width.

One short journey per role on the demo data (the flagship course, a graduate with a ready
certificate, a cohort of sixty residents): a learner, an instructor, a program director and an
anonymous visitor verifying a certificate. Each page is checked at 360 px wide: the page itself
never scrolls sideways (a wide table scrolls inside its own box), and axe-core
(tests/browser/vendor/axe-core/, vendored: no CDN, works offline) finds no serious or critical
violation. One browser context per role keeps the whole file to well under a minute.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, expect

from certificates.models import Certificate
from certificates.services.issue import certificate_issue
from courses.demo import FLAGSHIP_PACKAGE
from courses.models import Cohort, Course, Enrolment
from quizzes.models import Attempt, Quiz, QuizSlot
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 360, "height": 740}
DEMO_PASSWORD = "a demo password"  # the demo accounts of the test database
FAILING_IMPACTS = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""

DANGLING_REFERENCES = """() => {
  const found = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          const name = `${el.tagName.toLowerCase()}#${el.id}`;
          found.push(`${name} ${attr}="${id}": no element has that id`);
        }
      }
    }
  }
  return found;
}"""


@dataclass
class Findings:
    """What the journey found, page by page, reported together at the end."""

    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def report(self) -> str:
        return f"{len(self.problems)} problem(s) on {len(self.pages)} pages:\n\n" + "\n\n".join(
            self.problems
        )


def check(page: Page, findings: Findings) -> None:
    """Scan the loaded page with axe-core and measure whether it fits the phone's width."""
    page.wait_for_load_state("load")
    where = "/" + page.url.split("/", 3)[3]
    findings.pages.append(where)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > limit + 1 && !(() => {
                  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== "visible") return true;
                  }
                  return false;
                })())
                .slice(0, 5).map(e => e.tagName.toLowerCase()
                  + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))""",
            PHONE["width"],
        )
        findings.problems.append(
            f"{where}: {width} px wide at {PHONE['width']} px (sideways scroll); widest: {wide}"
        )
    # axe-core leaves an aria-describedby that names no element to a minor rule; it is a bug.
    for dangling in page.evaluate(DANGLING_REFERENCES):
        findings.problems.append(f"{where}: {dangling}")
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the site's
    # content security policy, which allows no inline script.
    page.evaluate(AXE.read_text())
    for violation in page.evaluate(AXE_RUN):
        if violation["impact"] not in FAILING_IMPACTS:
            # Moderate and minor findings are shown (pytest -s), never failing.
            print(f"axe, {violation['impact']}: {where}: {violation['id']}: {violation['help']}")
        else:
            nodes = "\n    ".join(violation["nodes"])
            findings.problems.append(
                f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}\n"
                f"    {nodes}"
            )


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo", verbosity=0)
    return Course.objects.get(slug=FLAGSHIP_PACKAGE.name)


@pytest.fixture
def phone(browser: Browser, live_server):
    """A phone-sized context per role; `phone()` opens its page."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def shoot(page: Page, artifacts_dir: Path, name: str) -> None:
    """layout-<name>-<width>.png at 360, 390 and 1280 px, for a person to look at."""
    folder = artifacts_dir / "issue16"
    folder.mkdir(exist_ok=True)
    for width in (360, 390, 1280):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        page.reload()  # laid out afresh at this width, as a visitor with this screen sees it
        page.screenshot(path=str(folder / f"layout-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def visit(page: Page, findings: Findings, *paths: str) -> None:
    for path in paths:
        response = page.goto(path)
        if response is None or response.status >= 500:
            findings.problems.append(f"{path}: HTTP {response.status if response else 'no reply'}")
            continue
        check(page, findings)


def test_learner_pages(demo, phone, artifacts_dir):
    findings = Findings()
    page = phone()
    log_in(page, "graduate", DEMO_PASSWORD)
    check(page, findings)
    module = demo.modules.order_by("position").first()
    lesson = module.lessons.order_by("position").first()
    attempt = Attempt.objects.filter(user__username="graduate").order_by("id")[0]
    quiz = attempt.quiz
    certificate = Certificate.objects.get(enrolment__user__username="graduate")
    visit(
        page,
        findings,
        f"/courses/{demo.slug}/",
        f"/lessons/{lesson.id}/",
        f"/quizzes/{quiz.id}/",
        f"/attempts/{attempt.id}/result/",
        f"/certificates/{certificate.id}/name-change/",
        "/me/certificates/",
    )
    # The download button is within the phone's width, not off screen.
    download = page.get_by_role("link", name="Download PDF")
    box = download.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
    shoot(page, artifacts_dir, "my-certificates")
    # A learner at the start: the catalogue, and a quiz being taken.
    page.context.clear_cookies()
    log_in(page, "learner", DEMO_PASSWORD)
    check(page, findings)
    page.goto(f"/courses/{demo.slug}/")
    enrol_button = page.get_by_role("button", name=re.compile(r"^Enrol"))
    if enrol_button.count():
        enrol_button.click()
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()
    page.wait_for_url(re.compile(r"/attempts/\d+/$"))
    check(page, findings)
    assert not findings.problems, findings.report()


def test_instructor_pages(demo, phone, artifacts_dir):
    findings = Findings()
    page = phone()
    log_in(page, "instructor", DEMO_PASSWORD)
    quiz = Quiz.objects.filter(module__course=demo).order_by("module__position")[0]
    question_id = QuizSlot.objects.filter(quiz=quiz).order_by("position")[0].question_id
    visit(
        page,
        findings,
        "/teach/",
        f"/teach/quizzes/{quiz.id}/",
        f"/teach/quizzes/{quiz.id}/questions/{question_id}/",
        f"/teach/quizzes/{quiz.id}/preview/",
        f"/teach/quizzes/{quiz.id}/overrides/",
        "/teach/grading/",
        f"/teach/courses/{demo.slug}/bank/",
        f"/teach/courses/{demo.slug}/bank/questions/{question_id}/",
        f"/teach/courses/{demo.slug}/bank/questions/new/matching/",
        f"/teach/quizzes/{quiz.id}/bank/",
        f"/teach/quizzes/{quiz.id}/bank/random/",
    )
    page.goto("/teach/")
    shoot(page, artifacts_dir, "teach")
    assert not findings.problems, findings.report()


def test_program_director_pages(demo, phone, artifacts_dir):
    findings = Findings()
    page = phone()
    log_in(page, "director", DEMO_PASSWORD)
    cohort = Cohort.objects.get(course=demo)
    learner = cohort.enrolments.order_by("user__username")[0].user
    visit(
        page,
        findings,
        "/cohorts/",
        "/cohorts/new/",
        f"/cohorts/{cohort.id}/",
        f"/cohorts/{cohort.id}/learners/",
        f"/cohorts/{cohort.id}/learners/{learner.id}/",
        f"/cohorts/{cohort.id}/due-dates/",
        "/cohorts/certificates/",
        f"/cohorts/{cohort.id}/certificates/",
    )
    # A roster preview, one line of it wrong (the table of lines on a phone).
    page.goto(f"/cohorts/{cohort.id}/learners/")
    page.get_by_label("Roster (CSV)").set_input_files(
        files=[
            FilePayload(
                name="roster.csv",
                mimeType="text/csv",
                buffer=(
                    "email,full_name\n"
                    "tomas.lindgren@hospital.example.org,Tomás Lindgren\n"
                    "wen.li@hospital,Wen Li\n"
                ).encode(),
            )
        ]
    )
    page.get_by_role("button", name="Preview the roster").click()
    expect(page.get_by_role("heading", name="Roster preview")).to_be_visible()
    check(page, findings)
    page.goto(f"/cohorts/{cohort.id}/learners/")
    shoot(page, artifacts_dir, "cohort-learners")
    page.goto(f"/cohorts/{cohort.id}/")
    shoot(page, artifacts_dir, "cohort-dashboard")
    assert not findings.problems, findings.report()


def test_anonymous_visitor_verifies_a_certificate(demo, phone):
    findings = Findings()
    page = phone()
    code = Certificate.objects.get(enrolment__user__username="graduate").code
    visit(page, findings, "/verify/")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    check(page, findings)
    visit(page, findings, "/login/", "/no-such-page/")
    assert not findings.problems, findings.report()


def test_axe_is_the_vendored_release():
    header = AXE.read_text(encoding="utf-8")[:40]
    assert header.startswith("/*! axe v4.14.1"), header
    assert (AXE.parent / "LICENSE").exists()
    assert json.loads((AXE.parent / "VERSION.json").read_text())["version"] == "4.14.1"


def test_the_menu_folds_into_a_toggle_on_phones_and_works_from_the_keyboard(
    demo, phone, artifacts_dir
):
    page = phone()
    log_in(page, "director", DEMO_PASSWORD)
    main_nav = page.get_by_role("navigation", name="Main")
    toggle = page.locator("summary", has_text="Menu")
    expect(toggle).to_be_visible()
    expect(main_nav).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 80, header  # not a fifth of the screen

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(main_nav.get_by_role("link", name="My cohorts")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "issue16" / "layout-menu-open-360.png"))
    page.keyboard.press("Tab")
    expect(main_nav.get_by_role("link", name="My learning")).to_be_focused()
    main_nav.get_by_role("link", name="My cohorts").click()
    expect(page.get_by_role("heading", name="My cohorts", level=1)).to_be_visible()
    expect(main_nav).to_be_hidden()  # a new page: the menu is folded again

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(main_nav.get_by_role("link", name="My cohorts")).to_be_visible()


def test_a_message_is_shown_once_and_leaves_when_its_state_changes(
    phone, settings, live_server, artifacts_dir
):
    """The "being prepared" message goes when the polled list shows the certificate ready; a
    reload never shows a message again (they are consumed when shown)."""
    settings.SITE_URL = live_server.url
    course = build_course(modules=1, questions=1, title="Leading Interprofessional Rounds")
    learner = UserFactory(username="zoe", full_name="Zoë Ångström-Nuñez")
    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at="2026-11-25T14:30:00Z"
    )
    findings = Findings()
    page = phone()
    log_in(page, "zoe")
    visit(page, findings, f"/me/credit/{course.slug}/")
    page.get_by_label("I claim only the credit commensurate").check()
    page.get_by_role("button", name="Claim credit and issue my certificate").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("Credit claimed.")
    expect(status.get_by_role("listitem")).to_have_count(1)  # a list inside the live region
    assert page.locator("#messages").evaluate("e => e.tagName") == "DIV"
    assert page.locator("#messages ul").get_attribute("role") is None
    expect(page.get_by_role("row").filter(has_text="Being prepared")).to_be_visible()
    (artifacts_dir / "issue16").mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts_dir / "issue16" / "layout-message-360.png"))
    check(page, findings)  # the message and a certificate being prepared
    assert not findings.problems, findings.report()

    certificate_issue(enrolment_id=enrolment.id)  # the worker's part, done here
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible(timeout=30_000)
    expect(page.locator("#messages")).to_be_empty()
    expect(page.get_by_role("status")).to_have_count(0)

    page.reload()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(page.locator("#messages")).to_be_empty()


def test_messages_of_each_level_are_styled_apart(phone, live_server):
    """Success, info, warning and error differ in colour and in a sign; text says which."""
    page = phone()
    page.goto("/login/")
    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.className = "messages";
          box.innerHTML = ["success", "info", "warning", "error"]
            .map(level => `<ul><li class="message ${level}">${level}</li></ul>`).join("");
          document.querySelector("main").prepend(box);
        }"""
    )
    looks = page.evaluate(
        """() => [...document.querySelectorAll(".messages .message")].map(e => {
          const style = getComputedStyle(e);
          return [style.backgroundColor, style.borderLeftColor,
                  getComputedStyle(e, "::before").content];
        })"""
    )
    assert len({tuple(look) for look in looks}) == 4, looks
    assert all(look[2] not in ("none", "normal", "") for look in looks), looks
