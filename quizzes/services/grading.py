"""Grading: submitted attempts scored in batched passes, essays scored by hand; progress follows."""

import json
import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment
from courses.services.progress import modules_progress_refresh
from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from lms.updates import save_grouped, update_grouped
from quizzes import sql as attempt_sql
from quizzes.models import Attempt, AttemptQuestion, GradeChange, Question
from quizzes.scoring import AnswerKey, grade_response, parse_number
from quizzes.selectors.access import is_course_staff
from quizzes.selectors.grading import GradingItem, answer_keys, items_to_grade
from quizzes.services.grade_history import (
    AttemptGrade,
    attempt_change,
    changes_write,
    question_change,
)
from quizzes.services.responses import MAX_ESSAY

logger = logging.getLogger(__name__)


# At most this many waiting attempts are graded in one pass (`attempts_grade_waiting`).
GRADING_BATCH = 50


ATTEMPT_GRADE_FIELDS = ["score", "max_score", "percent", "passed", "state", "graded_at"]

# (score, fraction) of one question: (None, None) when an instructor scores it.
ItemScore = tuple[Decimal | None, Decimal | None]
# What a question's score depends on: (question id, points, options JSON, response JSON).
AnswerSeen = tuple[int, Decimal, str, str | None]


def item_score(
    item: GradingItem, keys: dict[int, list[AnswerKey]], seen: dict[AnswerSeen, ItemScore]
) -> ItemScore:
    """(score, fraction) of one question; (None, None) for a description or an answered essay
    (an instructor scores it).

    A score depends only on the question, its points, the options shown and the response, and
    a cohort's learners give the same few answers: `seen` keeps the pass's scores by those, so
    each distinct answer is decoded and scored once. PostgreSQL prints JSON in one form, so the
    same answer is the same text.
    """
    answer = (item.question_id, item.points, item.options_json, item.response_json)
    if answer not in seen:
        seen[answer] = _answer_score(item, keys)
    return seen[answer]


def _answer_score(item: GradingItem, keys: dict[int, list[AnswerKey]]) -> ItemScore:
    response = json.loads(item.response_json) if item.response_json is not None else None
    if item.type == Question.Type.ESSAY:
        if (response or {}).get("text", "").strip():
            return None, None
        return Decimal("0.00"), Decimal("0")  # nothing to read
    result = grade_response(
        question_type=item.type,
        answers=keys.get(item.question_id, []),
        response=response,
        points=item.points,
        case_sensitive=item.case_sensitive,
        options=json.loads(item.options_json) if item.type == Question.Type.MATCHING else [],
    )
    return (result.score, result.fraction) if result else (None, None)


def attempt_totals(attempt: Attempt, scored: list[tuple[Decimal | None, Decimal]]) -> None:
    """Total, percent, pass or fail from (score, points) per question."""
    total = sum((score or Decimal("0") for score, _ in scored), Decimal("0"))
    max_total = sum((points for _, points in scored), Decimal("0"))
    attempt.score = total
    attempt.max_score = max_total
    attempt_percent_set(attempt)


def attempt_percent_set(attempt: Attempt) -> None:
    """Percent and pass or fail from the attempt's score and maximum."""
    total, max_total = attempt.score or Decimal("0"), attempt.max_score or Decimal("0")
    percent = (total / max_total * 100).quantize(Decimal("0.01")) if max_total else Decimal("0")
    attempt.percent = percent
    attempt.passed = percent >= attempt.quiz.pass_mark_percent


def _attempt_totals(
    attempt: Attempt, scored: list[tuple[Decimal | None, Decimal]], now: datetime
) -> None:
    """Total, percent, pass or fail from (score, points) per question; the attempt is graded."""
    attempt_totals(attempt, scored)
    attempt.state = Attempt.State.GRADED
    attempt.graded_at = now


def _progress_after_grading(attempts: list[Attempt]) -> None:
    """The learners' module progress follows their graded attempts (by the grading method)."""
    if not attempts:
        return
    # Enrolments are locked before progress rows, as every writer of progress does.
    enrolments = {
        (e.user_id, e.course_id): e
        for e in Enrolment.objects.select_for_update()
        .filter(
            user_id__in={a.user_id for a in attempts},
            course_id__in={a.quiz.module.course_id for a in attempts},
        )
        .order_by("pk")
    }
    pairs = {}
    for attempt in attempts:
        module = attempt.quiz.module
        enrolment = enrolments.get((attempt.user_id, module.course_id))
        if enrolment is not None:  # unenrolled since: the attempt is graded, no progress kept
            pairs[enrolment.pk, module.pk] = (enrolment, module)
    if pairs:
        modules_progress_refresh(pairs=list(pairs.values()))


def _attempts_grade(attempts: list[Attempt]) -> set[int]:
    """Score, total and mark graded these locked, submitted attempts, then update progress.

    The same dozen queries for one attempt or a batch of them. Answered essays wait for an
    instructor: such an attempt goes to `needs_review` with every other question scored.
    An attempt whose scoring fails in a batch is left out (and logged) so that it cannot hold
    back the others; its own task grades it alone and reports the error. Returns the ids of
    the attempts graded or sent to review.
    """
    if not attempts:
        return set()
    items = items_to_grade([a.pk for a in attempts])
    keys = answer_keys({i.question_id for rows in items.values() for i in rows})

    now = timezone.now()
    done: list[Attempt] = []
    scored_items: list[GradingItem] = []
    scores: list[ItemScore] = []
    seen: dict[AnswerSeen, ItemScore] = {}
    history: list[GradeChange | None] = []
    for attempt in attempts:
        old = AttemptGrade.of(attempt)
        try:
            scored = [item_score(item, keys, seen) for item in items[attempt.pk]]
        except Exception:
            if len(attempts) == 1:
                raise
            logger.exception("Attempt %s could not be graded with others", attempt.pk)
            continue
        paired = list(zip(items[attempt.pk], scored, strict=True))
        if any(score is None and item.type == Question.Type.ESSAY for item, (score, _) in paired):
            attempt.state = Attempt.State.NEEDS_REVIEW
        else:
            _attempt_totals(attempt, [(score, item.points) for item, (score, _) in paired], now)
            history.append(attempt_change(attempt, old, kind=GradeChange.Kind.GRADING))
        done.append(attempt)
        scored_items += items[attempt.pk]
        scores += scored
    update_grouped(
        AttemptQuestion,
        ["score", "fraction"],
        ((item.id, score) for item, score in zip(scored_items, scores, strict=True)),
        where=Q(attempt_id__in=[a.pk for a in done]),  # every question of these attempts
    )
    save_grouped(done, ATTEMPT_GRADE_FIELDS)
    changes_write(history)  # the attempts' first grades; their questions' scores are on them
    _progress_after_grading([a for a in done if a.state == Attempt.State.GRADED])
    return {a.pk for a in done}


def _locked_for_grading(*, skip_locked: bool = False) -> QuerySet[Attempt]:
    # Only the attempt rows are locked: a join would also lock the quiz and module, and every
    # worker grading that quiz would queue behind the first.
    return Attempt.objects.select_for_update(of=("self",), skip_locked=skip_locked).select_related(
        "quiz__module"
    )


@transaction.atomic
def attempt_grade(*, attempt_id: int) -> Attempt | None:
    """Grade a submitted attempt and update the learner's progress. Safe to run twice.

    Waits for a worker that holds the attempt. Answered essays wait for an instructor: the
    attempt goes to `needs_review`, and `attempt_question_grade` finishes it.
    """
    attempt = _locked_for_grading().filter(pk=attempt_id).first()
    if attempt is None or attempt.state != Attempt.State.SUBMITTED:
        return attempt  # gone, not yet submitted, or graded already: nothing to do
    _attempts_grade([attempt])
    return attempt


# What a pass reads and writes of the attempts it claims, their quiz and module; the rest of
# their columns (settings, texts, dates) would be decoded for fifty rows at a time for nothing.
_PASS_COLUMNS = (
    "user",
    *ATTEMPT_GRADE_FIELDS,
    "quiz__pass_mark_percent",
    "quiz__module__course",
    "quiz__module__required",
)


def attempts_grade_waiting(*, attempt_id: int, limit: int = GRADING_BATCH) -> None:
    """Grade this attempt together with other submitted attempts still waiting for a worker.

    At the end of a timed quiz a whole cohort submits within seconds; graded together, fifty
    attempts cost about the queries of one. Every attempt's own task still runs: it finds its
    attempt graded by an earlier pass, or takes it into its own pass, or, when another
    worker's pass holds it, waits for that pass (`attempt_grade`). No task ends before its
    own attempt is graded.
    """
    if attempt_sql.attempt_state(attempt_id) != Attempt.State.SUBMITTED:
        return  # graded by an earlier pass (or by hand, or gone): the common case under load
    try:
        with transaction.atomic():
            batch = list(
                _locked_for_grading(skip_locked=True)
                .filter(Q(pk=attempt_id) | Q(state=Attempt.State.SUBMITTED))
                .order_by("submitted_at", "pk")
                .only(*_PASS_COLUMNS)[:limit]
            )
            graded = _attempts_grade([a for a in batch if a.state == Attempt.State.SUBMITTED])
    except Exception:
        # Whatever failed the pass (another attempt's data, a deadlock) must not hold back
        # this task's own attempt: it is graded alone below, and fails alone if it must.
        logger.exception("Grading pass with attempt %s failed; grading it alone", attempt_id)
        batch, graded = [], set()
    own = next((a for a in batch if a.pk == attempt_id), None)
    if own is None or (own.pk not in graded and own.state == Attempt.State.SUBMITTED):
        attempt_grade(attempt_id=attempt_id)


@transaction.atomic
def attempt_question_grade(
    *, grader: User, attempt_id: int, question_id: int, score: object, comment: str = ""
) -> Attempt:
    """An instructor or teaching assistant of the course scores one essay and comments on it.

    When no essay of the attempt is left unscored the attempt is graded and the learner's
    progress follows. Scoring a graded attempt's essay again regrades it.
    """
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz__module__course")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not is_course_staff(user=grader, course=attempt.quiz.course):
        raise NotFound("No such attempt.")
    if attempt.user_id == grader.pk and not grader.is_staff:
        # An instructor taking their own course is a learner there: someone else grades them.
        raise PermissionDenied(
            "You cannot grade your own attempt; another instructor must.", code="own_attempt"
        )
    if attempt.state not in (Attempt.State.NEEDS_REVIEW, Attempt.State.GRADED):
        raise Conflict(
            "This attempt is not ready for grading by hand yet.", code="attempt_not_ready"
        )
    items = list(attempt.questions.select_related("question"))
    item = next((i for i in items if i.question_id == question_id), None)
    if item is None:
        raise NotFound("That question is not part of this attempt.", code="question_not_in_attempt")
    if not item.question.is_graded_by_hand:
        raise ApplicationError(
            "Only essays are graded by hand; this question is graded automatically.",
            code="not_graded_by_hand",
            details={"question_id": question_id},
        )
    value = parse_number(score)
    if value is None or not Decimal("0") <= value <= item.points:
        raise ApplicationError(
            f"The score is a number from 0 to {item.points.normalize():f}.",
            code="invalid_score",
            details={"question_id": question_id, "max": str(item.points)},
        )
    if not isinstance(comment, str) or len(comment) > MAX_ESSAY:
        raise ApplicationError("The comment is text of at most 20,000 characters.")
    now = timezone.now()
    old_score, old = item.score, AttemptGrade.of(attempt)
    item.score = value.quantize(Decimal("0.01"))
    item.fraction = (value / item.points).quantize(Decimal("0.00001")) if item.points else None
    item.comment = comment
    item.graded_by = grader
    item.graded_by_hand_at = now
    item.save(update_fields=["score", "fraction", "comment", "graded_by", "graded_by_hand_at"])
    kind = GradeChange.Kind.HAND_GRADING
    history = [question_change(item, old_score, kind=kind, by=grader)]
    if any(i.score is None and i.question.takes_answer for i in items):
        changes_write(history)
        return attempt
    _attempt_totals(attempt, [(i.score, i.points) for i in items], now)
    attempt.save(update_fields=ATTEMPT_GRADE_FIELDS)
    history.append(attempt_change(attempt, old, kind=kind, by=grader))
    changes_write(history)
    _progress_after_grading([attempt])
    return attempt
