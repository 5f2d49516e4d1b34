"""Reads for course authoring: who may create and edit a course, the outline an instructor
edits, and whether learners have work in a module or lesson."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from courses.models import Course, LessonProgress, Module, ModuleProgress
from lms.errors import NotFound, PermissionDenied
from quizzes.models import Attempt, Quiz
from quizzes.selectors.access import is_course_instructor

# Instructors hold this permission through their group (courses.apps makes it after every
# migrate; staff add people to it in the admin): it lets them create courses, which they then
# teach. Editing a course afterwards needs only to be one of its instructors.
CREATE_COURSE_PERMISSION = "courses.add_course"
INSTRUCTORS_GROUP = "Instructors"


def may_create_course(*, user: User | AnonymousUser) -> bool:
    return user.is_staff or user.has_perm(CREATE_COURSE_PERMISSION)


def require_course_creator(*, user: User | AnonymousUser) -> None:
    if not may_create_course(user=user):
        raise PermissionDenied(
            "Only instructors (the Instructors group) and staff can create courses.",
            code="not_course_creator",
        )


def require_course_instructor(*, user: User | AnonymousUser, course: Course) -> None:
    if not is_course_instructor(user=user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can change this course.", code="not_instructor"
        )


def _with_outline() -> QuerySet[Course]:
    return Course.objects.prefetch_related(
        Prefetch(
            "modules",
            queryset=Module.objects.order_by("position").prefetch_related(
                "lessons", Prefetch("quizzes", queryset=Quiz.objects.order_by("id"))
            ),
        )
    )


def course_for_authoring(*, user: User | AnonymousUser, slug: str) -> Course:
    """The course to edit with its outline (modules, their lessons and quizzes), for one of
    its instructors; 404 when there is no such course, 403 for anyone else."""
    course = _with_outline().filter(slug=slug).first()
    if course is None:
        raise NotFound("No such course.")
    require_course_instructor(user=user, course=course)
    return course


def course_outline(*, course_id: int) -> Course:
    """The course with its outline as it is now (after a write), for the caller's reply."""
    return _with_outline().get(pk=course_id)


def module_has_learner_work(*, module: Module) -> bool:
    """Whether a learner has read a lesson of it, attempted its quiz or has progress in it."""
    progress = ModuleProgress.objects.filter(module=module).filter(
        ~Q(status=ModuleProgress.Status.NOT_STARTED)
        | Q(lessons_read__gt=0)
        | Q(attempts_count__gt=0)
    )
    return (
        progress.exists()
        or LessonProgress.objects.filter(lesson__module=module).exists()
        or Attempt.objects.filter(quiz__module=module).exists()
    )


def lesson_has_learner_work(*, lesson_id: int) -> bool:
    return LessonProgress.objects.filter(lesson_id=lesson_id).exists()


def modules_with_learner_work(*, course: Course) -> set[int]:
    """Ids of the course's modules a learner has worked in: the page offers no removal."""
    lesson_read = LessonProgress.objects.filter(lesson__module=OuterRef("pk"))
    attempted = Attempt.objects.filter(quiz__module=OuterRef("pk"))
    progressed = ModuleProgress.objects.filter(module=OuterRef("pk")).filter(
        ~Q(status=ModuleProgress.Status.NOT_STARTED) | Q(lessons_read__gt=0)
    )
    return set(
        Module.objects.filter(course=course)
        .filter(Exists(lesson_read) | Exists(attempted) | Exists(progressed))
        .values_list("id", flat=True)
    )
