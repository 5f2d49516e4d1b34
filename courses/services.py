"""Writes for courses: enrolment, lesson reading, and the module-progress read model."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from lms.errors import ApplicationError, NotFound, PermissionDenied

from .models import Course, Enrolment, Lesson, LessonProgress, Module, ModuleProgress


@transaction.atomic
def enrolment_create(*, user, course: Course) -> tuple[Enrolment, bool]:
    """Enrol `user` in `course`. Enrolling again returns the existing enrolment."""
    if not course.is_published:
        raise ApplicationError(
            "This course is not open for enrolment.", code="course_not_published"
        )
    enrolment, created = Enrolment.objects.get_or_create(user=user, course=course)
    if created:
        ModuleProgress.objects.bulk_create(
            [ModuleProgress(enrolment=enrolment, module=m) for m in course.modules.all()]
        )
    return enrolment, created


def enrolment_for(*, user, course: Course, lock: bool = False) -> Enrolment:
    queryset = Enrolment.objects.select_for_update() if lock else Enrolment.objects
    try:
        return queryset.get(user=user, course=course)
    except Enrolment.DoesNotExist:
        raise PermissionDenied("Enrol in this course first.", code="not_enrolled") from None


@transaction.atomic
def lesson_complete(*, user, lesson: Lesson) -> LessonProgress:
    """Mark a lesson read. Marking it again changes nothing."""
    module = lesson.module
    if not module.course.is_published:
        raise NotFound("No such lesson.")
    enrolment = enrolment_for(user=user, course=module.course, lock=True)
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    module_progress_refresh(enrolment=enrolment, module=module)
    return progress


def _quiz_score(attempts: list, method: str):
    """The module's quiz score by the quiz's grading method, from graded attempts in order."""
    from quizzes.models import Quiz

    scores = [a.percent for a in attempts]
    if not scores:
        return None
    if method == Quiz.GradingMethod.AVERAGE:
        return sum(scores) / len(scores)
    if method == Quiz.GradingMethod.FIRST:
        return scores[0]
    if method == Quiz.GradingMethod.LAST:
        return scores[-1]
    return max(scores)


@transaction.atomic
def module_progress_refresh(*, enrolment: Enrolment, module: Module) -> ModuleProgress:
    """Recompute one module's progress row from lessons read and graded attempts.

    A module is passed when every lesson is read and every quiz's score, by its grading
    method, reaches the quiz's pass mark. Then the course may be complete.
    """
    from quizzes.models import Attempt

    progress, _ = ModuleProgress.objects.select_for_update().get_or_create(
        enrolment=enrolment, module=module
    )
    module = Module.objects.prefetch_related(
        "lessons",
        Prefetch(
            "quizzes__attempts",
            queryset=Attempt.objects.filter(user_id=enrolment.user_id).order_by("number"),
            to_attr="learner_attempts",
        ),
    ).get(pk=module.pk)
    lesson_ids = {lesson.id for lesson in module.lessons.all()}
    read = LessonProgress.objects.filter(enrolment=enrolment, lesson_id__in=lesson_ids).count()

    all_quizzes_passed, any_quiz_failed = True, False
    scores, attempts_count, best = [], 0, None
    for quiz in module.quizzes.all():
        graded = [a for a in quiz.learner_attempts if a.state == Attempt.State.GRADED]
        attempts_count += len(quiz.learner_attempts)
        score = _quiz_score(graded, quiz.grading_method)
        if graded:
            top = max(a.percent for a in graded)
            best = top if best is None else max(best, top)
        if score is None or score < quiz.pass_mark_percent:
            all_quizzes_passed = False
            if score is not None:
                any_quiz_failed = True
        if score is not None:
            scores.append(score)

    now = timezone.now()
    if read == len(lesson_ids) and all_quizzes_passed:
        status = ModuleProgress.Status.PASSED
    elif any_quiz_failed:
        status = ModuleProgress.Status.FAILED
    elif read or attempts_count:
        status = ModuleProgress.Status.IN_PROGRESS
    else:
        status = ModuleProgress.Status.NOT_STARTED

    progress.lessons_read = read
    progress.attempts_count = attempts_count
    progress.score_percent = round(sum(scores) / len(scores), 2) if scores else None
    progress.best_score_percent = best
    if status != ModuleProgress.Status.PASSED:
        progress.passed_at = None
    elif progress.passed_at is None:
        progress.passed_at = now
    progress.status = status
    progress.last_activity_at = now
    progress.save()

    enrolment_completion_check(enrolment=enrolment)
    return progress


@transaction.atomic
def enrolment_completion_check(*, enrolment: Enrolment) -> bool:
    """Complete the enrolment once every required module is passed; then issue the certificate.

    Completion is final: a later failed attempt on an optional module does not undo it.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.COMPLETED:
        return False
    modules = Module.objects.filter(course_id=enrolment.course_id)
    # A course whose modules are all optional is complete when all of them are passed.
    required = modules.filter(required=True) if modules.filter(required=True).exists() else modules
    passed = ModuleProgress.objects.filter(
        enrolment=enrolment, module__in=required, status=ModuleProgress.Status.PASSED
    ).count()
    if passed < required.count():
        return False
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at"])

    from certificates.services import certificate_request

    certificate_request(enrolment=enrolment)
    return True
