"""The question bank's writes: categories (nested, per course), tags, questions created in the
bank, moved and copied between categories, and quiz slots filled from the bank."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from courses.models import Course
from lms.errors import ApplicationError, Conflict, NotFound, validate_model
from quizzes.models import (
    MAX_RANDOM_COUNT,
    Choice,
    Question,
    QuestionCategory,
    QuestionTag,
    Quiz,
    QuizSlot,
)
from quizzes.selectors import bank as bank_selectors
from quizzes.selectors.access import require_course_instructor, require_instructor
from quizzes.services.authoring import _check_answers, _question_fields, _write_answers

CATEGORY_NAME_LENGTH = QuestionCategory._meta.get_field("name").max_length or 200
TAG_NAME_LENGTH = QuestionTag._meta.get_field("name").max_length or 60


def _invalid_category(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_category", details={"name": [message]})


def _clean_name(name: str, limit: int, what: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise _invalid_category(f"Give the {what} a name.")
    if len(name) > limit:
        raise _invalid_category(f"A {what} name has at most {limit} characters.")
    return name


def _check_sibling_name(
    *, course: Course, parent: QuestionCategory | None, name: str, exclude: int | None = None
) -> None:
    siblings = QuestionCategory.objects.filter(course=course, parent=parent, name__iexact=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    if siblings.exists():
        where = f"in “{parent.name}”" if parent else "at the top of the bank"
        raise _invalid_category(f"There is a category “{name}” {where} already.")


def _check_parent(category: QuestionCategory | None, parent: QuestionCategory | None) -> None:
    """A parent in the same course, and never the category itself or one below it."""
    if parent is None or category is None:
        return
    if parent.course_id != category.course_id:
        raise NotFound("No such category in this course.")
    if parent.pk in bank_selectors.category_subtree_ids(category=category):
        raise ApplicationError(
            "A category cannot go inside itself or one of its subcategories.",
            code="category_cycle",
            details={"parent": ["A category cannot go inside itself or one of its subcategories."]},
        )


@transaction.atomic
def category_create(
    *, actor: User, course: Course, name: str, parent: QuestionCategory | None = None
) -> QuestionCategory:
    require_course_instructor(user=actor, course=course)
    if parent is not None and parent.course_id != course.pk:
        raise NotFound("No such category in this course.")
    name = _clean_name(name, CATEGORY_NAME_LENGTH, "category")
    _check_sibling_name(course=course, parent=parent, name=name)
    category = QuestionCategory(course=course, parent=parent, name=name)
    validate_model(category)
    category.save()
    return category


@transaction.atomic
def category_rename(*, actor: User, category: QuestionCategory, name: str) -> QuestionCategory:
    require_course_instructor(user=actor, course=category.course)
    category = QuestionCategory.objects.select_for_update().get(pk=category.pk)
    name = _clean_name(name, CATEGORY_NAME_LENGTH, "category")
    _check_sibling_name(
        course=category.course, parent=category.parent, name=name, exclude=category.pk
    )
    category.name = name
    validate_model(category)
    category.save(update_fields=["name"])
    return category


@transaction.atomic
def category_move(
    *, actor: User, category: QuestionCategory, parent: QuestionCategory | None
) -> QuestionCategory:
    """Put the category (with its subcategories and questions) inside `parent`, or at the top."""
    require_course_instructor(user=actor, course=category.course)
    # Every category of the course locked: two moves at once cannot make a cycle between them.
    list(QuestionCategory.objects.select_for_update().filter(course_id=category.course_id))
    category = QuestionCategory.objects.get(pk=category.pk)
    _check_parent(category, parent)
    _check_sibling_name(
        course=category.course, parent=parent, name=category.name, exclude=category.pk
    )
    category.parent = parent
    category.save(update_fields=["parent"])
    return category


@transaction.atomic
def category_delete(*, actor: User, category: QuestionCategory) -> None:
    """Delete an empty category: no subcategories, no questions (old versions included), and
    no random slot drawing from it."""
    require_course_instructor(user=actor, course=category.course)
    category = QuestionCategory.objects.select_for_update().get(pk=category.pk)
    if category.children.exists():
        reason = "it has subcategories; move or delete them first"
    elif category.questions.exists():
        reason = "it holds questions (or earlier versions of them); move them first"
    elif QuizSlot.objects.filter(random_category=category).exists():
        reason = "a quiz draws random questions from it; remove that slot first"
    else:
        category.delete()
        return
    raise Conflict(
        f"The category “{category.name}” cannot be deleted: {reason}.", code="category_not_empty"
    )


def _course_questions(*, course: Course, question_ids: Iterable[int]) -> list[Question]:
    """The course's current questions with these ids, locked; any other id is not found."""
    wanted = set(question_ids)
    if not wanted:
        raise ApplicationError("Choose at least one question.", code="no_questions")
    questions = list(
        Question.objects.select_for_update()
        .filter(pk__in=wanted, category__course=course, is_current=True)
        .order_by("id")
    )
    if len(questions) != len(wanted):
        missing = sorted(wanted - {q.pk for q in questions})
        raise NotFound(
            "Some of those questions are not in this course's bank.",
            code="question_not_found",
            details={"question_ids": missing},
        )
    return questions


def _target_category(*, course: Course, category: QuestionCategory) -> QuestionCategory:
    if category.course_id != course.pk:
        raise NotFound("No such category in this course.")
    return category


def _versions_of(question: Question) -> list[int]:
    """The ids of the question's earlier versions (the chain of `previous`)."""
    ids = []
    previous_id = question.previous_id
    while previous_id is not None:
        ids.append(previous_id)
        previous_id = (
            Question.objects.filter(pk=previous_id).values_list("previous_id", flat=True).first()
        )
    return ids


@transaction.atomic
def questions_move(
    *, actor: User, course: Course, question_ids: Iterable[int], category: QuestionCategory
) -> int:
    """Move questions (with their earlier versions, so the old category can be deleted)."""
    require_course_instructor(user=actor, course=course)
    category = _target_category(course=course, category=category)
    questions = _course_questions(course=course, question_ids=question_ids)
    ids = [q.pk for q in questions]
    for question in questions:
        ids.extend(_versions_of(question))
    Question.objects.filter(pk__in=ids).update(category=category)
    return len(questions)


@transaction.atomic
def questions_copy(
    *, actor: User, course: Course, question_ids: Iterable[int], category: QuestionCategory
) -> list[Question]:
    """Copy questions into `category`: new questions (version 1) with the same key and tags,
    used by no quiz yet."""
    require_course_instructor(user=actor, course=course)
    category = _target_category(course=course, category=category)
    copies = []
    for question in _course_questions(course=course, question_ids=question_ids):
        copy = Question(
            category=category,
            type=question.type,
            name=question.name,
            text=question.text,
            general_feedback=question.general_feedback,
            case_sensitive=question.case_sensitive,
            default_points=question.default_points,
        )
        copy.save()
        copy.tags.set(question.tags.all())
        Choice.objects.bulk_create(
            Choice(
                question=copy,
                position=c.position,
                text=c.text,
                match_text=c.match_text,
                value_min=c.value_min,
                value_max=c.value_max,
                fraction=c.fraction,
                feedback=c.feedback,
            )
            for c in question.choices.order_by("position")
        )
        copies.append(copy)
    return copies


def _tag_for(course: Course, name: str) -> QuestionTag:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(
            "Give the tag a name.", code="invalid_tag", details={"tag": ["Give the tag a name."]}
        )
    if len(name) > TAG_NAME_LENGTH:
        message = f"A tag has at most {TAG_NAME_LENGTH} characters."
        raise ApplicationError(message, code="invalid_tag", details={"tag": [message]})
    tag = QuestionTag.objects.filter(course=course, name__iexact=name).first()
    return tag or QuestionTag.objects.create(course=course, name=name)


@transaction.atomic
def questions_tag(
    *, actor: User, course: Course, question_ids: Iterable[int], name: str
) -> QuestionTag:
    """Tag questions with `name` (a tag of the course; made if new, matched without case)."""
    require_course_instructor(user=actor, course=course)
    tag = _tag_for(course, name)
    tag.questions.add(*_course_questions(course=course, question_ids=question_ids))
    return tag


@transaction.atomic
def questions_untag(
    *, actor: User, course: Course, question_ids: Iterable[int], tag: QuestionTag
) -> None:
    """Take the tag off the questions; a tag left on no question is deleted."""
    require_course_instructor(user=actor, course=course)
    if tag.course_id != course.pk:
        raise NotFound("No such tag in this course.")
    tag.questions.remove(*_course_questions(course=course, question_ids=question_ids))
    if not tag.questions.exists():
        tag.delete()


@transaction.atomic
def bank_question_create(
    *,
    actor: User,
    category: QuestionCategory,
    type: str,
    answers: list[dict[str, Any]],
    **fields: object,
) -> Question:
    """A new question in the bank's `category`, in no quiz yet."""
    require_course_instructor(user=actor, course=category.course)
    if type not in Question.Type.values:
        raise ApplicationError(f"Unknown question type “{type}”.", code="invalid_question")
    answers = _check_answers(type, answers)
    question = Question(category=category, type=type)
    _question_fields(question, fields)
    question.save()
    _write_answers(question, answers)
    return question


def _next_position(quiz: Quiz) -> int:
    return (quiz.slots.aggregate(n=Max("position"))["n"] or 0) + 1


@transaction.atomic
def quiz_slots_add_questions(
    *, actor: User, quiz: Quiz, question_ids: Iterable[int], points: Decimal | None = None
) -> list[QuizSlot]:
    """Add bank questions to the quiz's end, each in a fixed slot, in the order given."""
    require_instructor(user=actor, quiz=quiz)
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()  # one builder at a time
    ordered = list(dict.fromkeys(question_ids))
    questions = {q.pk: q for q in _course_questions(course=quiz.course, question_ids=ordered)}
    already = set(
        quiz.slots.filter(question_id__in=ordered).values_list("question__name", flat=True)
    )
    if already:
        names = ", ".join(f"“{name}”" for name in sorted(already))
        raise ApplicationError(
            f"This quiz already asks {names}: a question appears once in a quiz.",
            code="question_in_quiz",
        )
    position = _next_position(quiz)
    slots = []
    for offset, question_id in enumerate(ordered):
        slot = QuizSlot(
            quiz=quiz, position=position + offset, question=questions[question_id], points=points
        )
        validate_model(slot, exclude=["quiz", "question"])
        slot.save()
        slots.append(slot)
    return slots


@transaction.atomic
def quiz_slot_add_random(
    *,
    actor: User,
    quiz: Quiz,
    category: QuestionCategory,
    count: int,
    points: Decimal | None = None,
) -> QuizSlot:
    """Add a slot that draws `count` random questions from `category` and its subcategories,
    anew for each attempt. The category must hold enough questions the quiz does not ask
    in a fixed slot already."""
    require_instructor(user=actor, quiz=quiz)
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()  # one builder at a time
    if category.course_id != quiz.course.pk:
        raise NotFound("No such category in this course.")
    if not 1 <= count <= MAX_RANDOM_COUNT:
        message = f"Draw between 1 and {MAX_RANDOM_COUNT} questions."
        raise ApplicationError(message, code="invalid_count", details={"count": [message]})
    fixed = quiz.slots.filter(question__isnull=False).values_list("question_id", flat=True)
    available = bank_selectors.draw_pool(category=category).exclude(id__in=list(fixed)).count()
    if available < count:
        message = (
            f"“{category.name}” and its subcategories hold {available} question"
            f"{'' if available == 1 else 's'} this quiz does not already ask; a slot of "
            f"{count} needs at least {count}. Add questions to the category or draw fewer."
        )
        raise ApplicationError(
            message,
            code="category_too_small",
            details={"count": [message], "available": available},
        )
    slot = QuizSlot(
        quiz=quiz,
        position=_next_position(quiz),
        random_category=category,
        random_count=count,
        points=points,
    )
    validate_model(slot, exclude=["quiz", "random_category"])
    slot.save()
    return slot
