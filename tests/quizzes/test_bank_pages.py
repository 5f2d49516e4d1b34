"""The question bank's pages: the list with its filters, the category tree, bulk move and copy,
tags, the bank's question editor, and the quiz builder's "add from the bank" and random slots."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Question, QuestionCategory, QuestionTag, QuizSlot
from quizzes.services import bank as bank_services
from quizzes.services.attempts import attempt_start
from tests.factories import enrol
from tests.quizzes.test_bank import sbar_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(instructor) -> Client:
    client = Client()
    client.force_login(instructor)
    return client


@pytest.fixture
def cats(course, instructor):
    top = bank_services.category_create(actor=instructor, course=course, name="Communication")
    phone = bank_services.category_create(
        actor=instructor, course=course, name="Phone calls", parent=top
    )
    return {"top": top, "phone": phone}


def bank_url(course, **query) -> str:
    url = reverse("teach-bank", kwargs={"slug": course.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_bank_page_lists_filters_and_shows_where_questions_are_used(
    client, course, instructor, cats, quiz, django_assert_max_num_queries
):
    used = sbar_question(instructor, cats["phone"], name="Calling the registrar")
    sbar_question(instructor, cats["top"], name="Team huddle")
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[used.id])

    with django_assert_max_num_queries(20):
        page = client.get(bank_url(course))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Calling the registrar" in html and "Team huddle" in html
    assert reverse("teach-quiz", kwargs={"quiz_id": quiz.id}) in html  # "used in" link
    assert f'id="category-{cats["phone"].id}"' in html

    filtered = client.get(bank_url(course, category=cats["phone"].id)).content.decode()
    assert "Calling the registrar" in filtered and "Team huddle" not in filtered
    searched = client.get(bank_url(course, q="huddle")).content.decode()
    assert "Team huddle" in searched and "Calling the registrar" not in searched
    none = client.get(bank_url(course, q="no+such+words")).content.decode()
    assert "No question matches these filters." in none


def test_category_tree_from_the_page(client, course, cats):
    new_url = reverse("teach-bank-category-new", kwargs={"slug": course.slug})
    response = client.post(
        new_url, {"new-name": "Escalation", "new-parent": cats["phone"].id}, follow=True
    )
    made = QuestionCategory.objects.get(name="Escalation")
    assert made.parent == cats["phone"]
    assert "Category “Escalation” added." in messages_of(response)

    change = reverse("teach-bank-category", kwargs={"slug": course.slug, "category_id": made.id})
    client.post(change, {"action": "rename", "name": "Escalating care"})
    made.refresh_from_db()
    assert made.name == "Escalating care"

    top_change = reverse(
        "teach-bank-category", kwargs={"slug": course.slug, "category_id": cats["top"].id}
    )
    response = client.post(top_change, {"action": "move", "parent": made.id}, follow=True)
    assert "cannot go inside itself" in " ".join(messages_of(response))
    response = client.post(top_change, {"action": "delete"}, follow=True)
    assert "cannot be deleted: it has subcategories" in " ".join(messages_of(response))

    client.post(change, {"action": "move", "parent": ""})
    made.refresh_from_db()
    assert made.parent is None
    client.post(change, {"action": "delete"})
    assert not QuestionCategory.objects.filter(pk=made.pk).exists()


def test_bulk_move_copy_and_tags(client, course, instructor, cats):
    first = sbar_question(instructor, cats["top"], name="First")
    second = sbar_question(instructor, cats["top"], name="Second")
    url = reverse("teach-bank-questions", kwargs={"slug": course.slug})
    both = {"question": [first.id, second.id]}

    response = client.post(url, {**both, "action": "move", "move_to": cats["phone"].id})
    assert response.status_code == 302
    assert set(Question.objects.filter(category=cats["phone"]).values_list("id", flat=True)) == {
        first.id,
        second.id,
    }
    client.post(url, {"question": [first.id], "action": "copy", "copy_to": cats["top"].id})
    assert Question.objects.filter(category=cats["top"], name="First").count() == 1

    client.post(url, {**both, "action": "tag", "tag_name": "PGY-1"})
    tag = QuestionTag.objects.get(course=course, name="PGY-1")
    assert set(tag.questions.values_list("id", flat=True)) == {first.id, second.id}
    client.post(url, {**both, "action": "untag", "tag": tag.id})
    assert not QuestionTag.objects.filter(pk=tag.pk).exists()

    response = client.post(url, {"action": "move", "move_to": cats["top"].id}, follow=True)
    assert "Choose at least one question." in messages_of(response)


def test_writing_and_editing_a_bank_question(client, course, instructor, cats, quiz, learner):
    new_url = reverse(
        "teach-bank-question-new", kwargs={"slug": course.slug, "question_type": "single_choice"}
    )
    assert client.get(new_url).status_code == 200
    form = {
        "category": cats["phone"].id,
        "text": "A nurse phones you about a falling blood pressure. What do you ask first?",
        "name": "Falling pressure",
        "default_points": "1",
        "general_feedback": "",
        "answers-TOTAL_FORMS": "2",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "20",
        "answers-0-text": "The current observations",
        "answers-0-fraction": "1",
        "answers-1-text": "The admission date",
        "answers-1-fraction": "0",
    }
    response = client.post(new_url, form)
    assert response.status_code == 302
    question = Question.objects.get(name="Falling pressure")
    assert question.category == cats["phone"]

    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[question.id])
    enrol(learner, course)
    attempt_start(user=learner, quiz=quiz)
    edit_url = reverse(
        "teach-bank-question", kwargs={"slug": course.slug, "question_id": question.id}
    )
    page = client.get(edit_url).content.decode()
    assert "Saving makes version 2" in page
    assert reverse("teach-quiz", kwargs={"quiz_id": quiz.id}) in page

    form.pop("category")
    edited = {**form, "answers-INITIAL_FORMS": "2", "answers-1-fraction": "0.5"}
    response = client.post(edit_url, edited, follow=True)
    assert "Saved as version 2." in " ".join(messages_of(response))
    current = Question.objects.get(previous=question)
    assert QuizSlot.objects.filter(quiz=quiz, question=current).exists()
    # the earlier version is not edited from the bank any more
    assert client.get(edit_url).status_code == 404


def test_builder_adds_from_the_bank_and_random_slots(client, course, instructor, cats, quiz):
    picked = sbar_question(instructor, cats["phone"], name="Picked")
    sbar_question(instructor, cats["phone"], name="Drawn")
    builder = reverse("teach-quiz", kwargs={"quiz_id": quiz.id})
    page = client.get(builder).content.decode()
    assert reverse("teach-quiz-bank", kwargs={"quiz_id": quiz.id}) in page
    assert reverse("teach-quiz-random", kwargs={"quiz_id": quiz.id}) in page

    pick_url = reverse("teach-quiz-bank", kwargs={"quiz_id": quiz.id})
    assert "Picked" in client.get(pick_url).content.decode()
    client.post(pick_url, {"question": [picked.id]})
    assert quiz.slots.filter(question=picked).exists()
    assert "In this quiz" in client.get(pick_url).content.decode()

    random_url = reverse("teach-quiz-random", kwargs={"quiz_id": quiz.id})
    too_many = client.post(random_url, {"category": cats["top"].id, "count": 2})
    assert too_many.status_code == 200
    assert "hold 1 question this quiz does not already ask" in too_many.content.decode()
    client.post(random_url, {"category": cats["top"].id, "count": 1, "points": "2"})
    slot = quiz.slots.get(random_category=cats["top"])
    assert (slot.random_count, str(slot.points)) == (1, "2.00")
    page = client.get(builder).content.decode()
    assert "1 random question from" in page and "2.00 pt each" in page

    # the drawable question moves away: the builder warns before a learner is refused
    bank_services.questions_move(
        actor=instructor,
        course=course,
        question_ids=[q.id for q in Question.objects.filter(name="Drawn")],
        category=bank_services.category_create(actor=instructor, course=course, name="Later"),
    )
    assert "learners cannot start the quiz" in client.get(builder).content.decode()


def test_removing_a_question_links_to_the_bank(client, course, quiz):
    slot = quiz.slots.order_by("position")[0]
    url = reverse("teach-slot", kwargs={"quiz_id": quiz.id, "slot_id": slot.id})
    confirm = client.post(url, {"action": "remove"}).content.decode()
    assert bank_url(course) in confirm
    done = client.post(url, {"action": "remove", "confirmed": "yes"}, follow=True)
    assert f'<a href="{bank_url(course)}">bank</a>' in done.content.decode()


def test_another_courses_instructor_is_refused(course, cats, outsider):
    course_b_client = Client()
    course_b_client.force_login(outsider)
    assert course_b_client.get(bank_url(course)).status_code == 403
    response = course_b_client.post(
        reverse("teach-bank-category-new", kwargs={"slug": course.slug}), {"new-name": "X"}
    )
    assert response.status_code == 403
    assert not QuestionCategory.objects.filter(name="X").exists()


def test_the_builders_editor_says_an_asked_question_gets_a_new_version(
    client, course, quiz, learner
):
    question = quiz.slots.order_by("position")[0].question
    url = reverse("teach-question", kwargs={"quiz_id": quiz.id, "question_id": question.id})
    assert "Saving makes version 2" not in client.get(url).content.decode()
    enrol(learner, course)
    attempt_start(user=learner, quiz=quiz)
    assert "Saving makes version 2" in client.get(url).content.decode()
