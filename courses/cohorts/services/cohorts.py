"""Creating cohorts."""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from courses.cohorts.selectors import access as access_selectors
from courses.models import (
    Cohort,
    Course,
)
from lms.errors import ApplicationError, Conflict
from lms.time_zones import validate_time_zone


@transaction.atomic
def cohort_create(
    *,
    actor: User,
    course: Course,
    name: str,
    start_date: date,
    end_date: date,
    inactivity_days: int = 14,
    time_zone: str = "",
) -> Cohort:
    """A program director opens a cohort in a published course and becomes its director."""
    access_selectors.require_cohort_creator(actor)
    if not course.is_published:
        raise ApplicationError(
            "Cohorts can only follow a published course.",
            code="course_not_published",
            details={"course": ["This course is not published."]},
        )
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the cohort a name."]
    elif len(name) > 200:
        errors["name"] = ["Keep the name to 200 characters or fewer."]
    elif Cohort.objects.filter(course=course, name__iexact=name).exists():
        errors["name"] = [f"This course already has a cohort called “{name}”."]
    if end_date < start_date:
        errors["end_date"] = ["The cohort must end on or after the day it starts."]
    if not 1 <= inactivity_days <= 365:
        errors["inactivity_days"] = ["Choose between 1 and 365 days."]
    try:
        validate_time_zone(time_zone)
    except DjangoValidationError as error:
        errors["time_zone"] = list(error.messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid", details=errors)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(
                course=course,
                name=name,
                start_date=start_date,
                end_date=end_date,
                inactivity_days=inactivity_days,
                time_zone=time_zone,
            )
    except IntegrityError:
        raise Conflict(
            f"This course already has a cohort called “{name}”.", code="cohort_name_taken"
        ) from None
    cohort.directors.add(actor)
    return cohort
