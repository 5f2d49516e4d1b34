"""Every question type in headless Chromium, answered with the keyboard, graded by a real worker.

Per type: answer, watch the autosave say so, reload (everything in place), submit, and read the
review. Then the whole quiz: focus order, the timer fed by the server's deadline submitting
by itself, and an essay graded from the instructor's queue.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import Attempt
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.builders import BUILDERS, T, essay, quiz_of_every_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_TIMEOUT_MS = 60_000
SAVED = re.compile(r"^\s*Saved at \d\d:\d\d:\d\d")


@pytest.fixture
def setup(db):
    course = build_course(modules=1, questions=1, title="Leading Rounds")
    quiz = course.modules.get().quizzes.get()
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman", is_staff=False)
    course.instructors.add(teacher)
    learner = UserFactory(username="maya", full_name="Maya Okafor")
    enrol(learner, course)
    quiz.slots.all().delete()
    return quiz, teacher, learner


def start_quiz(page: Page, quiz) -> None:
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    page.wait_for_load_state("load")  # htmx wires the autosave once its script has run


def expect_saved(group) -> None:
    """The autosave says so, and no save is still in flight (htmx marks those)."""
    expect(group.locator("[aria-live]")).to_have_text(SAVED)
    expect(group.page.locator(".htmx-request")).to_have_count(0)


def question(page: Page, n: int):
    return page.get_by_role("group", name=re.compile(rf"^Question {n}\b"))


def answer_by_keyboard(page: Page, group, kind: str) -> None:
    """Answer one question of `kind` rightly, using the keyboard only."""
    if kind == T.SINGLE_CHOICE:
        group.get_by_label("SBAR", exact=True).focus()
        page.keyboard.press("Space")
    elif kind == T.TRUE_FALSE:
        group.get_by_label("False", exact=True).focus()
        page.keyboard.press("Space")
    elif kind == T.MULTIPLE_RESPONSE:
        group.get_by_label("Call-out").focus()
        page.keyboard.press("Space")
        group.get_by_label("Check-back").focus()
        page.keyboard.press("Space")
    elif kind == T.SHORT_ANSWER:
        group.get_by_label("Your answer").focus()
        page.keyboard.type("keysbar")
    elif kind == T.NUMERICAL:
        group.get_by_label("Your answer (a number)").focus()
        page.keyboard.type("8765.5")
    elif kind == T.ESSAY:
        group.get_by_label("Your answer").focus()
        page.keyboard.type("I would start with what I saw, then listen.")
    elif kind == T.MATCHING:
        for prompt, right in [
            ("Situation", "What is happening now"),
            ("Background", "The history"),
            ("Recommendation", "What you need"),
        ]:
            select = group.get_by_label(prompt, exact=True)
            select.focus()
            # The keyboard walks the options until the right one is chosen.
            for _ in range(6):
                if select.evaluate("s => s.options[s.selectedIndex].text") == right:
                    break
                page.keyboard.press("ArrowDown")
            assert select.evaluate("s => s.options[s.selectedIndex].text") == right
            select.dispatch_event("change")  # headless Chromium's closed list fires no change


def assert_answer_kept(group, kind: str) -> None:
    if kind == T.SINGLE_CHOICE:
        expect(group.get_by_label("SBAR", exact=True)).to_be_checked()
    elif kind == T.TRUE_FALSE:
        expect(group.get_by_label("False", exact=True)).to_be_checked()
    elif kind == T.MULTIPLE_RESPONSE:
        expect(group.get_by_label("Call-out")).to_be_checked()
        expect(group.get_by_label("Check-back")).to_be_checked()
        expect(group.get_by_label("Silence")).not_to_be_checked()
    elif kind == T.SHORT_ANSWER:
        expect(group.get_by_label("Your answer")).to_have_value("keysbar")
    elif kind == T.NUMERICAL:
        expect(group.get_by_label("Your answer (a number)")).to_have_value("8765.5")
    elif kind == T.ESSAY:
        expect(group.get_by_label("Your answer")).to_have_value(
            "I would start with what I saw, then listen."
        )
    elif kind == T.MATCHING:
        select = group.get_by_label("Background", exact=True)
        assert select.evaluate("s => s.options[s.selectedIndex].text") == "The history"


@pytest.mark.parametrize(
    "kind",
    [
        T.SINGLE_CHOICE,
        T.MULTIPLE_RESPONSE,
        T.TRUE_FALSE,
        T.SHORT_ANSWER,
        T.NUMERICAL,
        T.MATCHING,
    ],
)
def test_each_type_is_answered_saved_resumed_and_reviewed(
    page: Page, live_server, celery_worker, artifacts_dir, setup, kind
):
    quiz, teacher, learner = setup
    BUILDERS[kind](quiz, teacher)

    log_in(page, "maya")
    start_quiz(page, quiz)
    group = question(page, 1)
    expect(group).to_be_visible()
    answer_by_keyboard(page, group, kind)
    expect_saved(group)
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert attempt.questions.get().response is not None

    page.reload()  # a crashed browser comes back to everything in place
    assert_answer_kept(question(page, 1), kind)
    page.screenshot(path=str(artifacts_dir / f"take-{kind}.png"), full_page=True)

    page.get_by_role("button", name="Submit your answers").click()
    status = page.locator("#attempt-status")
    expect(status.locator(".verdict")).to_have_text(
        re.compile(r"^Passed"), timeout=WORKER_TIMEOUT_MS
    )
    expect(status.locator(".score")).to_contain_text("(100%)")
    review = status.get_by_role("region", name=re.compile("Question 1"))
    expect(review).to_contain_text("Right")
    expect(review.locator(".feedback.general")).to_contain_text("GENERAL-")
    page.screenshot(path=str(artifacts_dir / f"review-{kind}.png"), full_page=True)


def test_a_mixed_quiz_keeps_focus_order_and_marks_wrong_answers(
    page: Page, live_server, celery_worker, artifacts_dir, setup
):
    quiz, teacher, _learner = setup
    quiz.shuffle_questions = False
    quiz.save()
    quiz_of_every_type(quiz, teacher, essay_too=False)

    log_in(page, "maya")
    start_quiz(page, quiz)
    expect(page.get_by_role("group")).to_have_count(6)  # the description is no question
    expect(page.get_by_label("Information")).to_contain_text("Read this case")

    # Tab from the first control walks the questions in the order shown, then to Submit.
    page.locator("fieldset input, fieldset select, fieldset textarea").first.focus()
    order = []
    for _ in range(40):
        order.append(
            page.evaluate(
                "() => { const el = document.activeElement; const f = el.closest('fieldset');"
                " return f ? f.querySelector('.qnum').textContent : el.textContent; }"
            )
        )
        if order[-1].strip() == "Submit your answers":
            break
        page.keyboard.press("Tab")
    seen = list(dict.fromkeys(o.strip() for o in order))
    assert seen == [f"Question {n}" for n in range(1, 7)] + ["Submit your answers"], seen

    # Wrong answers everywhere, by mouse this time; the review says so, per type.
    question(page, 1).get_by_label("Free narrative").check()
    question(page, 4).get_by_label("Your answer").fill("no idea")
    question(page, 5).get_by_label("Your answer (a number)").fill("1")
    expect_saved(question(page, 5))
    page.screenshot(path=str(artifacts_dir / "take-mixed.png"), full_page=True)
    page.get_by_role("button", name="Submit your answers").click()
    status = page.locator("#attempt-status")
    expect(status.locator(".verdict")).to_have_text(
        re.compile(r"^Not passed"), timeout=WORKER_TIMEOUT_MS
    )
    expect(status.get_by_role("region", name=re.compile("Question 5"))).to_contain_text("Wrong")
    expect(status.get_by_role("region", name=re.compile("Question 5"))).to_contain_text(
        "Right answer: 8765.4 to 8765.6"
    )
    page.screenshot(path=str(artifacts_dir / "review-mixed.png"), full_page=True)


def test_a_bad_number_is_explained_next_to_the_question(page: Page, live_server, setup):
    quiz, teacher, _learner = setup
    BUILDERS[T.NUMERICAL](quiz, teacher)
    log_in(page, "maya")
    start_quiz(page, quiz)
    field = question(page, 1).get_by_label("Your answer (a number)")
    field.fill("twelve")
    expect(question(page, 1).get_by_role("alert")).to_contain_text("That is not a number")
    field.fill("12")
    expect_saved(question(page, 1))


def test_the_timer_counts_the_servers_deadline_down_and_submits_at_zero(
    page: Page, live_server, celery_worker, artifacts_dir, setup
):
    quiz, teacher, learner = setup
    quiz.time_limit_minutes = 30
    quiz.save()
    BUILDERS[T.SHORT_ANSWER](quiz, teacher)
    log_in(page, "maya")
    start_quiz(page, quiz)
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^(30:00|29:5\d)$"))

    # The server's deadline moves (an instructor's override, say): the page follows it.
    attempt = Attempt.objects.get(user=learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=6))
    page.reload()
    expect(timer).to_have_text(re.compile(r"^0:0[4-6]$"))
    question(page, 1).get_by_label("Your answer").fill("keysbar")
    expect_saved(question(page, 1))
    page.screenshot(path=str(artifacts_dir / "timer.png"))

    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.id}/result/$"), timeout=15_000)
    expect(page.locator("#attempt-status .verdict")).to_have_text(
        re.compile(r"^Passed"), timeout=WORKER_TIMEOUT_MS
    )
    attempt.refresh_from_db()
    assert attempt.submitted_by_system is False
    assert attempt.questions.get().response == {"text": "keysbar"}


def test_an_essay_waits_for_the_instructor_who_grades_it_from_the_queue(
    page: Page, browser, live_server, celery_worker, artifacts_dir, setup
):
    quiz, teacher, _learner = setup
    essay(quiz, teacher)
    log_in(page, "maya")
    start_quiz(page, quiz)
    answer_by_keyboard(page, question(page, 1), T.ESSAY)
    expect_saved(question(page, 1))
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.locator("#attempt-status")).to_contain_text(
        "An instructor is grading part of this attempt", timeout=WORKER_TIMEOUT_MS
    )

    teacher_page = browser.new_context(base_url=live_server.url).new_page()
    log_in(teacher_page, "teacher")
    teacher_page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
    teacher_page.get_by_role("link", name="Essays to grade").click()
    teacher_page.get_by_role(
        "link", name="Grade Maya Okafor\u2019s answer to A hard conversation"
    ).click()
    expect(teacher_page.locator(".essay-text")).to_contain_text("I would start with what I saw")
    teacher_page.get_by_label("Score").fill("0.8")
    teacher_page.get_by_label("Comment to the learner").fill("Good start: name the impact too.")
    teacher_page.screenshot(path=str(artifacts_dir / "essay-grade.png"), full_page=True)
    teacher_page.get_by_role("button", name="Save the grade").click()
    expect(teacher_page.locator(".messages")).to_contain_text(
        "Attempt graded: Maya Okafor scored 80"
    )
    expect(teacher_page.get_by_text("No essays are waiting")).to_be_visible()
    teacher_page.context.close()

    page.reload()
    status = page.locator("#attempt-status")
    expect(status.locator(".verdict")).to_have_text(re.compile(r"^Passed"))
    expect(status.locator(".comment")).to_contain_text("Good start: name the impact too.")
    page.screenshot(path=str(artifacts_dir / "review-essay.png"), full_page=True)
