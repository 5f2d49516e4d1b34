"""What regrading and the grade history read: who may change grades, question versions,
the attempts a regrade touches, its jobs, the learners who now fall short, and an attempt's
history."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from courses.models import Course, Enrolment, ModuleProgress
from lms.errors import NotFound, PermissionDenied
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    GradeChange,
    Question,
    Quiz,
    RegradeJob,
)
from quizzes.selectors.access import is_course_instructor

# Attempts a regrade scores again: graded, or waiting for an essay's grade. An attempt in
# progress or still being graded is scored against the version it was asked when graded.
REGRADABLE_STATES = (Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW)

# A running regrade whose row has not moved for this long was abandoned by its worker.
REGRADE_STALE_AFTER = timedelta(minutes=10)
# A failed job is run again (by the sweeper or its task's retry) at most this many times.
REGRADE_MAX_RUNS = 5


def may_manage_grades(*, user: User | AnonymousUser, course: Course) -> bool:
    """Who may regrade a course's quizzes, override its grades and read their history.

    The one place that says it: the pages, the API and the services all ask here.
    """
    return is_course_instructor(user=user, course=course)


def require_grade_manager(*, user: User | AnonymousUser, course: Course) -> None:
    if not may_manage_grades(user=user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can change its grades.", code="not_instructor"
        )


def current_version(question: Question) -> Question:
    """The question's current version: this row, or the latest that replaced it."""
    seen = {question.pk}
    while not question.is_current:
        later = Question.objects.filter(previous=question).first()
        if later is None or later.pk in seen:  # no later row: this one is the latest
            break
        seen.add(later.pk)
        question = later
    return question


def earlier_version_ids(question: Question) -> list[int]:
    """The ids of the versions this question replaced, newest first (its `previous` chain)."""
    ids: list[int] = []
    previous_id = question.previous_id
    while previous_id is not None and previous_id not in ids and previous_id != question.pk:
        ids.append(previous_id)
        previous_id = Question.objects.filter(pk=previous_id).values_list("previous_id", flat=True)[
            0
        ]
    return ids


def quiz_asked_question_ids(*, quiz: Quiz) -> set[int]:
    """Every question version the quiz's regradable attempts were asked."""
    return set(
        AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__state__in=REGRADABLE_STATES)
        .values_list("question_id", flat=True)
        .distinct()
    )


def _affected(*, quiz: Quiz, question_ids: set[int]) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        quiz=quiz,
        state__in=REGRADABLE_STATES,
        pk__in=AttemptQuestion.objects.filter(question_id__in=question_ids).values("attempt_id"),
    )


def regrade_attempt_ids(
    *, quiz: Quiz, question_ids: set[int], after_id: int = 0, limit: int
) -> list[int]:
    """The next `limit` attempts (by id, after `after_id`) that were asked these questions."""
    return list(
        _affected(quiz=quiz, question_ids=question_ids)
        .filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def regrade_attempts_count(
    *, quiz: Quiz, question_ids: set[int], up_to_id: int | None = None
) -> int:
    attempts = _affected(quiz=quiz, question_ids=question_ids)
    if up_to_id is not None:
        attempts = attempts.filter(pk__lte=up_to_id)
    return attempts.count()


def attempts_not_yet_regradable(*, quiz: Quiz, question_ids: set[int]) -> int:
    """Attempts asked these questions that are in progress or being graded: a regrade leaves
    them to be graded against the version they were asked."""
    return (
        Attempt.objects.filter(quiz=quiz)
        .exclude(state__in=REGRADABLE_STATES)
        .filter(
            pk__in=AttemptQuestion.objects.filter(question_id__in=question_ids).values("attempt_id")
        )
        .count()
    )


def attempts_for_regrade(attempt_ids: list[int]) -> list[Attempt]:
    """These attempts with their learner and quiz, locked in id order (the grading pass and
    hand grading lock attempts too: a regrade waits for them, and they for it)."""
    return list(
        Attempt.objects.select_for_update(of=("self",))
        .select_related("user", "quiz__module")
        .filter(pk__in=attempt_ids, state__in=REGRADABLE_STATES)
        .order_by("pk")
    )


def attempt_items(attempt_ids: list[int]) -> dict[int, list[AttemptQuestion]]:
    """Each attempt's questions in order, with the version each was asked."""
    items: dict[int, list[AttemptQuestion]] = {attempt_id: [] for attempt_id in attempt_ids}
    for item in (
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
        .select_related("question")
        .order_by("attempt_id", "position")
    ):
        items[item.attempt_id].append(item)
    return items


def overridden(attempt_ids: list[int]) -> set[tuple[int, int | None]]:
    """(attempt, question or None for the total) whose latest history row is an override:
    an instructor's decision that a regrade keeps. A total made from a question's override
    (the same moment as that question's row) is not one: it follows the questions."""
    latest: dict[tuple[int, int | None], tuple[str, datetime]] = {}
    question_overrides: set[tuple[int, datetime]] = set()
    for attempt_id, question_id, kind, at in (
        GradeChange.objects.filter(attempt_id__in=attempt_ids)
        .order_by("id")
        .values_list("attempt_id", "question_id", "kind", "changed_at")
    ):
        latest[attempt_id, question_id] = (kind, at)
        if question_id is not None and kind == GradeChange.Kind.OVERRIDE:
            question_overrides.add((attempt_id, at))
    return {
        (attempt_id, question_id)
        for (attempt_id, question_id), (kind, at) in latest.items()
        if kind == GradeChange.Kind.OVERRIDE
        and (question_id is not None or (attempt_id, at) not in question_overrides)
    }


def regrade_jobs_stuck(*, older_than: datetime) -> list[int]:
    """Jobs waiting since before `older_than`, failed before it with runs left, or abandoned
    mid-run: their message was lost or their run stopped."""
    return list(
        RegradeJob.objects.filter(
            Q(status=RegradeJob.Status.PENDING, created_at__lt=older_than)
            | Q(
                status=RegradeJob.Status.FAILED,
                runs__lt=REGRADE_MAX_RUNS,
                updated_at__lt=older_than,
            )
            | Q(
                status=RegradeJob.Status.RUNNING,
                updated_at__lt=timezone.now() - REGRADE_STALE_AFTER,
            )
        ).values_list("id", flat=True)
    )


def regrade_job_for(*, user: User | AnonymousUser, job_id: int) -> RegradeJob:
    """The job, for those who may manage its course's grades; not found for anyone else."""
    job = (
        RegradeJob.objects.select_related("quiz__module__course", "question", "requested_by")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not may_manage_grades(user=user, course=job.quiz.module.course):
        raise NotFound("No such regrade.")
    return job


@dataclass(frozen=True)
class Shortfall:
    """A learner a regrade took below the pass mark, and what they already hold."""

    user: User
    attempt_id: int
    module_status: str
    completed: bool
    certificate_issued: bool

    @property
    def module_status_label(self) -> str:
        return str(ModuleProgress.Status(self.module_status).label)


def regrade_shortfalls(*, job: RegradeJob) -> list[Shortfall]:
    """Learners whose attempt this regrade moved from pass to fail and whose module is no
    longer passed, with whether their course is complete and a certificate issued: the
    regrade revokes nothing, the instructor decides."""
    flipped = (
        GradeChange.objects.filter(
            regrade_job=job, question__isnull=True, old_passed=True, new_passed=False
        )
        .select_related("attempt__user")
        .order_by("attempt__user__full_name", "attempt_id")
    )
    by_user = {change.attempt.user_id: change for change in flipped}
    if not by_user:
        return []
    module = job.quiz.module
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.filter(course_id=module.course_id, user_id__in=by_user)
    }
    statuses = dict(
        ModuleProgress.objects.filter(
            module=module, enrolment__in=list(enrolments.values())
        ).values_list("enrolment__user_id", "status")
    )
    certified = set(
        Certificate.objects.filter(enrolment__in=list(enrolments.values()))
        .exclude(status=Certificate.Status.REVOKED)
        .values_list("enrolment__user_id", flat=True)
    )
    shortfalls = []
    for user_id, change in by_user.items():
        status = statuses.get(user_id, ModuleProgress.Status.NOT_STARTED)
        if status == ModuleProgress.Status.PASSED:
            continue  # another attempt still passes the module
        enrolment = enrolments.get(user_id)
        shortfalls.append(
            Shortfall(
                user=change.attempt.user,
                attempt_id=change.attempt_id,
                module_status=status,
                completed=enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED,
                certificate_issued=user_id in certified,
            )
        )
    return shortfalls


@dataclass(frozen=True)
class RegradeOutcome:
    attempts_changed: int
    passed_now: int  # attempts moved from fail to pass
    failed_now: int  # attempts moved from pass to fail


def regrade_outcome(*, job: RegradeJob) -> RegradeOutcome:
    """What the job changed, from its history rows."""
    totals = GradeChange.objects.filter(regrade_job=job)
    return RegradeOutcome(
        attempts_changed=totals.values("attempt_id").distinct().count(),
        passed_now=totals.filter(question__isnull=True, old_passed=False, new_passed=True).count(),
        failed_now=totals.filter(question__isnull=True, old_passed=True, new_passed=False).count(),
    )


def attempt_for_grade_manager(*, user: User | AnonymousUser, attempt_id: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("user", "quiz__module__course").filter(pk=attempt_id).first()
    )
    if attempt is None or not may_manage_grades(user=user, course=attempt.quiz.module.course):
        raise NotFound("No such attempt.")
    return attempt


def grade_history(*, attempt: Attempt) -> QuerySet[GradeChange]:
    """The attempt's grade history, oldest first."""
    return attempt.grade_changes.select_related("question", "changed_by").order_by("id")
