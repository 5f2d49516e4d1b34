"""Factories for the domain: a published course with modules, lessons and a quiz each."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.db.models import Model

from accounts.models import User
from courses.models import Course, CreditType, Enrolment, Lesson, Module, PublishStatus
from quizzes.models import Choice, Question, QuestionCategory, Quiz, QuizSlot

PASSWORD = "correct horse battery staple"

_M = TypeVar("_M", bound=Model)

if TYPE_CHECKING:

    class ModelFactory(factory.django.DjangoModelFactory[_M]):
        # Calling a factory makes (and saves) its model, through factory-boy's metaclass, whose
        # __call__ is untyped; mypy reads a call's type from __new__ first.
        def __new__(cls, **kwargs: Any) -> _M: ...  # type: ignore[misc]  # a model, not a factory: what a call makes

else:
    ModelFactory = factory.django.DjangoModelFactory


class UserFactory(ModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class CourseFactory(ModelFactory[Course]):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Clinical Leadership Essentials {n}")
    slug = factory.Sequence(lambda n: f"clinical-leadership-{n}")
    summary = "Leading a ward team through handovers, conflict and change."
    status = Course.Status.PUBLISHED
    accredited_provider = "Northfield Academic Medical Center"
    credit_type = CreditType.AMA_PRA_1
    max_credits = Decimal("2.00")
    designation_statement = "Designated for a maximum of 2.00 AMA PRA Category 1 Credits."
    accreditation_statement = "Accredited by the ACCME to provide continuing medical education."


class ModuleFactory(ModelFactory[Module]):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Handover and SBAR {n}")
    summary = "Structured handover that survives a busy night."
    competencies = ["interpersonal_communication"]
    required = True
    # Published, as every module was before drafts: tests of drafts ask for one.
    status = PublishStatus.PUBLISHED


class LessonFactory(ModelFactory[Lesson]):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"SBAR in practice {n}")
    body = "## Situation\n\nState the problem in one sentence.\n\n- Background\n- Assessment"
    estimated_minutes = 8
    status = PublishStatus.PUBLISHED


class QuizFactory(ModelFactory[Quiz]):
    class Meta:
        model = Quiz

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Handover check {n}")
    pass_mark_percent = 60
    shuffle_choices = True
    status = PublishStatus.PUBLISHED


def add_single_choice_question(
    quiz: Quiz, *, text: str, right: str, wrong: list[str], points: Decimal | None = None
) -> Question:
    category, _ = QuestionCategory.objects.get_or_create(
        course=quiz.module.course, name=quiz.module.title
    )
    question = Question.objects.create(
        category=category,
        type=Question.Type.SINGLE_CHOICE,
        name=text[:60],
        text=text,
        general_feedback=f"Remember: {right}.",
    )
    Choice.objects.create(
        question=question,
        position=1,
        text=right,
        fraction=Decimal("1"),
        feedback="Right: that is the structured answer.",
    )
    for position, option in enumerate(wrong, start=2):
        Choice.objects.create(
            question=question,
            position=position,
            text=option,
            fraction=Decimal("0"),
            feedback="Not quite: see the lesson.",
        )
    QuizSlot.objects.create(
        quiz=quiz, position=quiz.slots.count() + 1, question=question, points=points
    )
    return question


def build_course(*, modules: int = 2, questions: int = 3, lessons: int = 1, **course_fields):
    """A published course whose modules each have lessons and a single-choice quiz."""
    course = CourseFactory(**course_fields)
    for m in range(1, modules + 1):
        module = ModuleFactory(course=course, position=m, slug=f"m{m}", title=f"Module {m}")
        for n in range(1, lessons + 1):
            LessonFactory(
                module=module, position=n, slug=f"m{m}-l{n}", title=f"Module {m}, lesson {n}"
            )
        quiz = QuizFactory(module=module, title=f"Module {m} quiz")
        for q in range(1, questions + 1):
            add_single_choice_question(
                quiz,
                text=f"Module {m}, question {q}: which handover tool is structured?",
                right=f"SBAR ({m}.{q})",
                wrong=[f"Free narrative ({m}.{q})", f"Skipping handover ({m}.{q})"],
            )
    return course


def right_answers(attempt) -> dict[int, dict]:
    return {
        item.question_id: {
            "choice_ids": [c.id for c in item.question.choices.all() if c.fraction > 0][:1]
        }
        for item in attempt.questions.select_related("question")
    }


def wrong_answers(attempt) -> dict[int, dict]:
    return {
        item.question_id: {
            "choice_ids": [c.id for c in item.question.choices.all() if c.fraction <= 0][:1]
        }
        for item in attempt.questions.select_related("question")
    }


def enrol(user, course) -> Enrolment:
    from courses.services.enrolment import enrolment_create

    return enrolment_create(user=user, course=course)[0]
