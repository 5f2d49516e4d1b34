"""Who may see or manage a cohort."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from courses.models import (
    Cohort,
    Course,
)
from lms.errors import ApplicationError, NotFound, PermissionDenied

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Program directors hold this permission through their group (courses.apps makes it after
# every migrate; staff add people to it in the admin): it lets them create cohorts. Managing a
# cohort afterwards needs only to be one of its directors.
CREATE_COHORT_PERMISSION = "courses.add_cohort"
PROGRAM_DIRECTORS_GROUP = "Program directors"


def may_create_cohort(user: User | AnonymousUser) -> bool:
    return user.is_staff or user.has_perm(CREATE_COHORT_PERMISSION)


def require_cohort_creator(user: User | AnonymousUser) -> None:
    if not may_create_cohort(user):
        raise PermissionDenied("Only program directors can create cohorts.")


def is_director(user: User, cohort: Cohort) -> bool:
    return user.is_staff or cohort.directors.filter(pk=user.pk).exists()


def require_director(user: User, cohort: Cohort) -> None:
    if not is_director(user, cohort):
        raise PermissionDenied("Only the cohort's directors can change it.")


def require_viewer(user: User, cohort: Cohort) -> None:
    if not (is_director(user, cohort) or cohort.course.instructors.filter(pk=user.pk).exists()):
        raise NotFound("No such cohort.")


def require_open_course(cohort: Cohort) -> None:
    if not cohort.course.is_published:
        raise ApplicationError(
            "The cohort's course is not published, so learners cannot be enrolled in it yet.",
            code="course_not_published",
        )


def cohorts_visible_to(*, user: User | AnonymousUser) -> QuerySet[Cohort]:
    """Cohorts the user directs or whose course they teach (staff: all). Learners see none."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    cohorts = Cohort.objects.all()
    if not user.is_staff:
        visible = Cohort.objects.filter(Q(directors=user) | Q(course__instructors=user))
        cohorts = cohorts.filter(pk__in=visible.values("pk"))
    return (
        cohorts.select_related("course")
        .annotate(learner_count=Count("enrolments"))
        .order_by("-start_date", "name")
    )


class ViewerRights(TypedDict):
    """What `cohort_for_viewer` annotates its cohort with: the viewer's roles in it."""

    is_director: bool
    is_instructor: bool


def cohort_for_viewer(
    *, user: User | AnonymousUser, cohort_id: int
) -> "WithAnnotations[Cohort, ViewerRights]":
    """The cohort if `user` directs it, teaches its course, or is staff; otherwise not found.

    The cohort comes back with `viewer_is_director`: whether the user may change it.
    """
    if not user.is_authenticated:
        raise NotFound("No such cohort.")
    cohort = (
        Cohort.objects.select_related("course")
        .annotate(
            is_director=Exists(
                Cohort.directors.through.objects.filter(cohort_id=OuterRef("pk"), user_id=user.pk)
            ),
            is_instructor=Exists(
                Course.instructors.through.objects.filter(
                    course_id=OuterRef("course_id"), user_id=user.pk
                )
            ),
        )
        .filter(pk=cohort_id)
        .first()
    )
    if cohort is None or not (user.is_staff or cohort.is_director or cohort.is_instructor):
        raise NotFound("No such cohort.")  # not theirs: its existence is not theirs to know
    cohort.viewer_is_director = user.is_staff or cohort.is_director
    return cohort


def cohort_for_director(*, user: User | AnonymousUser, cohort_id: int) -> Cohort:
    """The cohort if `user` may change it; its course's instructors may only look."""
    cohort = cohort_for_viewer(user=user, cohort_id=cohort_id)
    if not cohort.viewer_is_director:
        raise PermissionDenied("Only the cohort's directors can change it.")
    return cohort


def courses_for_new_cohort(*, user: User | AnonymousUser) -> QuerySet[Course]:
    """Courses a cohort can follow: published ones."""
    return Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title")
