"""Who may teach what."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from courses.models import Course
from lms.errors import PermissionDenied
from quizzes.models import Quiz


def require_instructor(*, user: User | AnonymousUser, quiz: Quiz) -> None:
    if not is_course_instructor(user=user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors can change this quiz.", code="not_instructor"
        )


def is_course_instructor(*, user: User | AnonymousUser, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or course.instructors.filter(pk=user.pk).exists()


def quizzes_taught_by(*, user: User) -> QuerySet[Quiz]:
    queryset = Quiz.objects.select_related("module__course").order_by(
        "module__course__title", "module__position", "id"
    )
    if user.is_staff:
        return queryset
    return queryset.filter(module__course__instructors=user)


def require_course_instructor(*, user: User | AnonymousUser, course: Course) -> None:
    """The course's question bank: its instructors and staff only."""
    if not is_course_instructor(user=user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can change its question bank.", code="not_instructor"
        )
