"""What is live for learners: a published lesson or quiz in a published module of a
published course. Drafts are seen by the course's staff only."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from courses.models import Course, Enrolment, Lesson, Module, PublishStatus
from courses.selectors.staff import require_course_instructor
from lms.errors import NotFound
from quizzes.models import Quiz
from quizzes.selectors.publishing import quiz_publish_problems


def module_is_live(module: Module) -> bool:
    return module.is_published and module.course.is_published


def lesson_is_live(lesson: Lesson) -> bool:
    return lesson.is_published and module_is_live(lesson.module)


def quiz_is_live(quiz: Quiz) -> bool:
    return quiz.is_published and module_is_live(quiz.module)


def quiz_is_live_now(*, quiz_id: int) -> bool:
    """As `quiz_is_live`, read from the database in one query (under the caller's lock)."""
    return Quiz.objects.filter(
        pk=quiz_id,
        status=PublishStatus.PUBLISHED,
        module__status=PublishStatus.PUBLISHED,
        module__course__status=PublishStatus.PUBLISHED,
    ).exists()


def completed_learners_count(*, course: Course) -> int:
    """Learners who have completed the course: publishing into it leaves them completed."""
    return Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED).count()


@dataclass(frozen=True)
class PublishControl:
    """What the publish control shows of a course, module, lesson or quiz."""

    kind: str  # course | module | lesson | quiz
    id: int
    title: str
    published: bool
    # Published itself, but inside a draft (a module of a draft course...): learners do not
    # see it until that is published too.
    hidden_by: str
    # Learners who completed the course: publishing into it does not reopen their completion.
    completed_learners: int
    # Why a quiz cannot be published yet (empty: it can).
    problems: list[str]


def _kind_of(item: Course | Module | Lesson | Quiz) -> str:
    return {Course: "course", Module: "module", Lesson: "lesson", Quiz: "quiz"}[type(item)]


def course_of(item: Course | Module | Lesson | Quiz) -> Course:
    if isinstance(item, Course):
        return item
    if isinstance(item, Module):
        return item.course
    return item.module.course


def _hidden_by(item: Course | Module | Lesson | Quiz) -> str:
    if isinstance(item, Course):
        return ""
    module = item if isinstance(item, Module) else item.module
    if not isinstance(item, Module) and not module.is_published:
        return "module"
    return "" if module.course.is_published else "course"


def publish_control_for(*, item: Course | Module | Lesson | Quiz) -> PublishControl:
    kind = _kind_of(item)
    published = item.is_published
    course = course_of(item)
    return PublishControl(
        kind=kind,
        id=item.pk,
        title=item.title,
        published=published,
        hidden_by=_hidden_by(item),
        completed_learners=0 if kind == "course" else completed_learners_count(course=course),
        problems=quiz_publish_problems(quiz=item)
        if isinstance(item, Quiz) and not published
        else [],
    )


_MODELS: dict[str, type[Course] | type[Module] | type[Lesson] | type[Quiz]] = {
    "course": Course,
    "module": Module,
    "lesson": Lesson,
    "quiz": Quiz,
}


def publishable_item(
    *, user: User | AnonymousUser, kind: str, item_id: int | None = None, slug: str | None = None
) -> Course | Module | Lesson | Quiz:
    """The course (by id or slug), module, lesson or quiz whose publish state `user` may
    change: they are an instructor of its course. Others, teaching assistants included, are
    refused; a row that does not exist is "not found"."""
    model = _MODELS.get(kind)
    if model is None:
        raise NotFound("Nothing of that kind can be published.")
    related = {
        Course: (),
        Module: ("course",),
        Lesson: ("module__course",),
        Quiz: ("module__course",),
    }
    lookup = {"slug": slug} if slug is not None else {"pk": item_id}
    item = model.objects.select_related(*related[model]).filter(**lookup).first()
    if item is None:
        raise NotFound(f"No such {kind}.")
    require_course_instructor(user=user, course=course_of(item))
    return item
