"""The item analysis and results pages in headless Chromium: reached from the builder, read
with the chart's text values, switched between scopes, polled while a worker computes a large
quiz, and checked by axe-core at a phone's width."""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import ItemAnalysis
from quizzes.services import item_analysis as analysis
from tasks.reports import build_item_analysis
from tests.browser.test_accessibility import PHONE, Findings, check
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course
from tests.quizzes.analysis_data import known_attempts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysed():
    course = build_course(modules=1, questions=3, title="Leading Rounds")
    quiz = course.modules.get().quizzes.get()
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    questions, _ = known_attempts(quiz)
    return quiz, questions


def test_an_instructor_reads_which_questions_work(page: Page, analysed, artifacts_dir):
    quiz, questions = analysed
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/")
    page.get_by_role("link", name="Item analysis").click()
    expect(page.get_by_role("heading", name=f"Item analysis: {quiz.title}")).to_be_visible()
    expect(page.locator("#analysis-summary")).to_contain_text("4 graded attempts analysed")

    first = page.get_by_role("region", name=f"1. {questions[0].name}")
    expect(first).to_contain_text("Facility75%")
    expect(first).to_contain_text("Discrimination0.00")
    expect(first).to_contain_text("Discriminates poorly")
    right = questions[0].choices.order_by("position")[0].text
    chart = first.get_by_role("img")
    described = rf"^Responses of 4 attempts: {re.escape(right)} \(right answer\): 3 \(75%\); "
    expect(chart).to_have_attribute("aria-label", re.compile(described))
    expect(chart).to_contain_text("3 (75%)")
    expect(chart).to_contain_text(f"✓ {right}")
    third = page.get_by_role("region", name=f"3. {questions[2].name}")
    expect(third).to_contain_text("-0.30")
    expect(third).to_contain_text("Check the key")
    page.screenshot(path=str(artifacts_dir / "item-analysis.png"), full_page=True)

    page.get_by_label("Attempts analysed").select_option("all")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#analysis-summary")).to_contain_text("5 graded attempts analysed")
    expect(first).to_contain_text("Facility80%")

    page.get_by_role("link", name="Results").first.click()
    expect(page.locator("#results-count")).to_contain_text("6 attempts")
    page.get_by_label("Result").select_option("failed")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#results-count")).to_contain_text("2 attempts (failed)")
    page.screenshot(path=str(artifacts_dir / "quiz-results.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV of these attempts").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Filter: failed.") and len(lines) == 4


def test_a_large_quiz_shows_computing_then_the_figures_without_a_reload(
    page: Page, analysed, monkeypatch, sends
):
    quiz, questions = analysed
    monkeypatch.setattr(analysis, "SMALL_QUIZ_ATTEMPTS", 0)
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/analysis/")
    expect(page.get_by_role("status")).to_contain_text("Computing the analysis")
    page.evaluate("() => { window.__kept = true; }")
    row = ItemAnalysis.objects.get(quiz=quiz)
    assert sends["tasks.reports.build_item_analysis"].call_count == 1

    build_item_analysis(row.id)  # what the reports worker does with the message
    expect(page.locator("#analysis-summary")).to_contain_text("4 graded attempts analysed")
    expect(page.get_by_role("region", name=f"2. {questions[1].name}")).to_contain_text("0.58")
    expect(page.get_by_role("status")).to_have_count(0)
    assert page.evaluate("() => window.__kept === true")  # polled in place, never reloaded


def test_the_pages_pass_axe_and_fit_a_phone(page: Page, analysed, artifacts_dir):
    quiz, _ = analysed
    findings = Findings()
    page.set_viewport_size(PHONE)
    log_in(page, "teacher")
    for path in (f"/teach/quizzes/{quiz.id}/analysis/", f"/teach/quizzes/{quiz.id}/results/"):
        page.goto(path)
        check(page, findings)
    page.goto(f"/teach/quizzes/{quiz.id}/analysis/")
    page.screenshot(path=str(artifacts_dir / "item-analysis-phone.png"), full_page=True)
    assert findings.problems == [], findings.report()
