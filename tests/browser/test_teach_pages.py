"""The instructor's quiz pages as an instructor sees them (issue 16's points 1, 4, 8 and 9).

Descriptions save; the preview is answered, graded and reviewed with nothing saved; disabled
buttons look disabled; removing a question asks first; a moved question keeps the keyboard
focus; the learner picker is sorted and searchable; answer rows can be added; names made from
a question's text end on a whole word. Each page is photographed at desktop and phone widths
in test-artifacts/issue16/.
"""

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from quizzes.models import Attempt, AttemptQuestion, FeedbackBand, Question, QuizOverride
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import MAX_ANSWERS, question_create
from quizzes.services.grading import attempt_grade
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.builders import T, quiz_of_every_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def shoot(page: Page, artifacts_dir, name: str) -> None:
    """The page at desktop and at phone width, in test-artifacts/issue16/teach-<name>-*.png."""
    folder = artifacts_dir / "issue16"
    folder.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        page.screenshot(path=str(folder / f"teach-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def teaching():
    """A course taught by Dr. Priya Raman, its quiz of three single-choice questions."""
    course = build_course(modules=1, questions=3, title="Leading Rounds")
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    quiz = course.modules.get().quizzes.get()
    return course, quiz, teacher


def test_a_description_is_saved_and_a_refused_question_says_why(
    page: Page, live_server, artifacts_dir, teaching
):
    _, quiz, _ = teaching
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/")

    page.get_by_role("link", name="Description (no answer)").click()
    expect(page.get_by_role("heading", name="New description (no answer) question")).to_be_visible()
    expect(page.get_by_label("Points")).to_have_count(0)
    page.get_by_label("Text").fill("*Read this case first.* A night shift on a busy ward.")
    shoot(page, artifacts_dir, "description-new")
    page.get_by_role("button", name="Save question").click()

    expect(page.locator(".messages")).to_contain_text("Question saved.")
    question = Question.objects.get(type=T.DESCRIPTION)
    expect(page.get_by_role("list", name="Questions")).to_contain_text(question.name)

    # A refusal is shown above the form and beside the field, whatever the type.
    page.get_by_role("link", name="Single choice", exact=True).click()
    page.get_by_label("Text").fill("Which tool?")
    page.get_by_role("group", name="Answer 1", exact=True).get_by_label("Choice").fill("SBAR")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_role("alert").first).to_contain_text("The question was not saved")
    expect(page.get_by_role("alert").filter(has_text="at least two choices")).to_be_visible()
    shoot(page, artifacts_dir, "question-refused")


def test_the_preview_is_answered_graded_and_reviewed_with_nothing_saved(
    page: Page, live_server, artifacts_dir, teaching
):
    _, quiz, teacher = teaching
    quiz_of_every_type(quiz, teacher)
    quiz.shuffle_choices = False
    quiz.save(update_fields=["shuffle_choices"])
    FeedbackBand.objects.create(quiz=quiz, min_percent=50, text="Solid handover skills.")
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/preview/")

    submit = page.get_by_role("button", name="Submit your answers")
    expect(submit).to_be_enabled()
    page.get_by_role("radio", name="SBAR").check()
    page.get_by_role("checkbox", name="Call-out").check()
    page.get_by_role("checkbox", name="Check-back").check()
    page.get_by_role("radio", name="False").check()
    page.get_by_label("Your answer", exact=True).first.fill("KEYSBAR")
    page.get_by_label("Your answer (a number)").fill("8765.5")
    page.get_by_role("combobox", name="Situation").select_option(label="What is happening now")
    page.get_by_role("combobox", name="Background").select_option(label="The history")
    page.get_by_role("combobox", name="Recommendation").select_option(label="Who is on call")
    page.locator("textarea").fill("I would start with what I saw.")
    shoot(page, artifacts_dir, "preview-form")
    submit.click()

    expect(page.get_by_role("note")).to_contain_text("Nothing was saved")
    expect(page.locator(".result .score")).to_contain_text("Score:")
    expect(page.locator(".overall-feedback")).to_contain_text("Solid handover skills.")
    expect(page.get_by_text("FEEDBACK-single-right")).to_be_visible()
    expect(page.get_by_text("GENERAL-matching")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Partly right"))).to_contain_text(
        "Recommendation"
    )
    expect(page.get_by_text("Waiting for an instructor")).to_be_visible()
    expect(page.get_by_text("an essay counts 0 in this total")).to_be_visible()
    shoot(page, artifacts_dir, "preview-graded")
    assert not Attempt.objects.exists()
    assert not AttemptQuestion.objects.exists()

    page.get_by_role("link", name="Preview again (a new draw)").click()
    expect(page.get_by_role("button", name="Submit your answers")).to_be_enabled()


def test_disabled_arrows_look_disabled_and_a_moved_question_keeps_the_focus(
    page: Page, live_server, artifacts_dir, teaching
):
    _, quiz, _ = teaching
    first, second, third = (s.question for s in quiz.slots.order_by("position"))
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/")

    up = page.get_by_role("button", name=f"Move {first.name} up")
    down = page.get_by_role("button", name=f"Move {first.name} down")
    expect(up).to_be_disabled()
    assert float(up.evaluate("b => getComputedStyle(b).opacity")) < 0.7
    assert up.evaluate("b => getComputedStyle(b).cursor") == "not-allowed"
    assert float(down.evaluate("b => getComputedStyle(b).opacity")) == 1

    down.focus()
    page.keyboard.press("Enter")
    moved = page.get_by_role("button", name=f"Move {first.name} down")
    expect(moved).to_be_focused()
    page.keyboard.press("Enter")
    # Now last: its down arrow is disabled, so the up arrow holds the focus.
    expect(page.get_by_role("button", name=f"Move {first.name} up")).to_be_focused()
    names = page.get_by_role("list", name="Questions").get_by_role("link")
    expect(names).to_have_text([second.name, third.name, first.name])
    shoot(page, artifacts_dir, "quiz-edit")


def test_removing_a_question_asks_first(page: Page, live_server, artifacts_dir, teaching):
    _, quiz, _ = teaching
    first = quiz.slots.order_by("position").first().question
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/")

    page.get_by_role("button", name=f"Remove {first.name}").click()
    expect(
        page.get_by_role("heading", name=f"Remove “{first.name}” from this quiz?")
    ).to_be_visible()
    assert quiz.slots.count() == 3
    shoot(page, artifacts_dir, "remove-confirm")
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("list", name="Questions").get_by_role("listitem")).to_have_count(3)

    page.get_by_role("button", name=f"Remove {first.name}").click()
    page.get_by_role("button", name="Remove the question").click()
    expect(page.locator(".messages")).to_contain_text("Question removed from the quiz")
    expect(page.get_by_role("list", name="Questions").get_by_role("listitem")).to_have_count(2)
    assert quiz.slots.count() == 2


def test_the_learner_picker_is_sorted_and_searchable(
    page: Page, live_server, artifacts_dir, teaching
):
    course, quiz, _ = teaching
    names = ["Zainab Bello", "maya Okafor", "Álvaro Núñez", "Chloé Dubois", "Ben Cohen"]
    for n, name in enumerate(names):
        enrol(UserFactory(username=f"resident{n}", full_name=name), course)
    UserFactory(username="outsider", full_name="Maya Outsider")  # not in the course
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/overrides/")

    options = page.get_by_label("Learner").locator("option")
    expect(options).to_have_text(
        [
            "Choose a learner…",
            "Álvaro Núñez (resident2)",
            "Ben Cohen (resident4)",
            "Chloé Dubois (resident3)",
            "maya Okafor (resident1)",
            "Zainab Bello (resident0)",
        ]
    )
    shoot(page, artifacts_dir, "overrides")
    page.get_by_label("Search by name or username").fill("maya")
    expect(options).to_have_text(["Choose a learner…", "maya Okafor (resident1)"])
    expect(page.locator("#learner-count")).to_contain_text("1 of 5 learners")
    shoot(page, artifacts_dir, "overrides-search")
    page.get_by_label("Learner").select_option(label="maya Okafor (resident1)")
    page.get_by_label("Time limit (minutes)").fill("30")
    page.get_by_role("button", name="Save override").click()

    expect(page.locator(".messages")).to_contain_text("Override saved for maya Okafor.")
    assert QuizOverride.objects.get().user.username == "resident1"


def test_the_learner_search_works_without_javascript(browser, live_server, teaching):
    course, quiz, _ = teaching
    for n, name in enumerate(["Nuno Alves", "Núria Vidal", "Oscar Lind"]):
        enrol(UserFactory(username=f"r{n}", full_name=name), course)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "teacher")
        page.goto(f"/teach/quizzes/{quiz.id}/overrides/")
        page.get_by_label("Search by name or username").fill("nu")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_label("Learner").locator("option")).to_have_text(
            ["Choose a learner…", "Nuno Alves (r0)", "Núria Vidal (r1)"]
        )
    finally:
        context.close()


def test_add_another_answer_adds_a_row_up_to_the_bound(
    page: Page, live_server, artifacts_dir, teaching
):
    _, quiz, _ = teaching
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/questions/new/single_choice/")
    page.get_by_label("Text").fill("Which tools structure a handover?")
    for n in range(1, 6):
        row = page.get_by_role("group", name=f"Answer {n}", exact=True)
        row.get_by_label("Choice").fill(f"Tool {n}")
        row.get_by_label("Fraction").fill("1" if n == 1 else "0")

    page.get_by_role("button", name="Add another answer").click()
    sixth = page.get_by_role("group", name="Answer 6", exact=True)
    expect(sixth.get_by_label("Choice")).to_be_focused()
    expect(
        page.get_by_role("group", name="Answer 5", exact=True).get_by_label("Choice")
    ).to_have_value("Tool 5")
    expect(page.get_by_role("alert")).to_have_count(0)
    sixth.get_by_label("Choice").fill("Tool 6")
    shoot(page, artifacts_dir, "answer-rows")
    for _ in range(MAX_ANSWERS - 6):
        page.get_by_role("button", name="Add another answer").click()
    expect(page.locator("fieldset.answer-row")).to_have_count(MAX_ANSWERS)
    page.get_by_role("button", name="Add another answer").click()
    expect(page.get_by_role("alert")).to_contain_text(f"at most {MAX_ANSWERS} answer rows")
    expect(page.locator("fieldset.answer-row")).to_have_count(MAX_ANSWERS)
    page.get_by_role("button", name="Save question").click()

    expect(page.locator(".messages")).to_contain_text("Question saved.")
    question = Question.objects.get(text="Which tools structure a handover?")
    assert question.choices.count() == 6


LONG_TEXT = (
    "Your colleague arrives late to the morning handover for the third time this week; "
    "describe how you would open the conversation."
)


def test_question_names_from_long_texts_end_on_a_whole_word(
    page: Page, live_server, artifacts_dir, teaching
):
    course, quiz, _ = teaching
    learner = UserFactory(username="maya", full_name="Maya Okafor")
    enrol(learner, course)
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/questions/new/essay/")
    page.get_by_label("Text").fill(LONG_TEXT)
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".messages")).to_contain_text("Question saved.")

    name = Question.objects.get(type=T.ESSAY).name
    assert name.endswith("…")
    words = name.removesuffix("…").split()
    assert words == LONG_TEXT.split()[: len(words)]
    link = page.get_by_role("list", name="Questions").get_by_role("link", name=name)
    expect(link).to_be_visible()

    # The grading queue names the question the same way.
    quiz.slots.exclude(question__type=T.ESSAY).delete()
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.get()
    attempt_submit(
        user=learner, attempt_id=attempt.id, responses={item.question_id: {"text": "Privately."}}
    )
    attempt_grade(attempt_id=attempt.id)
    page.goto("/teach/grading/")
    expect(page.get_by_role("row", name=re.compile("Maya Okafor"))).to_contain_text(name)
    shoot(page, artifacts_dir, "grading-queue")


def test_a_long_name_wraps_on_a_phone(page: Page, live_server, artifacts_dir, teaching):
    _, quiz, teacher = teaching
    question_create(
        actor=teacher,
        quiz=quiz,
        type=T.ESSAY,
        name="Interprofessional-communication-and-psychological-safety-reflection",
        text="Reflect.",
        answers=[],
    )
    log_in(page, "teacher")
    page.set_viewport_size(PHONE)
    page.goto(f"/teach/quizzes/{quiz.id}/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def test_the_changed_teach_pages_pass_axe_and_fit_a_phone(browser, live_server, teaching):
    """Each state this change adds, scanned by axe-core and measured at 360 px."""
    from tests.browser.test_accessibility import PHONE as NARROW
    from tests.browser.test_accessibility import Findings, check

    course, quiz, teacher = teaching
    quiz_of_every_type(quiz, teacher)
    enrol(UserFactory(username="maya", full_name="Maya Okafor"), course)
    context = browser.new_context(base_url=live_server.url, viewport=NARROW)
    page = context.new_page()
    findings = Findings()
    try:
        log_in(page, "teacher")
        page.goto(f"/teach/quizzes/{quiz.id}/questions/new/single_choice/")
        page.get_by_role("button", name="Add another answer").click()
        check(page, findings)
        page.get_by_role("button", name="Save question").click()  # refused: no text
        check(page, findings)
        page.goto(f"/teach/quizzes/{quiz.id}/")
        page.get_by_role("button", name="Remove Handover tool").click()
        check(page, findings)
        page.goto(f"/teach/quizzes/{quiz.id}/preview/")
        page.get_by_role("radio", name="SBAR").check()
        page.get_by_role("button", name="Submit your answers").click()
        expect(page.locator(".result .score")).to_be_visible()
        check(page, findings)
        page.goto(f"/teach/quizzes/{quiz.id}/overrides/?q=maya")
        check(page, findings)
    finally:
        context.close()
    assert not findings.problems, findings.report()
