"""The catalogue and a course's page as each user may see them."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from courses.models import (
    Course,
    Module,
)
from lms.errors import NotFound


def courses_visible_to(*, user: User | AnonymousUser) -> QuerySet[Course]:
    """Published courses, plus drafts the user teaches (staff see all)."""
    if user.is_authenticated and user.is_staff:
        return Course.objects.all()
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    if user.is_authenticated:
        return (published | Course.objects.filter(instructors=user)).distinct()
    return published


def may_read_lesson_text(*, user: User | AnonymousUser) -> bool:
    """Anyone sees a visible course's outline; its lessons' text is for people signed in (the
    lesson page asks for a log-in, and the API leaves the text out for anonymous callers)."""
    return user.is_authenticated


def course_detail(*, user: User | AnonymousUser, slug: str) -> Course:
    from quizzes.models import Quiz

    course = (
        courses_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.prefetch_related(
                    "lessons", Prefetch("quizzes", queryset=Quiz.objects.order_by("id"))
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if course is None:
        raise NotFound("No such course.")
    return course
