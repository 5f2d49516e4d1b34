"""A new run of a course (next year's cohort): its content, settings and staff copied into
a new draft course, with none of its learners' work.

Copied: the course's settings and credit fields, its instructors and teaching assistants,
its modules and lessons, its quizzes with their settings, feedback bands and slots, and its
question bank (categories as nested, tags, the current version of each question with its
answers). Each module, lesson and quiz keeps its publish state, so the new run shows what the
old one showed once the new course itself is published.

Not copied: enrolments, cohorts and their due dates, attempts, learners' overrides,
certificates and credit claims. Nor a quiz's open and close dates: they belong to the old
run's calendar, and a copied date in the past would close the quiz before anyone began.
"""

from django.db import transaction
from django.db.models import Model

from accounts.models import User
from courses.models import Course, Lesson, Module, PublishStatus
from courses.selectors.staff import require_course_instructor
from lms.errors import ApplicationError, validate_model
from quizzes.models import (
    Choice,
    FeedbackBand,
    Question,
    QuestionCategory,
    QuestionTag,
    Quiz,
    QuizSlot,
)

# Fields that are a row's identity or its run's, never copied.
_NOT_COPIED = {"id", "created_at", "updated_at"}


def _fields(row: Model, *, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """The row's own column values (foreign keys by id), for a copy of it."""
    values: dict[str, object] = {}
    for field in row._meta.concrete_fields:
        if field.name in _NOT_COPIED or field.name in skip or field.primary_key:
            continue
        values[field.attname] = getattr(row, field.attname)
    return values


@transaction.atomic
def course_copy(*, actor: User, course: Course, title: str, slug: str) -> Course:
    """Copy `course` as a new draft course called `title` at `slug`; returns the new course.

    Only an instructor of the course may copy it; they are an instructor of the copy too.
    """
    require_course_instructor(user=actor, course=course)
    title, slug = title.strip(), slug.strip()
    if Course.objects.filter(slug=slug).exists():
        raise ApplicationError(
            "A course already has that address.",
            code="invalid",
            details={"slug": ["A course already has this slug."]},
        )
    copy = Course(**_fields(course, skip=("title", "slug", "status")))
    copy.title, copy.slug, copy.status = title, slug, PublishStatus.DRAFT
    validate_model(copy)
    copy.save()
    copy.instructors.set(course.instructors.all())
    if not actor.is_staff:
        copy.instructors.add(actor)
    copy.assistants.set(course.assistants.all())

    categories, questions = _bank_copy(course, copy)
    for module in course.modules.order_by("position"):
        new_module = Module.objects.create(**{**_fields(module), "course_id": copy.pk})
        Lesson.objects.bulk_create(
            Lesson(**{**_fields(lesson), "module_id": new_module.pk})
            for lesson in module.lessons.order_by("position")
        )
        for quiz in module.quizzes.order_by("id"):
            _quiz_copy(quiz, new_module, categories, questions)
    return copy


def _bank_copy(course: Course, copy: Course) -> tuple[dict[int, int], dict[int, int]]:
    """Copy the question bank; returns the new ids of the categories and of the questions,
    by the old ids."""
    tags = {
        tag.pk: QuestionTag.objects.create(course=copy, name=tag.name)
        for tag in QuestionTag.objects.filter(course=course)
    }
    categories: dict[int, int] = {}
    pending = list(QuestionCategory.objects.filter(course=course).order_by("pk"))
    # Parents before their children, whatever the ids' order.
    while pending:
        ready = [c for c in pending if c.parent_id is None or c.parent_id in categories]
        if not ready:
            raise ApplicationError("The question bank's categories form a loop.", code="invalid")
        for category in ready:
            categories[category.pk] = QuestionCategory.objects.create(
                course=copy,
                name=category.name,
                parent_id=categories[category.parent_id] if category.parent_id else None,
            ).pk
        pending = [c for c in pending if c.pk not in categories]

    # The current version of each question, and any older one a slot still names.
    slot_questions = QuizSlot.objects.filter(
        quiz__module__course=course, question__isnull=False
    ).values_list("question_id", flat=True)
    sources = (
        Question.objects.filter(category__course=course, is_current=True)
        | Question.objects.filter(pk__in=slot_questions)
    ).prefetch_related("choices", "tags")
    questions: dict[int, int] = {}
    for question in sources.distinct().order_by("pk"):
        new = Question.objects.create(
            **{
                **_fields(question, skip=("previous", "version", "is_current")),
                "category_id": categories[question.category_id],
            }
        )
        Choice.objects.bulk_create(
            Choice(**{**_fields(choice), "question_id": new.pk})
            for choice in question.choices.all()
        )
        new.tags.set([tags[tag.pk] for tag in question.tags.all()])
        questions[question.pk] = new.pk
    return categories, questions


def _quiz_copy(
    quiz: Quiz, module: Module, categories: dict[int, int], questions: dict[int, int]
) -> Quiz:
    new = Quiz.objects.create(
        **{**_fields(quiz, skip=("opens_at", "closes_at")), "module_id": module.pk}
    )
    FeedbackBand.objects.bulk_create(
        FeedbackBand(quiz=new, min_percent=band.min_percent, text=band.text)
        for band in quiz.feedback_bands.all()
    )
    QuizSlot.objects.bulk_create(
        QuizSlot(
            quiz=new,
            position=slot.position,
            points=slot.points,
            question_id=questions[slot.question_id] if slot.question_id else None,
            random_category_id=categories[slot.random_category_id]
            if slot.random_category_id
            else None,
        )
        for slot in quiz.slots.order_by("position")
    )
    return new
