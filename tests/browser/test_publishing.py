"""Drafts in headless Chromium: a new quiz is a draft the learner cannot see, marked "Draft"
for its instructor, until the instructor publishes it from the quiz builder."""

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Quiz
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, add_single_choice_question, build_course, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_draft_quiz_is_invisible_to_the_learner_and_marked_for_the_instructor(
    browser, page: Page, live_server, artifacts_dir
):
    course = build_course(modules=1, questions=1, title="Leading Rounds")
    module = course.modules.get()
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    learner = UserFactory(username="maya", full_name="Maya Okafor")
    enrol(learner, course)

    # The instructor makes a quiz from the Teaching page: it starts as a draft.
    log_in(page, "teacher")
    page.goto("/teach/")
    page.get_by_label("Title").fill("Reflection check")
    page.get_by_role("button", name="Create the quiz").click()
    expect(page.get_by_role("heading", name="Edit quiz: Reflection check")).to_be_visible()
    control = page.locator(".publish-control")
    expect(control.locator(".badge.draft")).to_have_text("Draft")
    expect(control).to_contain_text("The quiz has no questions yet.")
    expect(control.get_by_role("button", name="Publish this quiz")).to_be_disabled()
    quiz = Quiz.objects.get(title="Reflection check")
    add_single_choice_question(
        quiz, text="Which tool structures a handover?", right="SBAR", wrong=["Narrative"]
    )
    page.goto(f"/courses/{course.slug}/")
    expect(page.get_by_role("link", name="Quiz: Reflection check")).to_be_visible()
    expect(page.locator(f'a[href="/quizzes/{quiz.id}/"] + .muted + .badge.draft')).to_have_text(
        "Draft"
    )

    # The learner sees neither the quiz on the course page nor the quiz page itself.
    learner_context = browser.new_context(base_url=live_server.url)
    learner_page = learner_context.new_page()
    log_in(learner_page, "maya")
    learner_page.goto(f"/courses/{course.slug}/")
    expect(learner_page.get_by_role("link", name="Quiz: Module 1 quiz")).to_be_visible()
    expect(learner_page.get_by_text("Reflection check")).to_have_count(0)
    response = learner_page.goto(f"/quizzes/{quiz.id}/")
    assert response is not None and response.status == 404

    # Published from the builder, with the page saying it before: the learner now has it.
    page.goto(f"/teach/quizzes/{quiz.id}/")
    page.locator(".publish-control").get_by_role("button", name="Publish this quiz").click()
    expect(page.locator(".messages")).to_contain_text("is published: learners see it.")
    expect(page.locator(".publish-control .badge.published")).to_have_text("Published")
    page.screenshot(path=str(artifacts_dir / "publish-control.png"), full_page=True)
    learner_page.goto(f"/courses/{course.slug}/")
    learner_page.get_by_role("link", name="Quiz: Reflection check").click()
    expect(learner_page.get_by_role("button", name="Start the quiz")).to_be_visible()
    learner_context.close()
    assert module.quizzes.get(pk=quiz.pk).is_published
