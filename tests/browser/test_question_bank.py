"""The question bank in headless Chromium: an instructor builds a category tree, writes and
filters questions, adds a random slot to a quiz; a learner's attempt draws from it."""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, QuestionCategory
from quizzes.services import bank as bank_services
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.test_bank import sbar_question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instructor_builds_a_bank_and_a_random_slot_that_a_learner_draws(
    page: Page, live_server, artifacts_dir
):
    course = build_course(modules=1, questions=1, title="Leading Handovers")
    quiz = course.modules.get().quizzes.get()
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    learner = UserFactory(username="maya", full_name="Maya Okafor")
    enrol(learner, course)

    log_in(page, "teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
    page.get_by_role("link", name="Question bank of Leading Handovers").click()
    expect(page.get_by_role("heading", name="Question bank: Leading Handovers")).to_be_visible()

    # The tree: Communication, and Phone calls inside it.
    page.get_by_label("New category").fill("Communication")
    page.get_by_role("button", name="Add the category").click()
    expect(page.locator(".messages")).to_contain_text("Category “Communication” added.")
    communication = QuestionCategory.objects.get(course=course, name="Communication")
    page.get_by_label("New category").fill("Phone calls")
    page.get_by_label("Inside", exact=True).select_option(str(communication.id))
    page.get_by_role("button", name="Add the category").click()
    expect(page.locator(".messages")).to_contain_text("Category “Phone calls” added.")
    phone = QuestionCategory.objects.get(parent=communication, name="Phone calls")
    tree = page.locator(f"#category-{communication.id}")
    expect(tree.locator(f"#category-{phone.id}")).to_contain_text("Phone calls")

    # A question written in the bank, into Phone calls.
    page.get_by_role("link", name="Short answer", exact=True).click()
    page.get_by_label("Category").select_option(str(phone.id))
    page.get_by_label("Text").fill(
        "A nurse calls about a patient whose oxygen saturation fell to 88%. Which four-letter "
        "framework should structure your call to the registrar?"
    )
    page.get_by_label("Name").fill("Framework for the call")
    first = page.get_by_role("group", name="Answer 1", exact=True)
    first.get_by_label("Accepted answer (* is a wildcard)").fill("SBAR")
    first.get_by_label("Fraction").fill("1")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".messages")).to_contain_text("Question added to the bank.")
    written = Question.objects.get(name="Framework for the call")
    assert written.category == phone

    # Two more in Phone calls, one elsewhere (as an import would leave them).
    sbar_question(teacher, phone, name="Read-back")
    ethics = bank_services.category_create(actor=teacher, course=course, name="Ethics")
    sbar_question(teacher, ethics, name="Disclosure after an error")

    page.reload()
    page.get_by_label("Category (with its subcategories)").select_option(str(communication.id))
    page.get_by_role("button", name="Filter").click()
    table = page.get_by_role("table", name="Questions matching the filters")
    expect(table).to_contain_text("Framework for the call")
    expect(table).to_contain_text("Read-back")
    expect(table).not_to_contain_text("Disclosure after an error")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "question-bank-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The builder: two random questions from Communication and below.
    page.goto(f"/teach/quizzes/{quiz.id}/")
    page.get_by_role("link", name="Add random questions").click()
    page.get_by_label("Category (its subcategories included)").select_option(str(communication.id))
    page.get_by_label("Number of questions").fill("3")
    page.get_by_role("button", name="Add the random questions").click()
    expect(page.locator(".field-error")).to_contain_text("hold 2 questions")
    page.get_by_label("Number of questions").fill("2")
    page.get_by_role("button", name="Add the random questions").click()
    expect(page.locator(".messages")).to_contain_text("Each attempt now draws 2 random")
    expect(page.locator(".slots")).to_contain_text("2 random questions from “Communication”")
    page.screenshot(path=str(artifacts_dir / "builder-random-slot.png"), full_page=True)

    # The learner's attempt draws both, once each, and keeps them.
    page.context.clear_cookies()
    log_in(page, "maya")
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    drawn = list(attempt.questions.order_by("position").values_list("question_id", flat=True))
    assert len(drawn) == len(set(drawn)) == 3
    assert set(drawn[1:]) == {written.id, Question.objects.get(name="Read-back").id}
    expect(page.get_by_text("Which four-letter framework")).to_be_visible()
    page.reload()
    assert (
        list(attempt.questions.order_by("position").values_list("question_id", flat=True)) == drawn
    )
