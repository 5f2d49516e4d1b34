"""The learner's safety nets on the quiz pages, in headless Chromium.

Before the submit, a summary of what is answered and a warning for what is not; "Not
answered" (not "Wrong") in review; an attempt the timer submitted says so; the timer changes
at 5 minutes and at 1 minute left; an attempt waiting for an essay grade shows what is scored
so far (as the review options allow) and updates itself once graded; the quiz page says where
the learner stands and how many attempts are left.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from quizzes.models import Attempt, Quiz
from quizzes.services.attempts import attempt_start, attempt_submit, attempts_submit_overdue
from quizzes.services.grading import attempt_grade, attempt_question_grade
from tests.browser.test_learner_flow import answer, log_in, mark_page, page_was_kept
from tests.factories import UserFactory, build_course, enrol, wrong_answers
from tests.quizzes.builders import essay, single_choice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_TIMEOUT_MS = 60_000
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture
def setup(db):
    """A course whose one quiz has three single-choice questions, in order; Maya is enrolled."""
    course = build_course(modules=1, questions=3, title="Leading Rounds")
    quiz = course.modules.get().quizzes.get()
    learner = UserFactory(username="maya", full_name="Maya Okafor")
    enrol(learner, course)
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    return quiz, learner, teacher


def shoot(page: Page, artifacts_dir, name: str) -> None:
    """Screenshots for issue 16, at desktop and phone widths (the page is reloaded for each)."""
    folder = artifacts_dir / "issue16"
    folder.mkdir(exist_ok=True)
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"quiz-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def summary(page: Page):
    return page.get_by_role("region", name="Before you submit")


def test_the_summary_warns_of_unanswered_questions_and_review_says_not_answered(
    page: Page, live_server, celery_worker, artifacts_dir, setup
):
    quiz, learner, _teacher = setup
    log_in(page, "maya")
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    page.wait_for_load_state("load")
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    positions = {
        item.question.choices.get(fraction__gt=0).text: item.position
        for item in attempt.questions.select_related("question")
    }

    # Nothing answered yet: the summary says so, question by question.
    box = summary(page)
    expect(box).to_contain_text("0 of 3 questions answered.")
    expect(box.get_by_role("listitem")).to_have_count(3)
    expect(box).to_contain_text("3 questions are not answered.")

    # Each answer saved updates the summary in place.
    mark_page(page)
    answer(page, "SBAR (1.1)")
    expect(box).to_contain_text("1 of 3 questions answered.")
    first = positions["SBAR (1.1)"]
    expect(box.get_by_role("listitem").nth(first - 1)).to_have_text(
        re.compile(rf"^Question {first}\s*Answered$")
    )
    expect(box).to_contain_text("2 questions are not answered.")
    answer(page, "SBAR (1.2)")
    expect(box).to_contain_text("2 of 3 questions answered.")
    expect(box.locator("#summary-warning")).to_have_text(
        re.compile(r"^1 question is not answered\. Go back to it with the link above")
    )
    assert page_was_kept(page), "The summary reloaded the page instead of updating in place"

    # The link goes back to the unanswered question.
    third = positions["SBAR (1.3)"]
    box.get_by_role("link", name=f"Question {third}").click()
    expect(page).to_have_url(re.compile(r"#question-\d+$"))
    expect(page.get_by_role("group", name=re.compile(rf"^Question {third}\b"))).to_be_in_viewport()
    box.scroll_into_view_if_needed()
    shoot(page, artifacts_dir, "take-summary")

    # Submit anyway: the question left unanswered says "Not answered", not "Wrong".
    page.get_by_role("button", name="Submit your answers").click()
    status = page.locator("#attempt-status")
    expect(status.locator(".score")).to_contain_text("2 / 3", timeout=WORKER_TIMEOUT_MS)
    unanswered = status.get_by_role("region", name=re.compile(rf"^Question {third}\b"))
    expect(unanswered.locator(".verdict-tag")).to_have_text("Not answered")
    expect(status.get_by_role("region", name=re.compile(rf"^Question {first}\b"))).to_contain_text(
        "Right"
    )
    expect(status).not_to_contain_text("Wrong")
    shoot(page, artifacts_dir, "review-not-answered")


def test_review_says_not_answered_for_a_question_left_unanswered(page: Page, live_server, setup):
    quiz, learner, _teacher = setup
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = wrong_answers(attempt)
    first = attempt.questions.get(position=1).question_id
    attempt_submit(user=learner, attempt_id=attempt.id, responses={first: answers[first]})
    attempt_grade(attempt_id=attempt.id)

    log_in(page, "maya")
    page.goto(f"/attempts/{attempt.id}/result/")
    status = page.locator("#attempt-status")
    tags = status.locator(".review .verdict-tag")
    expect(tags).to_have_text(["Wrong", "Not answered", "Not answered"])


def test_an_attempt_the_timer_submitted_says_so(page: Page, live_server, artifacts_dir, setup):
    quiz, learner, _teacher = setup
    Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=10)
    quiz.refresh_from_db()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    assert attempts_submit_overdue() == 1  # what the sweeper does for a closed browser
    attempt_grade(attempt_id=attempt.id)

    log_in(page, "maya")
    page.goto(f"/attempts/{attempt.id}/result/")
    expect(page.locator(".submitted-by-system")).to_contain_text(
        "Submitted automatically when the time ran out"
    )
    expect(page.locator("#attempt-status .verdict")).to_have_text(re.compile(r"^Not passed"))
    shoot(page, artifacts_dir, "result-timed-out")
    page.goto(f"/quizzes/{quiz.id}/")
    expect(page.get_by_role("row", name=re.compile("#1"))).to_contain_text(
        "submitted when the time ran out"
    )


def test_the_timer_warns_at_five_minutes_and_at_one_minute(
    page: Page, live_server, artifacts_dir, setup
):
    quiz, learner, _teacher = setup
    Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=30)
    log_in(page, "maya")
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    timer_box = page.locator(".timer")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(30:00|29:5\d)$"))
    expect(timer_box).not_to_have_class(re.compile(r"\bwarning\b"))
    alert = page.locator("#timer-alert")
    expect(alert).to_have_text("")

    # Crossing 5 minutes left: a warning style and a status line (read out, and shown).
    attempt = Attempt.objects.get(user=learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=303))
    page.reload()
    expect(timer_box).not_to_have_class(re.compile(r"\bwarning\b"))
    expect(timer_box).to_have_class(re.compile(r"\bwarning\b"), timeout=10_000)
    expect(alert).to_have_text(re.compile(r"^5 minutes left\."))
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("aria-live", "polite")
    shoot(page, artifacts_dir, "timer-5-minutes")

    # Crossing 1 minute left: more urgent still.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=63))
    page.reload()
    expect(timer_box).not_to_have_class(re.compile(r"\burgent\b"))
    expect(timer_box).to_have_class(re.compile(r"\burgent\b"), timeout=10_000)
    expect(alert).to_have_text(re.compile(r"^1 minute left\."))
    shoot(page, artifacts_dir, "timer-1-minute")


def test_a_page_opened_with_little_time_left_warns_at_once_and_submits_at_zero(
    page: Page, live_server, setup
):
    quiz, learner, _teacher = setup
    Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=30)
    log_in(page, "maya")
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = Attempt.objects.get(user=learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=5))
    page.reload()
    expect(page.locator(".timer")).to_have_class(re.compile(r"\burgent\b"))
    expect(page.locator("#timer-alert")).to_have_text(re.compile(r"^Less than 1 minute left\."))
    # At zero the page sends the form itself, and the result page says why.
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.id}/result/$"), timeout=15_000)
    expect(
        page.get_by_text("Time ran out: the answers on your page were submitted")
    ).to_be_visible()


def test_an_attempt_waiting_for_an_essay_shows_what_is_scored_and_updates_itself(
    page: Page, live_server, celery_worker, artifacts_dir, setup
):
    quiz, learner, teacher = setup
    quiz.slots.all().delete()
    quiz.shuffle_questions = False
    # Right answers and per-answer feedback stay hidden: review shows correctness and score.
    quiz.review_right_answers = Quiz.ReviewWhen.NEVER
    quiz.review_feedback = Quiz.ReviewWhen.NEVER
    quiz.save()
    single_choice(quiz, teacher)
    essay(quiz, teacher)

    log_in(page, "maya")
    page.goto(f"/quizzes/{quiz.id}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_load_state("load")
    answer(page, "Free narrative")
    essay_box = page.get_by_role("group", name=re.compile(r"^Question 2\b"))
    essay_box.get_by_label("Your answer").fill("I would start with what I saw, then listen.")
    expect(essay_box.locator("[aria-live]")).to_have_text(re.compile(r"^\s*Saved at"))
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.get_by_role("button", name="Submit your answers").click()

    status = page.locator("#attempt-status")
    expect(status).to_contain_text(
        "An instructor is grading part of this attempt", timeout=WORKER_TIMEOUT_MS
    )
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert attempt.state == Attempt.State.NEEDS_REVIEW
    scored = status.get_by_role("region", name=re.compile(r"^Question 1\b"))
    expect(scored.locator(".verdict-tag")).to_have_text("Wrong")
    expect(scored).to_contain_text("0 / 1")
    waiting = status.get_by_role("region", name=re.compile(r"^Question 2\b"))
    expect(waiting.locator(".verdict-tag")).to_have_text("Waiting for an instructor")
    expect(waiting).to_contain_text("I would start with what I saw")
    # What the review options hide stays hidden while the essay waits, and no total yet.
    body = page.content()
    for secret in ("FEEDBACK-", "GENERAL-", "Right answer", "✓"):
        assert secret not in body, secret
    expect(status.locator(".score")).to_have_count(0)
    shoot(page, artifacts_dir, "result-waiting-for-essay")

    # The instructor grades the essay; the page updates by itself, without a reload.
    mark_page(page)
    item = attempt.questions.get(question__type="essay")
    attempt_question_grade(
        grader=teacher,
        attempt_id=attempt.id,
        question_id=item.question_id,
        score="1",
        comment="Good start.",
    )
    expect(status.locator(".score")).to_contain_text("1 / 2", timeout=30_000)
    expect(status.locator(".verdict")).to_have_text(re.compile(r"^Not passed"))
    expect(status).not_to_contain_text("An instructor is grading")
    assert page_was_kept(page), "The result page reloaded instead of updating in place"


def test_the_quiz_page_says_where_the_learner_stands_and_what_is_left(
    page: Page, live_server, artifacts_dir, setup
):
    quiz, learner, _teacher = setup
    Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=10, attempts_allowed=3)
    quiz.refresh_from_db()

    log_in(page, "maya")
    page.goto(f"/quizzes/{quiz.id}/")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(re.compile(r"Time limit\s*10 minutes"))
    expect(page.locator(".start-note")).to_have_text(
        "Time limit: 10 minutes. The timer starts when you start the attempt."
    )
    expect(page.locator("#attempts-left")).to_have_text("3 of 3")
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(re.compile(r"time limit minutes", re.I))

    # One failed attempt: not passed yet, two left, and the button starts attempt 2.
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=wrong_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    page.reload()
    expect(page.locator("#standing")).to_have_text("Not passed yet — 2 attempts left.")
    expect(page.locator("#attempts-left")).to_have_text("2 of 3")
    expect(page.get_by_role("button", name="Start the quiz")).to_have_count(0)
    expect(page.get_by_role("button", name="Start attempt 2")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Failed")
    shoot(page, artifacts_dir, "detail-not-passed-yet")

    page.get_by_role("button", name="Start attempt 2").click()
    expect(page.get_by_text("Attempt 2.")).to_be_visible()
    page.goto(f"/quizzes/{quiz.id}/")
    expect(page.locator("#standing")).to_have_text("Attempt 2 is in progress.")
    expect(page.get_by_role("button", name="Continue attempt 2")).to_be_visible()

    # Every attempt used: it says so, and offers no start the server would refuse.
    second = Attempt.objects.get(user=learner, number=2)
    attempt_submit(user=learner, attempt_id=second.id, responses=wrong_answers(second))
    attempt_grade(attempt_id=second.id)
    third, _ = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=third.id, responses=wrong_answers(third))
    attempt_grade(attempt_id=third.id)
    page.reload()
    expect(page.locator("#standing")).to_have_text("Not passed — you have used all 3 attempts.")
    expect(page.locator("#attempts-left")).to_have_text("0 of 3")
    expect(page.locator("form button.primary")).to_have_count(0)
    shoot(page, artifacts_dir, "detail-no-attempts-left")
    page.goto(f"/attempts/{third.id}/result/")
    expect(page.locator("#attempt-status .verdict")).to_have_text(re.compile(r"^Not passed"))
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    expect(page.locator("#attempt-status")).to_contain_text(
        "You have used all 3 attempts at this quiz."
    )
