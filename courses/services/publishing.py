"""Publishing and unpublishing a course, module or lesson (quizzes: quizzes.services.publishing).

A draft is seen by the course's staff only; learners never see it, start it or count it in
their progress. Changing what is published changes what a learner still enrolled has to do,
so their module progress is recomputed. A learner who has completed the course keeps their
completion and certificate: completion is final, and their progress rows are left as they
were when they completed.
"""

from typing import Literal

from django.db import transaction

from accounts.models import User
from courses.models import Course, Lesson, Module, PublishStatus
from courses.selectors.staff import require_course_instructor
from courses.services.content_changes import (
    active_progress_refresh,
    course_enrolments_lock,
    refuse_while_attempts_open,
)
from lms.errors import ApplicationError, NotFound
from quizzes.models import Quiz
from quizzes.services.publishing import quiz_status_set


def _status(published: bool) -> str:
    return PublishStatus.PUBLISHED if published else PublishStatus.DRAFT


@transaction.atomic
def course_status_set(*, actor: User, course: Course, published: bool) -> Course:
    """Publish the course (learners find it in the catalogue and may enrol) or take it back
    to draft (only its staff see it)."""
    require_course_instructor(user=actor, course=course)
    course_enrolments_lock(course=course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if published and not course.modules.filter(status=PublishStatus.PUBLISHED).exists():
        raise ApplicationError(
            "Publish at least one module before the course: learners would find it empty.",
            code="course_empty",
        )
    if not published:
        refuse_while_attempts_open(quiz_filter={"quiz__module__course": course}, what="course")
    course.status = _status(published)
    course.save(update_fields=["status", "updated_at"])
    return course


@transaction.atomic
def module_status_set(*, actor: User, module: Module, published: bool) -> Module:
    """Publish a module (it counts in its learners' progress from now on) or take it back to
    draft (it no longer counts; learners who completed the course stay completed)."""
    require_course_instructor(user=actor, course=module.course)
    enrolments = course_enrolments_lock(course=module.course)
    module = Module.objects.select_for_update().select_related("course").get(pk=module.pk)
    if not published:
        refuse_while_attempts_open(quiz_filter={"quiz__module": module}, what="module")
    module.status = _status(published)
    module.save(update_fields=["status"])
    active_progress_refresh(enrolments=enrolments, modules=[module])
    return module


@transaction.atomic
def lesson_status_set(*, actor: User, lesson: Lesson, published: bool) -> Lesson:
    """Publish a lesson (its learners have it to read) or take it back to draft."""
    course = lesson.module.course
    require_course_instructor(user=actor, course=course)
    enrolments = course_enrolments_lock(course=course)
    lesson = Lesson.objects.select_for_update().select_related("module__course").get(pk=lesson.pk)
    lesson.status = _status(published)
    lesson.save(update_fields=["status"])
    active_progress_refresh(enrolments=enrolments, modules=[lesson.module])
    return lesson


PublishKind = Literal["course", "module", "lesson", "quiz"]
PUBLISH_KINDS: tuple[PublishKind, ...] = ("course", "module", "lesson", "quiz")


def publish_state_set(
    *, actor: User, item: Course | Module | Lesson | Quiz, published: bool
) -> Course | Module | Lesson | Quiz:
    """Publish or unpublish any of the four, by the rules of its kind (the page's and the
    API's one way in)."""
    if isinstance(item, Course):
        return course_status_set(actor=actor, course=item, published=published)
    if isinstance(item, Module):
        return module_status_set(actor=actor, module=item, published=published)
    if isinstance(item, Lesson):
        return lesson_status_set(actor=actor, lesson=item, published=published)
    if isinstance(item, Quiz):
        return quiz_status_set(actor=actor, quiz=item, published=published)
    raise NotFound("Nothing of that kind can be published.")
