"""Who may teach what: the course staff rules (courses.selectors.staff) applied to quizzes.

Instructors build and change quizzes; teaching assistants grade essays and see attempts.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from courses.models import Course
from courses.selectors.staff import is_course_instructor, is_course_staff
from lms.errors import PermissionDenied
from quizzes.models import Quiz

__all__ = ["is_course_instructor", "is_course_staff", "quizzes_taught_by", "require_instructor"]


def require_instructor(*, user: User | AnonymousUser, quiz: Quiz) -> None:
    if not is_course_instructor(user=user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors can change this quiz.", code="not_instructor"
        )


def quizzes_taught_by(*, user: User) -> QuerySet[Quiz]:
    """The quizzes `user` may build: those of the courses they are an instructor of."""
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
