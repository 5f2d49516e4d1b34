"""Question versions: an edit to a question learners have been asked makes a new version; past
attempts keep showing and scoring the version they were asked."""

from decimal import Decimal

import pytest

from lms.errors import Conflict, PermissionDenied
from quizzes.models import Attempt, AttemptQuestion, Choice, Question, QuizSlot
from quizzes.selectors.review import attempt_view
from quizzes.services import bank as bank_services
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.authoring import question_revise, question_update
from quizzes.services.grading import attempt_grade
from tests.factories import UserFactory, enrol
from tests.quizzes.test_bank import sbar_question

pytestmark = pytest.mark.django_db

KEY_SWAPPED = [
    {"text": "SBAR", "fraction": 0, "feedback": "Now marked wrong."},
    {"text": "A free narrative", "fraction": 1, "feedback": "Now marked right."},
]


@pytest.fixture
def asked(course, instructor, quiz, learner):
    """A bank question in the quiz, answered "SBAR" (right) in the learner's graded attempt."""
    category = bank_services.category_create(actor=instructor, course=course, name="Handover")
    question = sbar_question(instructor, category)
    bank_services.questions_tag(
        actor=instructor, course=course, question_ids=[question.id], name="PGY-1"
    )
    quiz.slots.exclude(question=question).delete()
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[question.id])
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    sbar = question.choices.get(text="SBAR")
    attempt_save_response(
        user=learner,
        attempt_id=attempt.id,
        question_id=question.id,
        response={"choice_ids": [sbar.id]},
    )
    attempt_submit(user=learner, attempt_id=attempt.id)
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00")
    return question, attempt


def test_editing_an_unasked_question_edits_it_in_place(course, instructor):
    category = bank_services.category_create(actor=instructor, course=course, name="Handover")
    question = sbar_question(instructor, category)
    choice_ids = list(question.choices.values_list("id", flat=True))

    edited = question_revise(
        actor=instructor, question=question, answers=KEY_SWAPPED, name="Renamed"
    )

    assert edited.pk == question.pk and edited.version == 1
    assert edited.name == "Renamed"
    assert list(edited.choices.values_list("id", flat=True)) == choice_ids
    assert Question.objects.filter(category=category).count() == 1


def test_editing_an_asked_question_makes_a_new_version(instructor, quiz, asked):
    question, attempt = asked
    old_choices = list(question.choices.values_list("id", "text", "fraction"))

    revised = question_revise(
        actor=instructor,
        question=question,
        answers=KEY_SWAPPED,
        text="A night-float resident phones the registrar. Which structure should she use?",
    )

    assert revised.pk != question.pk
    assert (revised.version, revised.previous_id, revised.is_current) == (2, question.pk, True)
    question.refresh_from_db()
    assert question.is_current is False
    # the old row and its key stay as they were
    assert list(question.choices.values_list("id", "text", "fraction")) == old_choices
    assert question.text.startswith("A night-float resident hands over")
    # the new one has its own key rows, the same category, name and tags
    assert list(revised.choices.values_list("text", "fraction")) == [
        ("SBAR", Decimal("0")),
        ("A free narrative", Decimal("1")),
    ]
    assert not set(revised.choices.values_list("id", flat=True)) & {c[0] for c in old_choices}
    assert (revised.category_id, revised.name) == (question.category_id, question.name)
    assert [t.name for t in revised.tags.all()] == ["PGY-1"]
    # the quiz's slot moves to the current version; the attempt keeps the one it was asked
    assert list(QuizSlot.objects.filter(quiz=quiz).values_list("question_id", flat=True)) == [
        revised.pk
    ]
    assert list(attempt.questions.values_list("question_id", flat=True)) == [question.pk]


def test_a_past_attempt_keeps_showing_and_scoring_what_it_was_asked(
    instructor, learner, quiz, asked
):
    question, attempt = asked
    question_update(
        actor=instructor, quiz=quiz, question=question, answers=KEY_SWAPPED, text="Revised stem."
    )

    # Graded once more (as the sweeper would after a lost message): by the version it was asked.
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED)
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00")
    view = attempt_view(attempt=attempt, user=learner)
    (shown,) = view.questions
    assert "hands over a deteriorating patient" in shown.text_html
    assert sorted((c.text, c.correct) for c in shown.choices) == [
        ("A free narrative", False),
        ("SBAR", True),
    ]


def test_a_new_attempt_is_asked_the_current_version(course, instructor, quiz, asked):
    question, _ = asked
    revised = question_revise(actor=instructor, question=question, answers=KEY_SWAPPED)
    newcomer = enrol_newcomer(course)

    attempt, _ = attempt_start(user=newcomer, quiz=quiz)

    assert list(attempt.questions.values_list("question_id", flat=True)) == [revised.pk]


def enrol_newcomer(course):
    newcomer = UserFactory(username="newcomer")
    enrol(newcomer, course)
    return newcomer


def test_an_in_progress_attempt_counts_as_asked(course, instructor, quiz, learner):
    category = bank_services.category_create(actor=instructor, course=course, name="Handover")
    question = sbar_question(instructor, category)
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[question.id])
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    revised = question_revise(actor=instructor, question=question, answers=KEY_SWAPPED)

    assert revised.version == 2
    frozen = AttemptQuestion.objects.get(attempt=attempt, question=question)
    assert set(frozen.choice_order) == set(
        Choice.objects.filter(question=question).values_list("id", flat=True)
    )


def test_a_third_edit_chains_the_versions(instructor, course, quiz, asked):
    question, _ = asked
    second = question_revise(actor=instructor, question=question, answers=KEY_SWAPPED)
    third = question_revise(actor=instructor, question=second, answers=KEY_SWAPPED, name="Third")
    # nobody was asked the second version: the third edit changed it in place
    assert third.pk == second.pk and third.name == "Third"
    newcomer = enrol_newcomer(course)
    attempt_start(user=newcomer, quiz=quiz)
    fourth = question_revise(actor=instructor, question=third, answers=KEY_SWAPPED)
    assert (fourth.version, fourth.previous_id) == (3, third.pk)
    assert Question.objects.filter(is_current=True, category=question.category).count() == 1


def test_an_earlier_version_cannot_be_edited(instructor, asked, unchanged):
    question, _ = asked
    question_revise(actor=instructor, question=question, answers=KEY_SWAPPED)
    question.refresh_from_db()
    unchanged(
        lambda: question_revise(actor=instructor, question=question, answers=KEY_SWAPPED),
        error=Conflict,
        code="question_not_current",
    )


def test_only_the_course_instructors_revise(outsider, asked, unchanged):
    question, _ = asked
    unchanged(
        lambda: question_revise(actor=outsider, question=question, answers=KEY_SWAPPED),
        error=PermissionDenied,
    )
