"""Course services: enrolment, reading lessons, and the module-progress read model."""

from decimal import Decimal

import pytest

from certificates.models import Certificate
from courses.models import Course, Enrolment, LessonProgress, ModuleProgress
from courses.services.enrolment import enrolment_create, lesson_complete
from lms.errors import ApplicationError, NotFound, PermissionDenied
from quizzes.models import Quiz
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.factories import build_course, enrol, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def _take_quiz(user, quiz: Quiz, *, right: bool):
    attempt, _ = attempt_start(user=user, quiz=quiz)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    attempt_submit(user=user, attempt_id=attempt.id, responses=answers)
    return attempt_grade(attempt_id=attempt.id)


def _read_lessons(user, module) -> None:
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)


def _progress(learner, module) -> ModuleProgress:
    return ModuleProgress.objects.get(enrolment__user=learner, module=module)


# --- enrolment ----------------------------------------------------------------------------


def test_enrolment_creates_a_not_started_progress_row_per_module(learner, course):
    enrolment, created = enrolment_create(user=learner, course=course)

    assert created is True
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert sorted(enrolment.module_progress.values_list("module__position", "status")) == [
        (1, "not_started"),
        (2, "not_started"),
    ]


def test_enrolment_in_a_draft_course_is_refused_and_creates_nothing(learner):
    draft = build_course(modules=1, status=Course.Status.DRAFT)

    with pytest.raises(ApplicationError) as caught:
        enrolment_create(user=learner, course=draft)

    assert caught.value.code == "course_not_published"
    assert caught.value.status == 400
    assert not Enrolment.objects.exists()
    assert not ModuleProgress.objects.exists()


def test_enrolling_twice_returns_the_same_enrolment(learner, course):
    first, _ = enrolment_create(user=learner, course=course)

    second, created = enrolment_create(user=learner, course=course)

    assert created is False
    assert second.pk == first.pk
    assert Enrolment.objects.count() == 1
    assert ModuleProgress.objects.count() == 2


# --- lessons ------------------------------------------------------------------------------


def test_lesson_complete_without_enrolment_is_refused(outsider, course):
    lesson = course.modules.first().lessons.first()

    with pytest.raises(PermissionDenied) as caught:
        lesson_complete(user=outsider, lesson=lesson)

    assert caught.value.code == "not_enrolled"
    assert caught.value.status == 403
    assert not LessonProgress.objects.exists()
    assert not ModuleProgress.objects.exists()


def test_lesson_complete_in_a_draft_course_is_not_found(learner, course):
    enrol(learner, course)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    lesson = course.modules.first().lessons.select_related("module__course").first()

    with pytest.raises(NotFound):
        lesson_complete(user=learner, lesson=lesson)

    assert not LessonProgress.objects.exists()


def test_lesson_complete_twice_records_one_read(learner, course):
    enrol(learner, course)
    lesson = course.modules.first().lessons.first()
    first = lesson_complete(user=learner, lesson=lesson)

    second = lesson_complete(user=learner, lesson=lesson)

    assert second.pk == first.pk
    assert LessonProgress.objects.count() == 1
    assert _progress(learner, lesson.module).lessons_read == 1


# --- module progress ----------------------------------------------------------------------


def test_reading_a_lesson_moves_the_module_to_in_progress(learner):
    course = build_course(modules=1, lessons=2)
    enrol(learner, course)
    module = course.modules.get()
    assert _progress(learner, module).status == ModuleProgress.Status.NOT_STARTED

    lesson_complete(user=learner, lesson=module.lessons.first())

    progress = _progress(learner, module)
    assert (progress.status, progress.lessons_read) == (ModuleProgress.Status.IN_PROGRESS, 1)


def test_reading_every_lesson_and_passing_the_quiz_passes_the_module(learner, course):
    enrol(learner, course)
    module = course.modules.first()
    _read_lessons(learner, module)

    _take_quiz(learner, module.quizzes.get(), right=True)

    progress = _progress(learner, module)
    assert progress.status == ModuleProgress.Status.PASSED
    assert progress.score_percent == Decimal("100.00")
    assert progress.passed_at is not None


def test_a_passed_quiz_with_a_lesson_unread_does_not_pass_the_module(learner):
    course = build_course(modules=1, lessons=2)
    enrol(learner, course)
    module = course.modules.get()
    lesson_complete(user=learner, lesson=module.lessons.first())

    _take_quiz(learner, module.quizzes.get(), right=True)

    progress = _progress(learner, module)
    assert progress.status == ModuleProgress.Status.IN_PROGRESS
    assert progress.lessons_read == 1
    assert progress.passed_at is None


def test_reading_the_last_lesson_after_passing_the_quiz_passes_the_module(learner):
    course = build_course(modules=1, lessons=2)
    enrol(learner, course)
    module = course.modules.get()
    first, last = module.lessons.order_by("position")
    lesson_complete(user=learner, lesson=first)
    _take_quiz(learner, module.quizzes.get(), right=True)

    lesson_complete(user=learner, lesson=last)

    assert _progress(learner, module).status == ModuleProgress.Status.PASSED


def test_a_failed_quiz_fails_the_module(learner, course):
    enrol(learner, course)
    module = course.modules.first()
    _read_lessons(learner, module)

    _take_quiz(learner, module.quizzes.get(), right=False)

    progress = _progress(learner, module)
    assert (progress.status, progress.score_percent) == (
        ModuleProgress.Status.FAILED,
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("optional", "completes"),
    [("second", True), ("first", False)],
    ids=["the-module-left-is-optional", "the-module-passed-is-optional"],
)
def test_optional_modules_are_not_needed_to_complete_the_course(
    learner, course, optional, completes
):
    enrolment = enrol(learner, course)
    first, second = course.modules.order_by("position")
    course.modules.filter(pk=(first if optional == "first" else second).pk).update(required=False)
    _read_lessons(learner, first)

    _take_quiz(learner, first.quizzes.get(), right=True)

    enrolment.refresh_from_db()
    assert _progress(learner, first).status == ModuleProgress.Status.PASSED
    assert _progress(learner, second).status == ModuleProgress.Status.NOT_STARTED
    assert (enrolment.status == Enrolment.Status.COMPLETED) is completes
    assert (enrolment.completed_at is not None) is completes
    # The course awards credit: its certificate waits for the learner's credit claim.
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


def test_the_course_stays_open_while_a_required_module_is_not_passed(learner, course):
    enrolment = enrol(learner, course)
    first = course.modules.order_by("position").first()
    _read_lessons(learner, first)

    _take_quiz(learner, first.quizzes.get(), right=True)

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_at) == (Enrolment.Status.ACTIVE, None)
    assert not Certificate.objects.exists()


def test_a_course_of_optional_modules_completes_when_every_one_is_passed(learner, course):
    enrolment = enrol(learner, course)
    course.modules.update(required=False)
    first, second = course.modules.order_by("position")
    _read_lessons(learner, first)
    _take_quiz(learner, first.quizzes.get(), right=True)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE

    _read_lessons(learner, second)
    _take_quiz(learner, second.quizzes.get(), right=True)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


@pytest.mark.parametrize(
    ("method", "score", "status"),
    [
        (Quiz.GradingMethod.HIGHEST, Decimal("100.00"), ModuleProgress.Status.PASSED),
        (Quiz.GradingMethod.AVERAGE, Decimal("50.00"), ModuleProgress.Status.FAILED),
        (Quiz.GradingMethod.FIRST, Decimal("0.00"), ModuleProgress.Status.FAILED),
        (Quiz.GradingMethod.LAST, Decimal("100.00"), ModuleProgress.Status.PASSED),
    ],
    ids=["highest", "average", "first", "last"],
)
def test_grading_method_decides_the_module_score_over_two_attempts(
    learner, course, method, score, status
):
    enrol(learner, course)
    module = course.modules.first()
    quiz = module.quizzes.get()
    quiz.grading_method = method
    quiz.pass_mark_percent = 60
    quiz.save()
    _read_lessons(learner, module)
    _take_quiz(learner, quiz, right=False)  # 0 %

    _take_quiz(learner, quiz, right=True)  # 100 %

    progress = _progress(learner, module)
    assert (progress.score_percent, progress.status) == (score, status)
    assert (progress.best_score_percent, progress.attempts_count) == (Decimal("100.00"), 2)
