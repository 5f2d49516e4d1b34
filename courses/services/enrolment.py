"""Enrolment and reading lessons."""

from django.db import transaction

from accounts.models import User
from courses.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
)
from courses.selectors.learning import enrolment_for
from courses.selectors.publishing import lesson_is_live
from courses.services.progress import module_progress_refresh
from lms.errors import ApplicationError, NotFound


@transaction.atomic
def enrolment_create(*, user: User, course: Course) -> tuple[Enrolment, bool]:
    """Enrol `user` in `course`. Enrolling again returns the existing enrolment."""
    if not course.is_published:
        raise ApplicationError(
            "This course is not open for enrolment.", code="course_not_published"
        )
    enrolment, created = Enrolment.objects.get_or_create(user=user, course=course)
    if created:
        ModuleProgress.objects.bulk_create(
            [
                ModuleProgress(enrolment=enrolment, module=m)
                for m in course.modules.filter(status=Module.Status.PUBLISHED)
            ]
        )
    return enrolment, created


@transaction.atomic
def lesson_complete(*, user: User, lesson: Lesson) -> LessonProgress:
    """Mark a lesson read. Marking it again changes nothing."""
    module = lesson.module
    if not lesson_is_live(lesson):  # a draft is for the course's staff, never in progress
        raise NotFound("No such lesson.")
    enrolment = enrolment_for(user=user, course=module.course, lock=True)
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    module_progress_refresh(enrolment=enrolment, module=module)
    return progress
