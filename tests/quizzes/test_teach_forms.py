"""The instructor's pages through Django's test client: issue 16's points 1, 4, 8 and 9.

Descriptions save without the fields they do not have, the preview grades without saving,
removing a question asks first, the learner picker is sorted and searchable, answer rows can
be added up to a bound, and question names derived from the text end on a word.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client

from lms.errors import ApplicationError
from quizzes.models import Question
from quizzes.services.authoring import MAX_ANSWERS, question_create
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.builders import T, quiz_of_every_type

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_description_saves_with_only_the_fields_it_shows(instructor, quiz):
    """The page shows no points for a description, so the form must not require them."""
    client = client_for(instructor)
    url = f"/teach/quizzes/{quiz.id}/questions/new/description/"
    page = client.get(url).content.decode()
    assert 'name="default_points"' not in page

    response = client.post(url, {"text": "Read this case first.", "name": ""})

    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(type=T.DESCRIPTION)
    assert question.text == "Read this case first."
    assert quiz.slots.order_by("position").last().question == question


def test_a_question_form_error_is_shown_beside_its_field_and_above_the_form(instructor, quiz):
    response = client_for(instructor).post(
        f"/teach/quizzes/{quiz.id}/questions/new/essay/",
        {"text": "Describe a handover.", "default_points": "-1"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "The question was not saved" in body
    assert re.search(r'class="field has-error">\s*<label for="id_default_points"', body)
    assert "Ensure this value is greater than or equal to 0." in body


def preview_form(page: str) -> dict[str, str | list[str]]:
    """The fields a preview form posts besides the answers: its signed draw."""
    draw = re.search(r'name="draw" value="([^"]+)"', page)
    assert draw, "the preview form carries its draw"
    return {"draw": draw.group(1)}


def test_the_preview_grades_answers_and_writes_nothing(instructor, quiz, unchanged):
    quiz.slots.all().delete()
    questions = quiz_of_every_type(quiz, instructor, essay_too=False)
    client = client_for(instructor)
    page = client.get(f"/teach/quizzes/{quiz.id}/preview/").content.decode()
    data = preview_form(page)
    single = questions[T.SINGLE_CHOICE]
    right = single.choices.get(fraction=1)
    numerical = questions[T.NUMERICAL]
    data |= {f"q{single.id}": str(right.id), f"q{numerical.id}-value": "12"}

    response = unchanged(lambda: client.post(f"/teach/quizzes/{quiz.id}/preview/", data))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Score:" in body and "FEEDBACK-single-right" in body
    assert "GENERAL-single" in body
    assert "Nothing was saved" in body


def test_a_bad_number_in_the_preview_says_why_and_keeps_the_answers(instructor, quiz, unchanged):
    quiz.slots.all().delete()
    questions = quiz_of_every_type(quiz, instructor, essay_too=False)
    client = client_for(instructor)
    data = preview_form(client.get(f"/teach/quizzes/{quiz.id}/preview/").content.decode())
    numerical = questions[T.NUMERICAL]
    data[f"q{numerical.id}-value"] = "twelve"

    response = unchanged(lambda: client.post(f"/teach/quizzes/{quiz.id}/preview/", data))

    body = response.content.decode()
    assert "That is not a number" in body
    assert 'value="twelve"' in body
    assert "Score:" not in body


def test_a_tampered_preview_draw_is_refused_and_a_new_one_drawn(instructor, quiz, unchanged):
    client = client_for(instructor)

    response = unchanged(
        lambda: client.post(f"/teach/quizzes/{quiz.id}/preview/", {"draw": "forged"})
    )

    assert response.status_code == 200
    assert "This preview could not be graded" in response.content.decode()


def test_removing_a_question_asks_first(instructor, quiz, unchanged):
    client = client_for(instructor)
    slot = quiz.slots.order_by("position").first()
    url = f"/teach/quizzes/{quiz.id}/slots/{slot.id}/"

    asked = unchanged(lambda: client.post(url, {"action": "remove"}))

    assert asked.status_code == 200
    assert "Remove" in asked.content.decode() and slot.question.name in asked.content.decode()
    done = client.post(url, {"action": "remove", "confirmed": "yes"})
    assert done.status_code == 302
    assert quiz.slots.count() == 2


def test_moving_a_question_returns_to_its_row_with_its_button_focused(instructor, quiz):
    client = client_for(instructor)
    first, second, _ = quiz.slots.order_by("position")

    response = client.post(f"/teach/quizzes/{quiz.id}/slots/{first.id}/", {"action": "down"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"?moved={first.id}&to=down")
    page = client.get(response["Location"]).content.decode()
    button = re.search(rf'<button[^>]*id="slot-{first.id}-down"[^>]*>', page)
    assert button and "autofocus" in button.group(0)
    assert [s.id for s in quiz.slots.order_by("position")][:2] == [second.id, first.id]


def test_the_learner_picker_lists_enrolled_learners_sorted_and_finds_by_name(
    instructor, course, quiz
):
    names = ["Zoë Ångström", "bea Lowercase", "Álvaro Núñez", "Carl Young"]
    for n, name in enumerate(names):
        enrol(UserFactory(username=f"l{n}", full_name=name), course)
    UserFactory(username="stranger", full_name="Aaron Stranger")  # not enrolled
    client = client_for(instructor)

    page = client.get(f"/teach/quizzes/{quiz.id}/overrides/").content.decode()
    listed = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
    assert listed == [
        "Álvaro Núñez (l2)",
        "bea Lowercase (l1)",
        "Carl Young (l3)",
        "Zoë Ångström (l0)",
    ]

    found = client.get(f"/teach/quizzes/{quiz.id}/overrides/", {"q": "nun"}).content.decode()
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', found) == ["Álvaro Núñez (l2)"]
    assert "1 of 4 learners" in found
    nobody = client.get(f"/teach/quizzes/{quiz.id}/overrides/", {"q": "Stranger"})
    assert "0 of 4 learners" in nobody.content.decode()


def answers_post(total: int, **extra) -> dict[str, str]:
    return {
        "text": "Which tool?",
        "default_points": "1",
        "answers-TOTAL_FORMS": str(total),
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-text": "SBAR",
        "answers-0-fraction": "1",
        **extra,
    }


def test_add_another_answer_posts_back_with_one_more_row_and_keeps_what_was_typed(instructor, quiz):
    client = client_for(instructor)
    url = f"/teach/quizzes/{quiz.id}/questions/new/single_choice/"
    before = Question.objects.count()

    response = client.post(url, answers_post(5, add_answer="1"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="answers-TOTAL_FORMS" value="6"' in body
    assert 'name="answers-5-text"' in body and 'name="answers-6-text"' not in body
    assert 'value="SBAR"' in body
    assert "field-error" not in body  # adding a row is not saving: nothing to correct yet
    assert Question.objects.count() == before


def test_answer_rows_stop_at_the_bound_with_a_clear_error(instructor, quiz):
    client = client_for(instructor)
    url = f"/teach/quizzes/{quiz.id}/questions/new/single_choice/"

    at_bound = client.post(url, answers_post(MAX_ANSWERS, add_answer="1")).content.decode()
    assert f'name="answers-TOTAL_FORMS" value="{MAX_ANSWERS}"' in at_bound
    assert f"A question has at most {MAX_ANSWERS} answer rows" in at_bound

    over = client.post(url, answers_post(MAX_ANSWERS + 1, **{"answers-1-text": "Narrative"}))
    assert over.status_code == 200
    assert f"A question has at most {MAX_ANSWERS} answer rows" in over.content.decode()


def test_the_service_refuses_more_answers_than_the_bound(instructor, quiz, unchanged):
    answers = [{"text": f"Choice {n}", "fraction": 1 if n == 0 else 0} for n in range(21)]

    unchanged(
        lambda: question_create(
            actor=instructor, quiz=quiz, type=T.SINGLE_CHOICE, text="Which?", answers=answers
        ),
        error=ApplicationError,
        code="invalid_question",
    )


LONG_TEXT = (
    "A resident hands over a deteriorating patient at the end of a night shift; "
    "which part of SBAR should come first?"
)


def test_a_name_from_a_long_text_ends_on_a_whole_word(instructor, quiz):
    question = question_create(
        actor=instructor, quiz=quiz, type=T.ESSAY, text=LONG_TEXT, answers=[]
    )

    assert question.name.endswith("…")
    words = question.name.removesuffix("…").split()
    assert words == LONG_TEXT.split()[: len(words)]
    assert len(question.name) <= 61


def test_a_short_text_is_its_own_name(instructor, quiz):
    question = question_create(
        actor=instructor, quiz=quiz, type=T.ESSAY, text="Describe  a\nhandover.", answers=[]
    )
    assert question.name == "Describe a handover."


def test_the_points_of_an_existing_question_still_save(instructor, quiz):
    question = quiz.slots.order_by("position").first().question
    data = {
        "text": question.text,
        "name": question.name,
        "default_points": "2.5",
        "answers-TOTAL_FORMS": "2",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-text": "SBAR",
        "answers-0-fraction": "1",
        "answers-1-text": "Narrative",
        "answers-1-fraction": "0",
    }
    response = client_for(instructor).post(
        f"/teach/quizzes/{quiz.id}/questions/{question.id}/", data
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.default_points == Decimal("2.5")


def test_another_course_cannot_be_searched_from_the_override_page(instructor, quiz):
    other = build_course(modules=1, title="Ethics", slug="ethics")
    enrol(UserFactory(username="elsewhere", full_name="Elsewhere Learner"), other)

    page = client_for(instructor).get(f"/teach/quizzes/{quiz.id}/overrides/", {"q": "Else"})

    assert "Elsewhere Learner" not in page.content.decode()
