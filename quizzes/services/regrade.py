"""Regrading: after an instructor fixes a key or a question's points, the quiz's attempts are
scored again against the current version of each question.

A dry run (`regrade_preview`) lists whose grades would change and writes nothing; a confirmed
regrade (`regrade_request`) is a `RegradeJob` that a worker on the grading queue runs in
batches (`regrade_job_run`), resumable from the row. Both plan each batch with the same code
(`_plan`), which scores with the grading pass's own rules (`item_score`, `attempt_totals`).

An attempt asked an earlier version of a question is moved to the current one: its question
row points at the current version, its frozen choice ids are mapped by position. Essays keep
the score an instructor gave; a score whose latest change was an override is kept. Module
progress follows; certificates already issued are never revoked (completion is final), and
the learners who now fall short are listed for the instructor (`regrade_shortfalls`).
"""

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from lms.errors import ApplicationError, NotFound, validate_model
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    GradeChange,
    Question,
    Quiz,
    QuizSlot,
    RegradeJob,
)
from quizzes.selectors import regrade as regrade_selectors
from quizzes.selectors.grading import GradingItem, answer_keys
from quizzes.services.grade_history import (
    AttemptGrade,
    attempt_change,
    changes_write,
    question_change,
)
from quizzes.services.grading import (
    AnswerSeen,
    ItemScore,
    _progress_after_grading,
    attempt_totals,
    item_score,
)
from tasks.enqueue import RUN_REGRADE_JOB, enqueue

logger = logging.getLogger(__name__)

# Attempts regraded per transaction: each batch commits its scores, history, progress and the
# job's progress together, so a killed worker's next run goes on from the last batch.
REGRADE_BATCH = 100

_ITEM_FIELDS = ["question", "points", "choice_order", "response", "score", "fraction"]
_ATTEMPT_FIELDS = ["score", "max_score", "percent", "passed"]


@dataclass(frozen=True)
class Target:
    """What a regrade scores against: each asked version's current version, the points the
    quiz gives that version now, and how earlier versions' choice ids map onto it."""

    current: dict[int, Question]  # asked version id -> current version
    points: dict[int, Decimal | None]  # current version id -> its fixed slot's points
    choice_map: dict[int, int]  # earlier version's choice id -> current version's, by position
    current_choices: dict[int, list[int]]  # current version id -> its choice ids in order

    @property
    def asked_ids(self) -> set[int]:
        return set(self.current)


def _target(*, quiz: Quiz, question: Question | None) -> Target:
    """The versions a regrade of the quiz (or of one of its questions) covers."""
    if question is not None:
        latest = regrade_selectors.current_version(question)
        asked = {latest.pk, *regrade_selectors.earlier_version_ids(latest)}
        current = {version_id: latest for version_id in asked}
    else:
        current = {}
        by_pk = Question.objects.in_bulk(regrade_selectors.quiz_asked_question_ids(quiz=quiz))
        for version in by_pk.values():
            current[version.pk] = regrade_selectors.current_version(version)
    latest_ids = {q.pk for q in current.values()}
    points: dict[int, Decimal | None] = {}
    for question_id, slot_points in QuizSlot.objects.filter(
        quiz=quiz, question_id__in=latest_ids
    ).values_list("question_id", "points"):
        points[question_id] = slot_points
    positions: dict[int, dict[int, int]] = {}  # question id -> position -> choice id
    for choice_id, question_id, position in Choice.objects.filter(
        question_id__in=set(current) | latest_ids
    ).values_list("id", "question_id", "position"):
        positions.setdefault(question_id, {})[position] = choice_id
    choice_map: dict[int, int] = {}
    for asked_id, latest in current.items():
        if asked_id == latest.pk:
            continue
        new = positions.get(latest.pk, {})
        for position, choice_id in positions.get(asked_id, {}).items():
            if position in new:
                choice_map[choice_id] = new[position]
    current_choices = {
        question_id: [by_position[p] for p in sorted(by_position)]
        for question_id, by_position in positions.items()
        if question_id in latest_ids
    }
    return Target(current, points, choice_map, current_choices)


@dataclass
class ItemPlan:
    """One question of an attempt as the regrade leaves it."""

    item: AttemptQuestion
    old_score: Decimal | None
    question: Question
    points: Decimal
    choice_order: list[int]
    response: object
    score: Decimal | None
    fraction: Decimal | None

    @property
    def changed(self) -> bool:
        item = self.item
        return (
            item.question_id != self.question.pk
            or item.points != self.points
            or item.choice_order != self.choice_order
            or item.response != self.response
            or item.score != self.score
            or item.fraction != self.fraction
        )


@dataclass
class AttemptPlan:
    attempt: Attempt
    old: AttemptGrade
    new: AttemptGrade
    new_max: Decimal | None
    items: list[ItemPlan] = field(default_factory=list)
    total_kept: bool = False  # the total was overridden: the regrade keeps it

    @property
    def score_changes(self) -> list[ItemPlan]:
        return [p for p in self.items if p.old_score != p.score]

    @property
    def changed(self) -> bool:
        return self.new != self.old or bool(self.score_changes)


def _mapped_ids(ids: object, choice_map: dict[int, int]) -> list[int]:
    if not isinstance(ids, list):
        return []
    return [choice_map[i] for i in ids if isinstance(i, int) and i in choice_map]


def _moved_to(item: AttemptQuestion, latest: Question, target: Target) -> tuple[list[int], object]:
    """The item's choice order and response in the current version's choice ids."""
    if item.question_id == latest.pk:
        return item.choice_order, item.response
    order = _mapped_ids(item.choice_order, target.choice_map)
    # Choices the new version added were never shown; they follow, so the review lists them.
    order += [c for c in target.current_choices.get(latest.pk, []) if c not in order]
    response = item.response
    if isinstance(response, dict) and "choice_ids" in response:
        response = {
            **response,
            "choice_ids": _mapped_ids(response["choice_ids"], target.choice_map),
        }
    elif isinstance(response, dict) and isinstance(response.get("matches"), dict):
        matches = {}
        for prompt, option in response["matches"].items():
            if str(prompt).isdecimal() and int(prompt) in target.choice_map:
                matches[str(target.choice_map[int(prompt)])] = option
        response = {**response, "matches": matches}
    return order, response


def _new_points(item: AttemptQuestion, latest: Question, target: Target) -> Decimal:
    """The points the quiz gives the current version: its fixed slot's, or its default. A
    question drawn at random (no fixed slot) keeps the points it was asked for."""
    if not latest.takes_answer:
        return Decimal("0")
    if latest.pk not in target.points:
        return item.points
    slot_points = target.points[latest.pk]
    return slot_points if slot_points is not None else latest.default_points


def _plan(attempts: list[Attempt], target: Target) -> list[AttemptPlan]:
    """How each attempt's questions and total come out against the target; nothing written."""
    ids = [a.pk for a in attempts]
    items = regrade_selectors.attempt_items(ids)
    kept = regrade_selectors.overridden(ids)
    keys = answer_keys({q.pk for q in target.current.values()})
    seen: dict[AnswerSeen, ItemScore] = {}
    plans = []
    for attempt in attempts:
        old = AttemptGrade.of(attempt)
        plan = AttemptPlan(attempt, old, old, attempt.max_score)
        for item in items[attempt.pk]:
            latest = target.current.get(item.question_id)
            if latest is None or latest.type != item.question.type:
                # Not regraded: another question, or a version of another type.
                plan.items.append(
                    ItemPlan(
                        item,
                        item.score,
                        item.question,
                        item.points,
                        item.choice_order,
                        item.response,
                        item.score,
                        item.fraction,
                    )
                )
                continue
            order, response = _moved_to(item, latest, target)
            points = _new_points(item, latest, target)
            if latest.type == Question.Type.ESSAY or (attempt.pk, item.question_id) in kept:
                # An instructor's score stands, within the points the question now has.
                score = None if item.score is None else min(item.score, points)
                fraction = (
                    (score / points).quantize(Decimal("0.00001"))
                    if score is not None and points
                    else item.fraction
                )
            else:
                score, fraction = item_score(
                    GradingItem(
                        id=item.pk,
                        attempt_id=attempt.pk,
                        question_id=latest.pk,
                        type=latest.type,
                        case_sensitive=latest.case_sensitive,
                        points=points,
                        options_json=json.dumps(item.options),
                        response_json=None if response is None else json.dumps(response),
                    ),
                    keys,
                    seen,
                )
            plan.items.append(
                ItemPlan(item, item.score, latest, points, order, response, score, fraction)
            )
        if (attempt.pk, None) in kept:
            plan.total_kept = True
        elif attempt.state == Attempt.State.GRADED:
            totals = Attempt(quiz=attempt.quiz)
            attempt_totals(totals, [(p.score, p.points) for p in plan.items])
            plan.new = AttemptGrade.of(totals)
            plan.new_max = totals.max_score
        plans.append(plan)
    return plans


# --- the dry run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    attempt: Attempt
    old: AttemptGrade
    new: AttemptGrade
    questions_changed: int
    total_kept: bool

    @property
    def flip(self) -> str:
        """ "pass_to_fail", "fail_to_pass" or "" (pass or fail unchanged)."""
        if self.old.passed is True and self.new.passed is False:
            return "pass_to_fail"
        if self.old.passed is False and self.new.passed is True:
            return "fail_to_pass"
        return ""


@dataclass(frozen=True)
class RegradePreview:
    quiz: Quiz
    question: Question | None
    checked: int  # attempts scored again
    rows: list[PreviewRow]  # those whose grade would change
    not_yet_graded: int  # in progress or being graded: left to the grader

    @property
    def flips(self) -> int:
        return sum(1 for row in self.rows if row.flip)


def _regrade_scope(*, actor: User, quiz: Quiz, question_id: int | None) -> Question | None:
    regrade_selectors.require_grade_manager(user=actor, course=quiz.module.course)
    if question_id is None:
        return None
    question = Question.objects.filter(pk=question_id).first()
    asked = regrade_selectors.quiz_asked_question_ids(quiz=quiz)
    in_quiz = question is not None and (
        quiz.slots.filter(question=question).exists()
        or bool({question.pk, *regrade_selectors.earlier_version_ids(question)} & asked)
    )
    if question is None or not in_quiz:
        raise NotFound("That question is not in this quiz.", code="question_not_in_quiz")
    return regrade_selectors.current_version(question)


def regrade_preview(*, actor: User, quiz: Quiz, question_id: int | None = None) -> RegradePreview:
    """Whose grades a regrade of the quiz (or of one question) would change; writes nothing."""
    question = _regrade_scope(actor=actor, quiz=quiz, question_id=question_id)
    target = _target(quiz=quiz, question=question)
    rows: list[PreviewRow] = []
    checked, after = 0, 0
    while True:
        ids = regrade_selectors.regrade_attempt_ids(
            quiz=quiz, question_ids=target.asked_ids, after_id=after, limit=REGRADE_BATCH
        )
        if not ids:
            break
        attempts = list(
            Attempt.objects.select_related("user", "quiz__module").filter(pk__in=ids).order_by("pk")
        )
        for plan in _plan(attempts, target):
            if plan.changed:
                rows.append(
                    PreviewRow(
                        plan.attempt, plan.old, plan.new, len(plan.score_changes), plan.total_kept
                    )
                )
        checked += len(ids)
        after = ids[-1]
    waiting = regrade_selectors.attempts_not_yet_regradable(
        quiz=quiz, question_ids=target.asked_ids
    )
    return RegradePreview(quiz, question, checked, rows, waiting)


# --- the job --------------------------------------------------------------------------------


@transaction.atomic
def regrade_request(
    *, actor: User, quiz: Quiz, question_id: int | None = None, reason: str = ""
) -> RegradeJob:
    """Confirm a regrade: a job row, and its task on the grading queue once this commits."""
    question = _regrade_scope(actor=actor, quiz=quiz, question_id=question_id)
    if not isinstance(reason, str):
        raise ApplicationError("The reason is text.", code="invalid_reason")
    job = RegradeJob(quiz=quiz, question=question, requested_by=actor, reason=reason.strip())
    validate_model(job)
    job.save()
    audit_record(
        action=AuditAction.REGRADED,
        target=f"{quiz.title}" + (f", question “{question.name}”" if question else ""),
        actor=actor,
        reason=job.reason,
        details={"regrade_job_id": job.pk, "quiz_id": quiz.pk},
    )
    enqueue(RUN_REGRADE_JOB, job.pk)
    return job


def _apply(plans: list[AttemptPlan], job: RegradeJob) -> None:
    """Write what the plans changed: questions, totals, history, and progress after them."""
    items = [p for plan in plans for p in plan.items if p.changed]
    for p in items:
        p.item.question = p.question
        p.item.points = p.points
        p.item.choice_order = p.choice_order
        p.item.response = p.response
        p.item.score = p.score
        p.item.fraction = p.fraction
    AttemptQuestion.objects.bulk_update([p.item for p in items], _ITEM_FIELDS)
    reason = job.reason or "Regraded after a change to the key or the points."
    changes: list[GradeChange | None] = []
    totals_changed = []
    for plan in plans:
        for p in plan.score_changes:
            changes.append(
                question_change(
                    p.item,
                    p.old_score,
                    kind=GradeChange.Kind.REGRADE,
                    by=job.requested_by,
                    reason=reason,
                    job=job,
                )
            )
        if plan.new != plan.old:
            attempt = plan.attempt
            attempt.score, attempt.percent, attempt.passed = plan.new
            attempt.max_score = plan.new_max
            totals_changed.append(attempt)
            changes.append(
                attempt_change(
                    attempt,
                    plan.old,
                    kind=GradeChange.Kind.REGRADE,
                    by=job.requested_by,
                    reason=reason,
                    job=job,
                )
            )
    Attempt.objects.bulk_update(totals_changed, _ATTEMPT_FIELDS)
    changes_write(changes)
    _progress_after_grading(totals_changed)


def _claim(job_id: int) -> int | None:
    """Claim the job for this run (waiting, failed, or running but abandoned): the run's
    number, or None when it is done or another run holds it."""
    now = timezone.now()
    claimable = (
        Q(status=RegradeJob.Status.PENDING)
        | Q(status=RegradeJob.Status.FAILED, runs__lt=regrade_selectors.REGRADE_MAX_RUNS)
        | Q(
            status=RegradeJob.Status.RUNNING,
            updated_at__lt=now - regrade_selectors.REGRADE_STALE_AFTER,
        )
    )
    claimed = RegradeJob.objects.filter(claimable, pk=job_id).update(
        status=RegradeJob.Status.RUNNING, runs=F("runs") + 1, error="", updated_at=now
    )
    if claimed != 1:
        return None
    return RegradeJob.objects.values_list("runs", flat=True).get(pk=job_id)


def regrade_job_run(*, job_id: int) -> RegradeJob | None:
    """Regrade every attempt the job covers, a batch per transaction. Safe to run twice: a
    run goes on from the last batch committed, and scoring an attempt again that already has
    its new grade changes nothing and writes no history."""
    run = _claim(job_id)
    if run is None:
        return RegradeJob.objects.filter(pk=job_id).first()
    job = RegradeJob.objects.select_related("quiz__module", "question", "requested_by").get(
        pk=job_id
    )
    try:
        target = _target(quiz=job.quiz, question=job.question)
        asked = target.asked_ids
        RegradeJob.objects.filter(pk=job_id, runs=run).update(
            total=regrade_selectors.regrade_attempts_count(quiz=job.quiz, question_ids=asked),
            done=regrade_selectors.regrade_attempts_count(
                quiz=job.quiz, question_ids=asked, up_to_id=job.last_attempt_id
            ),
        )
        while _batch_regrade(job, run, target):
            pass
    except Exception as exc:
        RegradeJob.objects.filter(pk=job_id, runs=run).update(
            status=RegradeJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    RegradeJob.objects.filter(pk=job_id, runs=run, status=RegradeJob.Status.RUNNING).update(
        status=RegradeJob.Status.DONE, finished_at=timezone.now(), updated_at=timezone.now()
    )
    return RegradeJob.objects.get(pk=job_id)


@transaction.atomic
def _batch_regrade(job: RegradeJob, run: int, target: Target) -> bool:
    """Regrade the next batch; False when none is left or another run took the job over."""
    after = RegradeJob.objects.values_list("last_attempt_id", flat=True).get(pk=job.pk)
    ids = regrade_selectors.regrade_attempt_ids(
        quiz=job.quiz, question_ids=target.asked_ids, after_id=after, limit=REGRADE_BATCH
    )
    if not ids:
        return False
    _apply(_plan(regrade_selectors.attempts_for_regrade(ids), target), job)
    # Also the heartbeat: `updated_at` moving tells the sweeper this run is alive.
    held = RegradeJob.objects.filter(pk=job.pk, runs=run).update(
        done=F("done") + len(ids), last_attempt_id=ids[-1], updated_at=timezone.now()
    )
    if held != 1:
        transaction.set_rollback(True)  # another run holds the job: its writes are the ones kept
        return False
    return True
