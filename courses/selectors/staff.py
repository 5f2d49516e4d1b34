"""Who may do what in a course: its instructors edit it, its teaching assistants grade its
essays and see its results, staff (the Django admin's) do everything. Every authoring and
grading check asks here."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet, TextChoices

from accounts.models import User
from courses.models import Course
from lms.errors import PermissionDenied


def is_course_instructor(*, user: User | AnonymousUser, course: Course) -> bool:
    """May change the course: its content, settings, publish states and staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or course.instructors.filter(pk=user.pk).exists()


def is_course_staff(*, user: User | AnonymousUser, course: Course) -> bool:
    """Teaches the course (instructor or teaching assistant): sees its drafts and results,
    grades its essays."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Course.objects.filter(Q(instructors=user) | Q(assistants=user), pk=course.pk).exists()


def require_course_instructor(*, user: User | AnonymousUser, course: Course) -> None:
    if not is_course_instructor(user=user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can change this course.", code="not_instructor"
        )


def require_course_staff(*, user: User | AnonymousUser, course: Course) -> None:
    if not is_course_staff(user=user, course=course):
        raise PermissionDenied(
            "Only the course's instructors and teaching assistants can do this.",
            code="not_course_staff",
        )


def courses_taught_by(*, user: User) -> QuerySet[Course]:
    """The courses `user` teaches (instructs or assists); staff: every course."""
    if user.is_staff:
        return Course.objects.all()
    return Course.objects.filter(Q(instructors=user) | Q(assistants=user)).distinct()


def courses_instructed_by(*, user: User) -> QuerySet[Course]:
    """The courses `user` may edit; staff: every course."""
    if user.is_staff:
        return Course.objects.all()
    return Course.objects.filter(instructors=user)


def course_staff_filter(user: User, prefix: str = "") -> Q:
    """A filter on rows whose course `user` teaches, through `prefix` (e.g.
    "attempt__quiz__module__course__"). Staff pass every row."""
    if user.is_staff:
        return Q()
    return Q(**{f"{prefix}instructors": user}) | Q(**{f"{prefix}assistants": user})


class CourseStaffRole(TextChoices):
    INSTRUCTOR = "instructor", "Instructor"
    ASSISTANT = "assistant", "Teaching assistant"


def course_staff_of(*, course: Course) -> tuple[list[User], list[User]]:
    """The course's instructors and teaching assistants, each sorted by name."""
    order = ("full_name", "username")
    return (
        list(course.instructors.order_by(*order)),
        list(course.assistants.order_by(*order)),
    )
