"""The question bank's services and selectors: the category tree, tags, search and filters,
moving and copying questions, where a question is used, and slots filled from the bank."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from lms.errors import ApplicationError, NotFound, PermissionDenied
from quizzes.models import Question, QuestionCategory, QuestionTag, QuizSlot
from quizzes.selectors import bank as bank_selectors
from quizzes.services import bank as bank_services
from tests.factories import build_course

pytestmark = pytest.mark.django_db

T = Question.Type


def sbar_question(instructor, category, name="Night-float handover", **extra) -> Question:
    return bank_services.bank_question_create(
        actor=instructor,
        category=category,
        type=extra.pop("type", T.SINGLE_CHOICE),
        name=name,
        text=extra.pop(
            "text",
            "A night-float resident hands over a deteriorating patient by phone. "
            "Which structure should she use?",
        ),
        answers=extra.pop(
            "answers",
            [
                {"text": "SBAR", "fraction": 1, "feedback": "SBAR orders the call."},
                {"text": "A free narrative", "fraction": 0, "feedback": "Details get lost."},
            ],
        ),
        **extra,
    )


@pytest.fixture
def tree(course, instructor):
    """Communication / Handover / Phone calls, and Ethics, each with a question or two."""
    top = bank_services.category_create(actor=instructor, course=course, name="Communication")
    handover = bank_services.category_create(
        actor=instructor, course=course, name="Handover", parent=top
    )
    phone = bank_services.category_create(
        actor=instructor, course=course, name="Phone calls", parent=handover
    )
    ethics = bank_services.category_create(actor=instructor, course=course, name="Ethics")
    return {"top": top, "handover": handover, "phone": phone, "ethics": ethics}


# --- categories ----------------------------------------------------------------------------


def test_category_tree_nests_and_counts_current_questions(course, instructor, tree):
    sbar_question(instructor, tree["phone"])
    sbar_question(instructor, tree["phone"], name="Second")

    roots = bank_selectors.category_tree(course=course)
    flat = [(n.name, n.depth) for n in bank_selectors.tree_flat(roots)]

    # the module categories made by build_course sit at the top too
    assert ("Communication", 0) in flat
    index = flat.index(("Communication", 0))
    assert flat[index : index + 3] == [("Communication", 0), ("Handover", 1), ("Phone calls", 2)]
    phone = next(n for n in bank_selectors.tree_flat(roots) if n.name == "Phone calls")
    assert phone.question_count == 2


def test_sibling_names_are_unique_but_cousins_may_share_one(course, instructor, tree):
    with pytest.raises(ApplicationError) as caught:
        bank_services.category_create(
            actor=instructor, course=course, name="handover", parent=tree["top"]
        )
    assert caught.value.code == "invalid_category"

    same_name_elsewhere = bank_services.category_create(
        actor=instructor, course=course, name="Handover", parent=tree["ethics"]
    )
    assert same_name_elsewhere.parent == tree["ethics"]


def test_category_rename(instructor, tree):
    renamed = bank_services.category_rename(
        actor=instructor, category=tree["phone"], name="  Calls   to seniors "
    )
    assert renamed.name == "Calls to seniors"
    with pytest.raises(ApplicationError):
        bank_services.category_rename(actor=instructor, category=tree["phone"], name="   ")


def test_category_move_refuses_a_cycle_and_moves_the_subtree(instructor, tree):
    for inside in (tree["top"], tree["phone"]):
        with pytest.raises(ApplicationError) as caught:
            bank_services.category_move(actor=instructor, category=tree["top"], parent=inside)
        assert caught.value.code == "category_cycle"

    bank_services.category_move(actor=instructor, category=tree["handover"], parent=tree["ethics"])

    tree["phone"].refresh_from_db()
    assert tree["phone"].parent == tree["handover"]
    assert bank_selectors.category_path(category=tree["phone"]) == "Ethics / Handover / Phone calls"
    bank_services.category_move(actor=instructor, category=tree["handover"], parent=None)
    assert QuestionCategory.objects.get(pk=tree["handover"].pk).parent is None


def test_category_move_refuses_another_courses_parent(instructor, tree):
    other = build_course(modules=1, questions=1)
    foreign = QuestionCategory.objects.filter(course=other).first()
    with pytest.raises(NotFound):
        bank_services.category_move(actor=instructor, category=tree["top"], parent=foreign)


def test_category_delete_only_when_empty(course, instructor, tree, quiz):
    question = sbar_question(instructor, tree["phone"])
    for category in (tree["handover"], tree["phone"]):  # has children; has a question
        with pytest.raises(ApplicationError) as caught:
            bank_services.category_delete(actor=instructor, category=category)
        assert caught.value.code == "category_not_empty"

    bank_services.questions_move(
        actor=instructor, course=course, question_ids=[question.id], category=tree["ethics"]
    )
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=tree["ethics"], count=1
    )
    bank_services.questions_move(
        actor=instructor, course=course, question_ids=[question.id], category=tree["top"]
    )
    with pytest.raises(ApplicationError, match="draws random questions"):
        bank_services.category_delete(actor=instructor, category=tree["ethics"])

    bank_services.category_delete(actor=instructor, category=tree["phone"])
    assert not QuestionCategory.objects.filter(pk=tree["phone"].pk).exists()


def test_the_bank_is_the_course_instructors_alone(course, outsider, learner, tree, unchanged):
    for user in (outsider, learner):
        unchanged(
            lambda user=user: bank_services.category_create(actor=user, course=course, name="X"),
            error=PermissionDenied,
            code="not_instructor",
        )
        unchanged(
            lambda user=user: bank_services.category_delete(actor=user, category=tree["ethics"]),
            error=PermissionDenied,
        )


# --- questions: search, filters, move, copy, tags ------------------------------------------


def test_search_and_filters(course, instructor, tree):
    phone = sbar_question(instructor, tree["phone"], name="Calling the registrar")
    handover = sbar_question(instructor, tree["handover"], name="I-PASS order")
    essay = bank_services.bank_question_create(
        actor=instructor,
        category=tree["ethics"],
        type=T.ESSAY,
        name="Disclosure",
        text="Describe how you would disclose a medication error using SPIKES.",
        answers=[],
    )
    bank_services.questions_tag(
        actor=instructor, course=course, question_ids=[phone.id, essay.id], name="PGY-1"
    )
    tag = QuestionTag.objects.get(name="PGY-1")

    def ids(**filters):
        return {q.id for q in bank_selectors.bank_questions(course=course, **filters)}

    assert ids(category=tree["top"]) == {phone.id, handover.id}  # subcategories included
    assert ids(category=tree["phone"]) == {phone.id}
    assert ids(type=T.ESSAY) == {essay.id}
    assert ids(tag=tag) == {phone.id, essay.id}
    assert ids(text="spikes disclose") == {essay.id}  # every word, in name or text, any case
    assert ids(text="registrar", tag=tag) == {phone.id}
    assert ids(text="nothing like this") == set()


def test_bank_lists_current_versions_only(course, instructor, tree):
    old = sbar_question(instructor, tree["phone"])
    Question.objects.filter(pk=old.pk).update(is_current=False)
    assert not bank_selectors.bank_questions(course=course, category=tree["phone"]).exists()


def test_move_questions_with_their_earlier_versions(course, instructor, tree):
    first = sbar_question(instructor, tree["phone"])
    second = Question.objects.create(
        category=tree["phone"], type=T.ESSAY, name="v2", text="v2", version=2, previous=first
    )
    Question.objects.filter(pk=first.pk).update(is_current=False)

    moved = bank_services.questions_move(
        actor=instructor, course=course, question_ids=[second.id], category=tree["ethics"]
    )

    assert moved == 1
    assert set(Question.objects.filter(category=tree["ethics"]).values_list("id", flat=True)) == {
        first.id,
        second.id,
    }
    bank_services.category_delete(actor=instructor, category=tree["phone"])  # now empty


def test_move_refuses_questions_of_another_course(course, instructor, tree, unchanged):
    other = build_course(modules=1, questions=1)
    foreign = Question.objects.filter(category__course=other).first()
    assert foreign is not None
    error = unchanged(
        lambda: bank_services.questions_move(
            actor=instructor, course=course, question_ids=[foreign.id], category=tree["ethics"]
        ),
        error=NotFound,
    )
    assert error.details == {"question_ids": [foreign.id]}


def test_copy_makes_independent_questions_with_the_key_and_tags(course, instructor, tree):
    original = sbar_question(instructor, tree["phone"])
    bank_services.questions_tag(
        actor=instructor, course=course, question_ids=[original.id], name="handover"
    )

    (copy,) = bank_services.questions_copy(
        actor=instructor, course=course, question_ids=[original.id], category=tree["ethics"]
    )

    assert copy.pk != original.pk and copy.category == tree["ethics"]
    assert (copy.version, copy.previous, copy.is_current) == (1, None, True)
    assert [t.name for t in copy.tags.all()] == ["handover"]

    def key(question):
        return list(question.choices.values_list("position", "text", "fraction", "feedback"))

    assert key(copy) == key(original)
    assert not set(copy.choices.values_list("id", flat=True)) & set(
        original.choices.values_list("id", flat=True)
    )


def test_tags_match_without_case_and_go_when_unused(course, instructor, tree):
    question = sbar_question(instructor, tree["phone"])
    tag = bank_services.questions_tag(
        actor=instructor, course=course, question_ids=[question.id], name="Teamwork"
    )
    again = bank_services.questions_tag(
        actor=instructor, course=course, question_ids=[question.id], name=" teamwork "
    )
    assert again == tag and QuestionTag.objects.filter(course=course).count() == 1

    bank_services.questions_untag(
        actor=instructor, course=course, question_ids=[question.id], tag=tag
    )
    assert not QuestionTag.objects.filter(pk=tag.pk).exists()
    with pytest.raises(ApplicationError):
        bank_services.questions_tag(
            actor=instructor, course=course, question_ids=[question.id], name="  "
        )


def test_bank_question_create_checks_answers_like_the_builder(instructor, tree):
    with pytest.raises(ApplicationError) as caught:
        sbar_question(instructor, tree["phone"], answers=[{"text": "Only one", "fraction": 1}])
    assert caught.value.code == "invalid_question"
    assert not Question.objects.filter(category=tree["phone"]).exists()


# --- where a question is used, and slots from the bank ------------------------------------


def test_question_uses_lists_fixed_slots_and_random_slots_that_may_draw_it(
    course, instructor, tree, quiz
):
    question = sbar_question(instructor, tree["phone"])
    assert bank_selectors.question_uses(question=question) == []

    (slot,) = bank_services.quiz_slots_add_questions(
        actor=instructor, quiz=quiz, question_ids=[question.id], points=Decimal("2")
    )
    other_quiz = course.modules.get(position=2).quizzes.get()
    random_slot = bank_services.quiz_slot_add_random(
        actor=instructor, quiz=other_quiz, category=tree["top"], count=1
    )

    uses = bank_selectors.question_uses(question=question)
    assert [(u.quiz_id, u.position, u.random) for u in uses] == [
        (quiz.id, slot.position, False),
        (other_quiz.id, random_slot.position, True),
    ]
    assert slot.points == Decimal("2") and slot.position == 4  # after the quiz's three


def test_a_question_is_added_to_a_quiz_once(instructor, tree, quiz, unchanged):
    question = sbar_question(instructor, tree["phone"])
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[question.id])
    unchanged(
        lambda: bank_services.quiz_slots_add_questions(
            actor=instructor, quiz=quiz, question_ids=[question.id]
        ),
        error=ApplicationError,
        code="question_in_quiz",
    )


def test_random_slot_needs_enough_questions_the_quiz_does_not_ask(instructor, tree, quiz):
    first = sbar_question(instructor, tree["handover"])
    sbar_question(instructor, tree["phone"], name="Second")
    bank_services.bank_question_create(
        actor=instructor,
        category=tree["phone"],
        type=T.DESCRIPTION,
        name="Case",
        text="A busy night on the medical ward.",
        answers=[],
    )
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[first.id])

    with pytest.raises(ApplicationError) as caught:
        bank_services.quiz_slot_add_random(
            actor=instructor, quiz=quiz, category=tree["top"], count=2
        )
    # the fixed question and the description do not count
    assert caught.value.code == "category_too_small"
    assert caught.value.details["available"] == 1
    assert "hold 1 question this quiz does not already ask" in caught.value.message

    slot = bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=tree["top"], count=1
    )
    assert (slot.random_category, slot.random_count, slot.question) == (tree["top"], 1, None)
    for count in (0, 101):
        with pytest.raises(ApplicationError, match="between 1 and 100"):
            bank_services.quiz_slot_add_random(
                actor=instructor, quiz=quiz, category=tree["top"], count=count
            )


def test_random_slot_from_another_course_is_refused(instructor, quiz):
    other = build_course(modules=1, questions=1)
    foreign = QuestionCategory.objects.filter(course=other).first()
    assert foreign is not None
    with pytest.raises(NotFound):
        bank_services.quiz_slot_add_random(actor=instructor, quiz=quiz, category=foreign, count=1)


def test_shortfalls_warn_of_a_category_emptied_after_the_slot_was_made(
    course, instructor, tree, quiz
):
    question = sbar_question(instructor, tree["phone"])
    slot = bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=tree["phone"], count=1
    )
    slots = list(quiz.slots.select_related("random_category"))
    assert bank_selectors.random_slot_shortfalls(slots=slots) == []

    bank_services.questions_move(
        actor=instructor, course=course, question_ids=[question.id], category=tree["ethics"]
    )

    (shortfall,) = bank_selectors.random_slot_shortfalls(slots=slots)
    assert (shortfall.slot_id, shortfall.wanted, shortfall.available) == (slot.id, 1, 0)


def test_slot_constraint_keeps_a_count_to_random_slots(quiz):
    question = Question.objects.filter(slots__quiz=quiz).first()
    with pytest.raises(IntegrityError, match="slot_random_count"):
        QuizSlot.objects.create(quiz=quiz, position=9, question=question, random_count=3)
