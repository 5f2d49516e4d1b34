"""The instructor's quiz pages in headless Chromium: build, set up, preview, accommodate."""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, QuizOverride
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instructor_builds_sets_up_previews_and_accommodates(
    page: Page, live_server, artifacts_dir
):
    course = build_course(modules=1, questions=1, title="Leading Rounds")
    quiz = course.modules.get().quizzes.get()
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    learner = UserFactory(username="maya", full_name="Maya Okafor")
    enrol(learner, course)

    log_in(page, "teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
    page.get_by_role("link", name="Module 1 quiz").click()
    expect(page.get_by_role("heading", name="Edit quiz: Module 1 quiz")).to_be_visible()

    # A matching question with a distractor, through the builder's form.
    page.get_by_role("link", name="Matching", exact=True).click()
    expect(page.get_by_role("heading", name="New matching question")).to_be_visible()
    page.get_by_label("Text").fill("Match each part of **SBAR** with what it says.")
    page.get_by_label("Points").fill("3")
    rows = [
        ("Situation", "What is happening now"),
        ("Background", "The history"),
        ("", "Who is on call"),
    ]
    for n, (prompt, answer) in enumerate(rows, start=1):
        row = page.get_by_role("group", name=f"Row {n}", exact=True)
        if prompt:
            row.get_by_label("Prompt (empty: a distractor)").fill(prompt)
        row.get_by_label("Its answer").fill(answer)
    page.screenshot(path=str(artifacts_dir / "builder-matching.png"), full_page=True)
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".messages")).to_contain_text("Question saved.")
    question = Question.objects.get(type="matching")
    assert list(question.choices.values_list("text", "match_text")) == [
        ("Situation", "What is happening now"),
        ("Background", "The history"),
        ("", "Who is on call"),
    ]

    # A question that cannot be answered right is refused with the reason, by the field.
    page.get_by_role("link", name="Single choice", exact=True).click()
    page.get_by_label("Text").fill("Which tool?")
    first = page.get_by_role("group", name="Answer 1", exact=True)
    first.get_by_label("Choice").fill("SBAR")
    first.get_by_label("Fraction").fill("0.5")
    page.get_by_role("group", name="Answer 2", exact=True).get_by_label("Choice").fill("Narrative")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_role("alert")).to_contain_text("One choice must earn all the points")
    first.get_by_label("Fraction").fill("1")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".messages")).to_contain_text("Question saved.")

    # Settings: a time limit, review of right answers only after the quiz closes, a band.
    page.get_by_label("Time limit (minutes)").fill("20")
    page.get_by_label("The right answers").select_option("after_close")
    page.get_by_label("From (%)").first.fill("80")
    page.get_by_label("Feedback text").first.fill("Well done.")
    page.screenshot(path=str(artifacts_dir / "builder-settings.png"), full_page=True)
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Quiz settings saved.")
    quiz.refresh_from_db()
    assert (quiz.time_limit_minutes, quiz.review_right_answers) == (20, "after_close")
    assert list(quiz.feedback_bands.values_list("text", flat=True)) == ["Well done."]
    expect(page.get_by_role("list", name="Questions").get_by_role("listitem")).to_have_count(3)

    # Preview: the quiz as a learner sees it, nothing saved.
    page.get_by_role("link", name="Preview as a learner").click()
    expect(page.get_by_role("note")).to_contain_text("Nothing you choose here is saved")
    expect(page.get_by_role("group")).to_have_count(3)
    expect(page.get_by_role("combobox", name="Situation")).to_be_visible()
    page.get_by_role("combobox", name="Situation").select_option(label="The history")
    page.screenshot(path=str(artifacts_dir / "preview.png"), full_page=True)
    assert not Attempt.objects.exists()

    # An accommodation: Maya gets 30 minutes instead of 20.
    page.get_by_role("link", name="Module 1 quiz").click()
    page.get_by_role("link", name="Overrides").first.click()
    page.get_by_label("Learner").select_option(label="Maya Okafor (maya)")
    page.get_by_label("Time limit (minutes)").fill("30")
    page.get_by_role("button", name="Save override").click()
    expect(page.locator(".messages")).to_contain_text("Override saved for Maya Okafor.")
    expect(page.get_by_role("row", name=re.compile("Maya Okafor"))).to_contain_text("30 min")
    page.screenshot(path=str(artifacts_dir / "overrides.png"), full_page=True)
    override = QuizOverride.objects.get()
    assert (override.user, override.time_limit_minutes) == (learner, 30)


def test_a_learner_is_refused_the_instructor_pages(page: Page, live_server):
    course = build_course(modules=1, questions=1)
    quiz = course.modules.get().quizzes.get()
    UserFactory(username="maya", full_name="Maya Okafor")
    log_in(page, "maya")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching")
    ).to_have_count(0)
    response = page.goto(f"/teach/quizzes/{quiz.id}/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("Only the course's instructors")
