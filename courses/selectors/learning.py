"""A learner's own enrolments and progress."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch

from accounts.models import User
from courses.models import (
    Course,
    Enrolment,
    LessonProgress,
    ModuleProgress,
)
from lms.errors import PermissionDenied
from quizzes.selectors.review import modules_with_hidden_scores


def enrolment_for(*, user: User, course: Course, lock: bool = False) -> Enrolment:
    queryset = Enrolment.objects.select_for_update() if lock else Enrolment.objects
    try:
        return queryset.get(user=user, course=course)
    except Enrolment.DoesNotExist:
        raise PermissionDenied("Enrol in this course first.", code="not_enrolled") from None


def enrolment_of(*, user: User | AnonymousUser, course: Course) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def lessons_read_ids(*, enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )


# Shown to a learner instead of passed/failed while a quiz's review options hide their score.
RESULT_HIDDEN = "result_hidden"


def hide_unreviewed_results(*, user: User, rows: list[ModuleProgress]) -> list[ModuleProgress]:
    """Blank the scores and pass/fail of modules whose quiz hides the score from `user` now.

    The progress read model holds the real figures (directors see them); a learner must not
    learn through it what the quiz's review options keep from them.
    """
    hidden = modules_with_hidden_scores(user=user, module_ids={r.module_id for r in rows})
    for row in rows:
        if row.module_id in hidden:
            row.score_percent = row.best_score_percent = None
            if row.status in (ModuleProgress.Status.PASSED, ModuleProgress.Status.FAILED):
                row.status = RESULT_HIDDEN
    return rows


def module_progress_by_module(*, enrolment: Enrolment | None) -> dict[int, ModuleProgress]:
    """The learner's own progress by module, as they may see it."""
    if enrolment is None:
        return {}
    rows = list(ModuleProgress.objects.filter(enrolment=enrolment))
    hide_unreviewed_results(user=enrolment.user, rows=rows)
    return {p.module_id: p for p in rows}


def progress_of(*, user: User) -> list[Enrolment]:
    """Every enrolment of the user with its modules' progress, for 'my progress'."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related(
            Prefetch(
                "module_progress",
                queryset=ModuleProgress.objects.select_related("module").order_by(
                    "module__position"
                ),
            )
        )
        .order_by("-enrolled_at")
    )
    rows = [row for enrolment in enrolments for row in enrolment.module_progress.all()]
    hide_unreviewed_results(user=user, rows=rows)  # the prefetched rows are the ones shown
    return enrolments
