"""Script and HTML in every text a user can write are inert on the pages that show it.

Two kinds of text reach the pages. Plain text (names, titles, summaries, an essay's answer,
choices) goes through Django's autoescaping. Instructor text written in Markdown (lesson bodies,
question text, feedback, feedback bands, comments on essays) is the only text marked safe: the
`*_html` properties and the `markdown` filter, each `render_markdown`, which nh3 sanitises. The
grep below finds every `|safe` and `mark_safe` so a new one cannot skip the sanitiser.
"""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Cohort, render_markdown
from quizzes.models import Attempt, FeedbackBand
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.authoring import question_create
from quizzes.services.grading import attempt_grade, attempt_question_grade
from tests.factories import UserFactory, build_course, enrol

ROOT = Path(__file__).resolve().parent.parent

# Each payload carries a marker, so a test can tell the text was shown (and not merely dropped).
PAYLOAD = (
    '<script>alert("xss-{m}")</script>'
    "<img src=x onerror=\"alert('xss-{m}')\">"
    '<iframe src="https://evil.example/{m}"></iframe>'
    "<a href=\"javascript:alert('xss-{m}')\">link-{m}</a> "
    "[md-link-{m}](javascript:alert('xss-{m}')) "
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">MARK-{m}</div>'
)


# For names and titles (at most 200 characters).
SHORT_PAYLOAD = '<script>alert("xss-{m}")</script><b onmouseover=alert(1)>MARK-{m}</b>'


def payload(marker: str) -> str:
    return PAYLOAD.format(m=marker)


def short(marker: str) -> str:
    return SHORT_PAYLOAD.format(m=marker)


class _Active(HTMLParser):
    """Everything in a page that could run: script elements, event handler attributes,
    `javascript:` URLs, frames and plugins."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            if value and re.match(r"\s*javascript:", value, re.IGNORECASE):
                self.found.append(f"{tag} {name}={value!r}")
            if name == "style" and value and "javascript:" in value:
                self.found.append(f"{tag} style={value!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "xss-" in data:
            self.found.append(f"script: {data[:80]!r}")


def assert_inert(html: str, *markers: str) -> None:
    parser = _Active()
    parser.feed(html)
    assert parser.found == [], parser.found
    for marker in markers:
        assert f"MARK-{marker}" in html, f"the text marked {marker} is not on the page"


# --- every sink -------------------------------------------------------------------------------

SAFE_SINK = re.compile(r"\|\s*safe\b|mark_safe\(|\{%\s*autoescape\s+off")


def test_every_safe_sink_renders_markdown_through_the_sanitiser():
    """Every place that turns off escaping wraps render_markdown (nh3), and nothing else."""
    sinks = []
    for path in ROOT.rglob("*"):
        # Plain-text e-mails (.txt) turn autoescaping off on purpose: they are never HTML.
        if path.suffix not in (".py", ".html") or not path.is_file():
            continue
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "node_modules", "staticfiles", "tests", ".git", "var"}:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if SAFE_SINK.search(line) and "import" not in line:
                sinks.append((str(path.relative_to(ROOT)), number, line.strip()))
    assert sinks, "the grep found nothing: is it looking in the right place?"
    unsanitised = [s for s in sinks if "mark_safe(render_markdown(" not in s[2]]
    assert unsanitised == []


@pytest.mark.parametrize("marker", ["unit"])
def test_render_markdown_strips_everything_active(marker):
    html = render_markdown(payload(marker))
    assert_inert(html, marker)
    assert "<img" not in html  # no remote content either
    assert f"link-{marker}" in html  # the links' text stays, without their scripts


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def hostile(db):
    """A course, a cohort and an attempt whose every user-written text carries a payload."""
    learner = UserFactory(username="hostile-learner", full_name=short("learner-name"))
    instructor = UserFactory(username="hostile-teacher", full_name=short("teacher-name"))
    director = UserFactory(username="hostile-director", full_name="Director")
    course = build_course(
        modules=1,
        questions=0,
        title=short("course-title"),
        summary=payload("course-summary"),
        slug="hostile-course",
    )
    course.instructors.add(instructor)
    module = course.modules.get()
    module.title = short("module-title")
    module.summary = payload("module-summary")
    module.save()
    lesson = module.lessons.get()
    lesson.title = short("lesson-title")
    lesson.body = payload("lesson-body")
    lesson.save()
    quiz = module.quizzes.get()
    quiz.title = short("quiz-title")
    quiz.save()
    FeedbackBand.objects.create(quiz=quiz, min_percent=Decimal("0"), text=payload("band"))
    choice_question = question_create(
        actor=instructor,
        quiz=quiz,
        type="single_choice",
        name="Hostile choice",
        text=payload("question-text"),
        general_feedback=payload("general-feedback"),
        answers=[
            {"text": short("choice-right"), "fraction": 1, "feedback": payload("fb-right")},
            {"text": short("choice-wrong"), "fraction": 0, "feedback": payload("fb-wrong")},
        ],
    )
    essay_question = question_create(
        actor=instructor,
        quiz=quiz,
        type="essay",
        name="Hostile essay",
        text=payload("essay-question"),
        general_feedback="",
        answers=[],
    )
    cohort = Cohort.objects.create(
        course=course,
        name=short("cohort-name"),
        start_date=date(2026, 1, 5),
        end_date=date(2026, 12, 1),
    )
    cohort.directors.add(director)
    enrolment = enrol(learner, course)
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    return {
        "learner": learner,
        "instructor": instructor,
        "director": director,
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "choice": choice_question,
        "essay": essay_question,
        "cohort": cohort,
    }


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_course_and_lesson_texts_are_inert(hostile):
    learner, course, lesson = hostile["learner"], hostile["course"], hostile["lesson"]
    assert_inert(page(learner, reverse("dashboard")), "course-title", "learner-name")
    assert_inert(
        page(learner, reverse("course", args=[course.slug])),
        "course-title",
        "course-summary",
        "module-title",
        "lesson-title",
    )
    assert_inert(page(learner, reverse("lesson", args=[lesson.id])), "lesson-title", "lesson-body")


def test_question_texts_answers_feedback_and_comments_are_inert(hostile):
    learner, instructor, quiz = hostile["learner"], hostile["instructor"], hostile["quiz"]
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    assert_inert(
        page(learner, reverse("attempt", args=[attempt.id])),
        "question-text",
        "choice-right",
        "essay-question",
    )
    wrong = hostile["choice"].choices.get(fraction=0)
    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=hostile["choice"].id,
        response={"choice_ids": [wrong.id]},
    )
    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=hostile["essay"].id,
        response={"text": payload("essay-answer")},
    )
    attempt_submit(user=learner, attempt_id=attempt.id)
    attempt_grade(attempt_id=attempt.id)
    # The instructor reads the essay (and the learner's name) to grade it.
    grade_url = reverse("teach-essay-grade", args=[attempt.id, hostile["essay"].id])
    assert_inert(page(instructor, grade_url), "essay-question", "essay-answer")
    assert_inert(page(instructor, reverse("teach-grading")), "learner-name")
    attempt_question_grade(
        grader=instructor,
        attempt_id=attempt.id,
        question_id=hostile["essay"].id,
        score="1",
        comment=payload("comment"),
    )
    assert Attempt.objects.get(pk=attempt.id).state == Attempt.State.GRADED
    assert_inert(page(learner, reverse("attempt-result", args=[attempt.id])), "question-text")
    # The instructor's views of the quiz: the builder and the preview.
    assert_inert(page(instructor, reverse("teach-quiz", args=[quiz.id])), "quiz-title")
    assert_inert(page(instructor, reverse("teach-preview", args=[quiz.id])), "question-text")


def test_names_on_the_directors_pages_are_inert(hostile):
    director, cohort, learner = hostile["director"], hostile["cohort"], hostile["learner"]
    assert_inert(page(director, reverse("cohorts")), "cohort-name")
    assert_inert(page(director, reverse("cohort", args=[cohort.id])), "cohort-name", "learner-name")
    assert_inert(
        page(director, reverse("cohort-learner", args=[cohort.id, learner.id])), "learner-name"
    )
