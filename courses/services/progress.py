"""The module-progress read model, recomputed set-based from lessons read and graded
attempts; course completion."""

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from courses.models import (
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
    PublishStatus,
)
from lms.updates import save_grouped
from quizzes.models import Attempt, Quiz
from quizzes.scoring import kept_percent
from tasks.enqueue import ISSUE_CERTIFICATE, enqueue


class AttemptFacts(NamedTuple):
    """What the progress rules read of one attempt."""

    state: str
    percent: Decimal | None
    passed: bool | None
    submitted_at: datetime | None
    id: int


# No savepoint of its own: it runs inside the caller's transaction (grading, reading a lesson);
# an error here fails that whole write, and the savepoint's two round trips are saved.
@transaction.atomic(savepoint=False)
def module_progress_refresh(*, enrolment: Enrolment, module: Module) -> ModuleProgress:
    """Recompute one module's progress row from lessons read and graded attempts."""
    return modules_progress_refresh(pairs=[(enrolment, module)])[0]


@transaction.atomic(savepoint=False)
def modules_progress_refresh(*, pairs: list[tuple[Enrolment, Module]]) -> list[ModuleProgress]:
    """Recompute the progress rows of these (enrolment, module) pairs, in the same order.

    A module is passed when every published lesson is read and every published quiz's score,
    by its grading method, reaches the quiz's pass mark (drafts do not count). Then the course
    may be complete. Callers hold the enrolments' locks: every writer of progress takes them
    first, so none waits in a circle.

    Six queries for one pair or a worker's batch of graded attempts, whatever the modules
    hold: the progress rows (locked), lessons, lessons read (not asked when the modules have
    no lessons), quizzes, the learners' attempts (only the columns the rules need), and one
    write; then the completion check's one for the enrolments a passed module may complete.
    """
    enrolment_ids = {e.pk for e, _ in pairs}
    module_ids = {m.pk for _, m in pairs}
    rows = _progress_rows_locked(pairs)
    lessons_total = dict(
        Lesson.objects.filter(module_id__in=module_ids, status=PublishStatus.PUBLISHED)
        .values_list("module_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    lessons_read: dict[tuple[int, int], int] = {}
    if lessons_total:  # a quiz-only module has no lessons to have read
        for enrolment_id, module_id, n in (
            LessonProgress.objects.filter(
                enrolment_id__in=enrolment_ids,
                lesson__module_id__in=lessons_total,
                lesson__status=PublishStatus.PUBLISHED,
            )
            .values_list("enrolment_id", "lesson__module_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            lessons_read[enrolment_id, module_id] = n
    quizzes: dict[int, list[tuple[int, str, int]]] = {module_id: [] for module_id in module_ids}
    for quiz_id, module_id, method, pass_mark in Quiz.objects.filter(
        module_id__in=module_ids, status=PublishStatus.PUBLISHED
    ).values_list("id", "module_id", "grading_method", "pass_mark_percent"):
        quizzes[module_id].append((quiz_id, method, pass_mark))
    attempts: dict[tuple[int, int], list[AttemptFacts]] = {}
    user_ids = {e.user_id for e, _ in pairs}
    quiz_ids = [q[0] for qs in quizzes.values() for q in qs]
    if quiz_ids:  # a module of lessons only has no attempts to read
        for row in (
            Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=quiz_ids)
            .values_list("user_id", "quiz_id", "state", "percent", "passed", "submitted_at", "id")
            .order_by("number")
        ):
            attempts.setdefault((row[0], row[1]), []).append(AttemptFacts(*row[2:]))

    now = timezone.now()
    for enrolment, module in pairs:
        _progress_recompute(
            rows[enrolment.pk, module.pk],
            lessons_total=lessons_total.get(module.pk, 0),
            lessons_read=lessons_read.get((enrolment.pk, module.pk), 0),
            quizzes=[
                (method, pass_mark, attempts.get((enrolment.user_id, quiz_id), []))
                for quiz_id, method, pass_mark in quizzes[module.pk]
            ],
            now=now,
        )
    progress = [rows[e.pk, m.pk] for e, m in pairs]
    save_grouped(progress, PROGRESS_FIELDS)

    # A required module that is not passed keeps the course from completing: the check
    # could only say no. An optional one may still be the last thing a learner did.
    enrolments_completion_check(
        enrolments=[
            enrolment
            for (enrolment, module), row in zip(pairs, progress, strict=True)
            if row.status == ModuleProgress.Status.PASSED or not module.required
        ]
    )
    return progress


def _progress_rows_locked(
    pairs: list[tuple[Enrolment, Module]],
) -> dict[tuple[int, int], ModuleProgress]:
    """The pairs' progress rows, locked in id order; rows missing (a module added after
    enrolment) are created first."""

    enrolment_ids, module_ids = {e.pk for e, _ in pairs}, {m.pk for _, m in pairs}

    def locked() -> dict[tuple[int, int], ModuleProgress]:
        return {
            (p.enrolment_id, p.module_id): p
            for p in ModuleProgress.objects.select_for_update()
            .filter(enrolment_id__in=enrolment_ids, module_id__in=module_ids)
            .order_by("pk")
        }

    rows = locked()
    missing = sorted(
        ((e, m) for e, m in pairs if (e.pk, m.pk) not in rows), key=lambda p: (p[0].pk, p[1].pk)
    )
    if missing:
        ModuleProgress.objects.bulk_create(
            [ModuleProgress(enrolment=e, module=m) for e, m in missing], ignore_conflicts=True
        )
        rows = locked()
    return rows


def _progress_status(
    *, all_read: bool, all_quizzes_passed: bool, any_quiz_failed: bool, started: bool
) -> ModuleProgress.Status:
    """A module's status: passed, failed (a quiz's score too low), in progress or not started."""
    if all_read and all_quizzes_passed:
        return ModuleProgress.Status.PASSED
    if any_quiz_failed:
        return ModuleProgress.Status.FAILED
    if started:
        return ModuleProgress.Status.IN_PROGRESS
    return ModuleProgress.Status.NOT_STARTED


def _progress_recompute(
    progress: ModuleProgress,
    *,
    lessons_total: int,
    lessons_read: int,
    quizzes: list[tuple[str, int, list[AttemptFacts]]],
    now: datetime,
) -> None:
    """Set one progress row's fields from its module's lessons and quizzes.

    `quizzes`: (grading method, pass mark, the learner's attempts in order) per quiz.
    """
    all_quizzes_passed, any_quiz_failed = True, False
    scores: list[Decimal] = []
    attempts_count = 0
    best: Decimal | None = None
    last_graded: AttemptFacts | None = None
    for grading_method, pass_mark_percent, learner_attempts in quizzes:
        graded = [a for a in learner_attempts if a.state == Attempt.State.GRADED]
        attempts_count += len(learner_attempts)
        for a in graded:
            if last_graded is None or (a.submitted_at, a.id) > (
                last_graded.submitted_at,
                last_graded.id,
            ):
                last_graded = a
        # Every graded attempt has its percent: the condition only narrows the type.
        percents = [a.percent for a in graded if a.percent is not None]
        score = kept_percent(percents, grading_method)
        if graded:
            top = max(percents)
            best = top if best is None else max(best, top)
        if score is None or score < pass_mark_percent:
            all_quizzes_passed = False
            if score is not None:
                any_quiz_failed = True
        if score is not None:
            scores.append(score)

    status = _progress_status(
        all_read=lessons_read == lessons_total,
        all_quizzes_passed=all_quizzes_passed,
        any_quiz_failed=any_quiz_failed,
        started=bool(lessons_read or attempts_count),
    )
    progress.lessons_read = lessons_read
    progress.attempts_count = attempts_count
    progress.score_percent = round(sum(scores, Decimal(0)) / len(scores), 2) if scores else None
    progress.best_score_percent = best
    progress.last_attempt_passed = last_graded.passed if last_graded is not None else None
    if status != ModuleProgress.Status.PASSED:
        progress.passed_at = None
    elif progress.passed_at is None:
        progress.passed_at = now
    progress.status = status
    progress.last_activity_at = now


PROGRESS_FIELDS = [
    "lessons_read",
    "attempts_count",
    "score_percent",
    "best_score_percent",
    "last_attempt_passed",
    "passed_at",
    "status",
    "last_activity_at",
]


@transaction.atomic(savepoint=False)  # as module_progress_refresh: part of its caller's write
def enrolments_completion_check(*, enrolments: list[Enrolment]) -> set[int]:
    """Complete each enrolment once every required module is passed; then issue its
    certificate. Returns the ids of those it completed.

    The enrolments come locked by the caller (modules_progress_refresh's callers lock them
    before progress), so their status is current. Completion is final: a later failed attempt
    on an optional module does not undo it.
    """
    open_enrolments = list(
        {e.pk: e for e in enrolments if e.status != Enrolment.Status.COMPLETED}.values()
    )
    if not open_enrolments:
        return set()
    # Per enrolment: the course's modules, its required ones, and of each those passed.
    counts = _completion_counts(open_enrolments)
    completed = set()
    for enrolment in open_enrolments:
        n_modules, n_required, n_passed, n_required_passed = counts.get(enrolment.pk, (0,) * 4)
        # A course whose modules are all optional is complete when all of them are passed.
        if not (n_required_passed == n_required if n_required else n_passed == n_modules):
            continue
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["status", "completed_at"])
        if not enrolment.course.awards_credit:  # else the learner's claim comes first
            enqueue(ISSUE_CERTIFICATE, enrolment.pk)
        completed.add(enrolment.pk)
    return completed


def _completion_counts(enrolments: list[Enrolment]) -> dict[int, tuple[int, int, int, int]]:
    """Per enrolment, in two queries: the course's modules, its required ones, those passed
    and the required ones passed."""
    modules = {
        course_id: (n_modules, n_required)
        for course_id, n_modules, n_required in Module.objects.filter(
            course_id__in={e.course_id for e in enrolments}, status=PublishStatus.PUBLISHED
        )
        .values_list("course_id")
        .annotate(n_modules=Count("id"), n_required=Count("id", filter=Q(required=True)))
        .order_by()
    }
    passed = {
        enrolment_id: (n_passed, n_required_passed)
        for enrolment_id, n_passed, n_required_passed in ModuleProgress.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments],
            status=ModuleProgress.Status.PASSED,
            module__status=PublishStatus.PUBLISHED,
        )
        .values_list("enrolment_id")
        .annotate(n=Count("id"), n_required=Count("id", filter=Q(module__required=True)))
        .order_by()
    }
    return {
        e.pk: (*modules.get(e.course_id, (0, 0)), *passed.get(e.pk, (0, 0))) for e in enrolments
    }
