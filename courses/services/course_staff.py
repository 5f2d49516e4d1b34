"""A course's staff: its instructors (who edit it) and teaching assistants (who grade its
essays and see its results). An instructor adds and removes them by e-mail address.

An address with no account is answered plainly ("no account with this address"): the
person adding is an instructor of the course, the person added a colleague they can ask to
sign up, and only instructors reach this, so it tells no stranger who has an account.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import User
from courses.models import Course
from courses.selectors.staff import CourseStaffRole, require_course_instructor
from lms.errors import ApplicationError, Conflict, NotFound


def _account_for(email: str) -> User:
    address = email.strip()
    if not address or "@" not in address:
        raise ApplicationError(
            "Enter an e-mail address.",
            code="invalid",
            details={"email": ["Enter an e-mail address."]},
        )
    users = list(get_user_model().objects.filter(email__iexact=address, is_active=True)[:2])
    if not users:
        raise NotFound(
            f"No account with the address {address}: ask them to sign up first, then add them.",
            code="no_account",
            details={"email": ["No account with this address."]},
        )
    if len(users) > 1:
        raise Conflict(
            f"More than one account uses {address}; ask an administrator to add the right one.",
            code="ambiguous_address",
            details={"email": ["More than one account uses this address."]},
        )
    return users[0]


@transaction.atomic
def course_staff_add(*, actor: User, course: Course, email: str, role: str) -> User:
    """Make the account with this address an instructor or teaching assistant of the course
    (one role each: becoming an instructor ends being an assistant, and the other way round,
    unless they are the last instructor). Adding someone again changes nothing."""
    require_course_instructor(user=actor, course=course)
    if role not in CourseStaffRole.values:
        raise ApplicationError(
            "Choose instructor or teaching assistant.",
            code="invalid",
            details={"role": ["Choose instructor or assistant."]},
        )
    course = Course.objects.select_for_update().get(pk=course.pk)
    user = _account_for(email)
    if role == CourseStaffRole.INSTRUCTOR:
        course.assistants.remove(user)
        course.instructors.add(user)
    else:
        _refuse_removing_last_instructor(course, user)
        course.instructors.remove(user)
        course.assistants.add(user)
    return user


def _refuse_removing_last_instructor(course: Course, user: User) -> None:
    instructors = set(course.instructors.values_list("pk", flat=True))
    if instructors == {user.pk}:
        raise Conflict(
            "A course keeps at least one instructor: add another instructor first.",
            code="last_instructor",
        )


@transaction.atomic
def course_staff_remove(*, actor: User, course: Course, user_id: int) -> None:
    """Take the person off the course's staff (instructor or assistant), never its last
    instructor. Their grading and edits stay in the history."""
    require_course_instructor(user=actor, course=course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    user = get_user_model().objects.filter(pk=user_id).first()
    is_staff = user is not None and (
        course.instructors.filter(pk=user.pk).exists()
        or course.assistants.filter(pk=user.pk).exists()
    )
    if user is None or not is_staff:
        raise NotFound("That person is not on this course's staff.", code="not_course_staff")
    _refuse_removing_last_instructor(course, user)
    course.instructors.remove(user)
    course.assistants.remove(user)
