"""Instructor and learner pages through Django's test client: roles, forms, what is saved.

The browser tests (tests/browser/test_quiz_*.py) drive the same pages in Chromium.
"""

from decimal import Decimal

import pytest
from django.test import Client

from courses.models import Course
from quizzes.models import Attempt, AttemptQuestion, Question, QuizOverride
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.builders import T, essay, quiz_of_every_type, right_response

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def teach_urls(quiz) -> list[str]:
    question = quiz.slots.first().question
    return [
        f"/teach/quizzes/{quiz.id}/",
        f"/teach/quizzes/{quiz.id}/questions/new/numerical/",
        f"/teach/quizzes/{quiz.id}/questions/{question.id}/",
        f"/teach/quizzes/{quiz.id}/preview/",
        f"/teach/quizzes/{quiz.id}/overrides/",
    ]


@pytest.mark.parametrize("persona", ["learner", "director", "outsider", "other_instructor"])
def test_instructor_pages_refuse_everyone_who_does_not_teach_the_course(
    request, persona, quiz, course
):
    if persona == "other_instructor":
        user = UserFactory(username="other-instructor")
        build_course(modules=1, title="Ethics", slug="ethics").instructors.add(user)
    else:
        user = request.getfixturevalue(persona)
    enrol(request.getfixturevalue("learner"), course)
    client = client_for(user)
    questions_before = Question.objects.count()

    for url in teach_urls(quiz):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"text": "x", "title": "x"}).status_code == 403, url
    slot = quiz.slots.first()
    assert (
        client.post(f"/teach/quizzes/{quiz.id}/slots/{slot.id}/", {"action": "remove"}).status_code
        == 403
    )
    assert Question.objects.count() == questions_before
    assert quiz.slots.count() == 3


def test_the_grading_queue_lists_only_essays_of_courses_one_teaches(
    instructor, learner, quiz, course
):
    enrol(learner, course)
    quiz.slots.all().delete()
    essay(quiz, instructor)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.get()
    attempt_submit(
        user=learner, attempt_id=attempt.id, responses={item.question_id: right_response(item)}
    )
    attempt_grade(attempt_id=attempt.id)
    stranger = UserFactory(username="stranger-instructor")
    build_course(modules=1, title="Ethics", slug="ethics").instructors.add(stranger)

    mine = client_for(instructor).get("/teach/grading/")
    theirs = client_for(stranger).get("/teach/grading/")

    assert "Alex Rivera" in mine.content.decode()
    assert "Alex Rivera" not in theirs.content.decode()
    assert "No essays are waiting" in theirs.content.decode()
    url = f"/teach/attempts/{attempt.id}/questions/{item.question_id}/grade/"
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(learner).post(url, {"score": "1"}).status_code == 404

    graded = client_for(instructor).post(url, {"score": "0.75", "comment": "Clear and kind."})
    assert graded.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (Attempt.State.GRADED, Decimal("0.75"))


ANSWER_POSTS: dict[str, list[tuple[str, str, str]]] = {
    T.SINGLE_CHOICE: [("SBAR", "1", "Yes"), ("Narrative", "0", "No")],
    T.MULTIPLE_RESPONSE: [("A", "0.5", ""), ("B", "0.5", ""), ("C", "-1", "")],
    T.SHORT_ANSWER: [("SBAR", "1", ""), ("SB*", "0.5", "")],
}


def question_post(kind: str) -> dict:
    data = {
        "text": f"A {kind} question?",
        "name": "",
        "default_points": "2",
        "general_feedback": "Because.",
        "answers-TOTAL_FORMS": "5",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
    }
    if kind in ANSWER_POSTS:
        for n, (text, fraction, feedback) in enumerate(ANSWER_POSTS[kind]):
            data |= {
                f"answers-{n}-text": text,
                f"answers-{n}-fraction": fraction,
                f"answers-{n}-feedback": feedback,
            }
    elif kind == T.NUMERICAL:
        data |= {
            "answers-0-value": "5",
            "answers-0-tolerance": "0.1",
            "answers-0-fraction": "1",
            "answers-1-range_min": "4",
            "answers-1-range_max": "6",
            "answers-1-fraction": "0.5",
        }
    elif kind == T.MATCHING:
        data |= {
            "answers-0-text": "Situation",
            "answers-0-match_text": "Now",
            "answers-1-text": "Background",
            "answers-1-match_text": "History",
            "answers-2-match_text": "On call",
        }
    elif kind == T.TRUE_FALSE:
        data |= {"tf-right": "false", "tf-feedback_true": "No.", "tf-feedback_false": "Yes."}
    return data


@pytest.mark.parametrize("kind", Question.Type.values)
def test_the_builder_adds_a_question_of_every_type(instructor, quiz, kind):
    response = client_for(instructor).post(
        f"/teach/quizzes/{quiz.id}/questions/new/{kind}/", question_post(kind)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(text=f"A {kind} question?")
    assert question.type == kind
    assert quiz.slots.order_by("position").last().question == question
    rows = list(
        question.choices.order_by("position").values_list(
            "text", "match_text", "fraction", "value_min", "value_max"
        )
    )
    expected = {
        T.SINGLE_CHOICE: [("SBAR", "", 1, None, None), ("Narrative", "", 0, None, None)],
        T.MULTIPLE_RESPONSE: [
            ("A", "", Decimal("0.5"), None, None),
            ("B", "", Decimal("0.5"), None, None),
            ("C", "", -1, None, None),
        ],
        T.TRUE_FALSE: [("True", "", 0, None, None), ("False", "", 1, None, None)],
        T.SHORT_ANSWER: [("SBAR", "", 1, None, None), ("SB*", "", Decimal("0.5"), None, None)],
        T.NUMERICAL: [("", "", 1, Decimal("4.9"), Decimal("5.1")), ("", "", Decimal("0.5"), 4, 6)],
        T.MATCHING: [
            ("Situation", "Now", 0, None, None),
            ("Background", "History", 0, None, None),
            ("", "On call", 0, None, None),
        ],
        T.ESSAY: [],
        T.DESCRIPTION: [],
    }[kind]
    assert rows == expected


def test_a_question_that_cannot_be_answered_right_is_shown_again_with_the_reason(instructor, quiz):
    data = question_post(T.SINGLE_CHOICE) | {"answers-0-fraction": "0.5"}
    before = Question.objects.count()

    response = client_for(instructor).post(
        f"/teach/quizzes/{quiz.id}/questions/new/single_choice/", data
    )

    assert response.status_code == 200
    assert "One choice must earn all the points" in response.content.decode()
    assert Question.objects.count() == before


def test_editing_a_numerical_question_shows_its_range_and_saves_changes(instructor, quiz):
    client = client_for(instructor)
    client.post(f"/teach/quizzes/{quiz.id}/questions/new/numerical/", question_post(T.NUMERICAL))
    question = Question.objects.get(type=T.NUMERICAL)
    page = client.get(f"/teach/quizzes/{quiz.id}/questions/{question.id}/").content.decode()
    assert 'name="answers-1-range_min" value="4"' in page
    assert 'name="answers-0-range_min" value="4.9"' in page

    data = question_post(T.NUMERICAL) | {
        "answers-0-value": "",
        "answers-0-tolerance": "",
        "answers-0-range_min": "4.9",
        "answers-0-range_max": "5.2",
    }
    assert (
        client.post(f"/teach/quizzes/{quiz.id}/questions/{question.id}/", data).status_code == 302
    )
    assert question.choices.get(position=1).value_max == Decimal("5.2")


def test_the_settings_form_saves_review_options_and_feedback_bands(instructor, quiz):
    data = {
        "title": "Handover check",
        "intro": "",
        "pass_mark_percent": "75",
        "attempts_allowed": "3",
        "delay_minutes": "10",
        "grading_method": "average",
        "time_limit_minutes": "20",
        "opens_at": "",
        "closes_at": "2030-01-01T12:00",
        "shuffle_questions": "on",
        "review_correctness": "immediately",
        "review_score": "immediately",
        "review_feedback": "after_close",
        "review_right_answers": "never",
        "bands-TOTAL_FORMS": "2",
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
        "bands-0-min_percent": "0",
        "bands-0-text": "Read it again.",
        "bands-1-min_percent": "90",
        "bands-1-text": "Excellent.",
    }
    response = client_for(instructor).post(f"/teach/quizzes/{quiz.id}/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    quiz.refresh_from_db()
    assert (
        quiz.pass_mark_percent,
        quiz.attempts_allowed,
        quiz.delay_minutes,
        quiz.grading_method,
    ) == (75, 3, 10, "average")
    assert (quiz.review_feedback, quiz.review_right_answers, quiz.shuffle_choices) == (
        "after_close",
        "never",
        False,
    )
    assert list(quiz.feedback_bands.values_list("min_percent", "text")) == [
        (Decimal("90.00"), "Excellent."),
        (Decimal("0.00"), "Read it again."),
    ]


def test_preview_shows_every_type_and_saves_nothing(instructor, quiz):
    quiz_of_every_type(quiz, instructor)

    page = client_for(instructor).get(f"/teach/quizzes/{quiz.id}/preview/").content.decode()

    assert not Attempt.objects.exists()
    assert not AttemptQuestion.objects.exists()
    for needle in (
        "Which handover tool is <strong>structured</strong>?",
        "Call-out",
        "Your answer (a number)",
        "<select",
        "<textarea",
        "Read this case",
    ):
        assert needle in page, needle
    assert "FEEDBACK-" not in page and "KEYSBAR" not in page and "hx-post" not in page


def test_the_override_form_gives_a_learner_more_time(instructor, learner, course, quiz):
    enrol(learner, course)
    client = client_for(instructor)
    response = client.post(
        f"/teach/quizzes/{quiz.id}/overrides/",
        {
            "user": learner.id,
            "time_limit_minutes": "45",
            "attempts_allowed": "",
            "opens_at": "",
            "closes_at": "",
        },
    )
    assert response.status_code == 302
    override = QuizOverride.objects.get()
    assert (
        override.user,
        override.time_limit_minutes,
        override.attempts_allowed,
        override.set_by,
    ) == (learner, 45, None, instructor)

    empty = client.post(f"/teach/quizzes/{quiz.id}/overrides/", {"user": learner.id})
    assert empty.status_code == 200
    assert "An override changes at least one setting." in empty.content.decode()

    client.post(f"/teach/quizzes/{quiz.id}/overrides/{override.id}/delete/")
    assert not QuizOverride.objects.exists()


def test_a_draft_courses_quiz_is_editable_by_its_instructor(instructor, quiz):
    Course.objects.filter(pk=quiz.module.course_id).update(status=Course.Status.DRAFT)
    assert client_for(instructor).get(f"/teach/quizzes/{quiz.id}/").status_code == 200


def test_learner_pages_submit_every_type_from_the_form(learner, instructor, quiz, course):
    enrol(learner, course)
    quiz_of_every_type(quiz, instructor, essay_too=False)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    form: dict[str, str | list[str]] = {}
    for item in attempt.questions.select_related("question"):
        answer = right_response(item)
        if answer is None:
            continue
        qid = item.question_id
        if "choice_ids" in answer:
            form[f"q{qid}"] = [str(c) for c in answer["choice_ids"]]
        elif "matches" in answer:
            form |= {f"q{qid}-p{p}": str(o) for p, o in answer["matches"].items()}
        elif "value" in answer:
            form[f"q{qid}-value"] = answer["value"]
        else:
            form[f"q{qid}-text"] = answer["text"]

    response = client_for(learner).post(f"/attempts/{attempt.id}/", form)

    assert response.status_code == 302
    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None
    assert (graded.score, graded.max_score) == (Decimal("6.00"), Decimal("6.00"))


def test_a_bad_number_in_the_autosave_says_why_and_keeps_the_answer(
    learner, instructor, quiz, course
):
    enrol(learner, course)
    quiz_of_every_type(quiz, instructor, essay_too=False)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    item = attempt.questions.get(question__type=T.NUMERICAL)
    client = client_for(learner)
    client.post(
        f"/attempts/{attempt.id}/answers/{item.question_id}/", {f"q{item.question_id}-value": "12"}
    )

    response = client.post(
        f"/attempts/{attempt.id}/answers/{item.question_id}/",
        {f"q{item.question_id}-value": "twelve"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "That is not a number" in response.content.decode()
    item.refresh_from_db()
    assert item.response == {"value": "12"}


def test_template_comments_never_reach_the_page(learner, instructor, quiz, course):
    enrol(learner, course)
    quiz_of_every_type(quiz, instructor)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    client = client_for(learner)
    teacher = client_for(instructor)
    pages = [
        client.get(f"/attempts/{attempt.id}/"),
        teacher.get(f"/teach/quizzes/{quiz.id}/preview/"),
        teacher.get(f"/teach/quizzes/{quiz.id}/"),
        teacher.get(f"/teach/quizzes/{quiz.id}/questions/new/matching/"),
    ]
    for page in pages:
        body = page.content.decode()
        assert "{#" not in body and "{%" not in body, body[:500]


@pytest.mark.parametrize("minutes", ["10000000000", "10081"])
def test_an_override_beyond_a_week_is_a_form_error_not_a_server_error(
    instructor, learner, course, quiz, minutes
):
    enrol(learner, course)
    response = client_for(instructor).post(
        f"/teach/quizzes/{quiz.id}/overrides/",
        {"user": learner.id, "time_limit_minutes": minutes, "attempts_allowed": ""},
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10080." in response.content.decode()
    assert not QuizOverride.objects.exists()


def test_the_overrides_page_says_the_quizs_own_settings_in_words(instructor, quiz):
    quiz.time_limit_minutes, quiz.attempts_allowed = 10, 1
    quiz.save()

    page = client_for(instructor).get(f"/teach/quizzes/{quiz.id}/overrides/").content.decode()

    assert "settings: a time limit of 10 minutes, and 1 attempt." in page
    assert "time limit minutes" not in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"default_points": "1000000000000"}, "default_points", "no more than 6 digits"),
        ({"text": "x" * 20_001}, "text", "at most 20000 characters"),
        ({"general_feedback": "x" * 20_001}, "general_feedback", "at most 20000 characters"),
    ],
)
def test_out_of_bounds_question_fields_are_form_errors_and_save_nothing(
    instructor, quiz, fields, field, message
):
    before = quiz.slots.count()
    data = {"text": "Describe a handover you led.", "default_points": "1", **fields}

    response = client_for(instructor).post(f"/teach/quizzes/{quiz.id}/questions/new/essay/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert quiz.slots.count() == before
