"""The catalogue and a course's page as each user may see them."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from courses.models import Course, Lesson, Module, PublishStatus
from courses.selectors.publishing import lesson_is_live
from courses.selectors.staff import is_course_staff
from lms.errors import NotFound


def courses_visible_to(*, user: User | AnonymousUser) -> QuerySet[Course]:
    """Published courses, plus drafts the user teaches (staff see all)."""
    if user.is_authenticated and user.is_staff:
        return Course.objects.all()
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    if user.is_authenticated:
        taught = Course.objects.filter(Q(instructors=user) | Q(assistants=user))
        return (published | taught).distinct()
    return published


def may_read_lesson_text(*, user: User | AnonymousUser) -> bool:
    """Anyone sees a visible course's outline; its lessons' text is for people signed in (the
    lesson page asks for a log-in, and the API leaves the text out for anonymous callers)."""
    return user.is_authenticated


def course_detail(*, user: User | AnonymousUser, slug: str) -> Course:
    """The course with its modules, lessons and quizzes: the published ones, or every one,
    drafts included, for its staff (the page marks the drafts)."""
    from quizzes.models import Quiz

    course = courses_visible_to(user=user).filter(slug=slug).first()
    if course is None:
        raise NotFound("No such course.")
    drafts = is_course_staff(user=user, course=course)
    modules = (
        Module.objects.all() if drafts else Module.objects.filter(status=PublishStatus.PUBLISHED)
    )
    lessons = (
        Lesson.objects.all() if drafts else Lesson.objects.filter(status=PublishStatus.PUBLISHED)
    )
    quizzes = Quiz.objects.all() if drafts else Quiz.objects.filter(status=PublishStatus.PUBLISHED)
    return (
        Course.objects.prefetch_related(
            Prefetch(
                "modules",
                queryset=modules.prefetch_related(
                    Prefetch("lessons", queryset=lessons),
                    Prefetch("quizzes", queryset=quizzes.order_by("id")),
                ),
            )
        )
        .filter(pk=course.pk)
        .get()
    )


def require_lesson_visible(*, user: User | AnonymousUser, lesson: Lesson) -> None:
    """Refuse ("no such lesson") unless `user` may read it: published in a published module
    of a course they see, or any lesson of a course they teach (drafts included)."""
    if not courses_visible_to(user=user).filter(pk=lesson.module.course_id).exists():
        raise NotFound("No such lesson.")
    if not lesson_is_live(lesson) and not is_course_staff(user=user, course=lesson.module.course):
        raise NotFound("No such lesson.")


def lessons_beside(*, user: User | AnonymousUser, lesson: Lesson) -> list[Lesson]:
    """The lessons of `lesson`'s module `user` sees, in order (drafts for its staff)."""
    siblings = lesson.module.lessons.order_by("position")
    if not is_course_staff(user=user, course=lesson.module.course):
        siblings = siblings.filter(status=PublishStatus.PUBLISHED)
    return list(siblings)
