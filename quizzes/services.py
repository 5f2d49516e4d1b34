"""Writes for quizzes: starting, answering, submitting and grading attempts."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from courses.models import Enrolment
from courses.services import enrolment_for, module_progress_refresh
from lms.errors import ApplicationError, Conflict, NotFound

from .grading import grade_choice_question
from .models import Attempt, AttemptQuestion, Choice, Question, Quiz

# Answers that reach the server this long after the deadline still count (network, clocks).
DEADLINE_GRACE = timedelta(seconds=30)


def _enqueue_grading(attempt_id: int) -> None:
    from tasks.grading import grade_attempt

    transaction.on_commit(lambda: grade_attempt.delay(attempt_id))


def _draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[Question, Decimal]]:
    drawn: list[tuple[Question, Decimal]] = []
    used: set[int] = set()
    for slot in quiz.slots.select_related("question", "random_category"):
        if slot.question is not None:
            question = slot.question
        else:
            candidates = list(slot.random_category.questions.exclude(id__in=used).order_by("id"))
            if not candidates:
                raise ApplicationError(
                    f"The question category “{slot.random_category}” has no question left "
                    "to draw. Ask the instructor to add questions.",
                    code="quiz_not_ready",
                )
            question = rng.choice(candidates)
        used.add(question.id)
        points = slot.points if slot.points is not None else question.default_points
        drawn.append((question, points))
    if not drawn:
        raise ApplicationError("This quiz has no questions yet.", code="quiz_not_ready")
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    return drawn


@transaction.atomic
def attempt_start(*, user, quiz: Quiz) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the learner's open one. Questions and order freeze here."""
    if not quiz.module.course.is_published:
        raise NotFound("No such quiz.")
    # Locking the enrolment serialises starts from two tabs: the attempt limit holds.
    enrolment = enrolment_for(user=user, course=quiz.module.course, lock=True)
    open_attempt = Attempt.objects.filter(
        quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        return open_attempt, False

    now = timezone.now()
    if quiz.opens_at and now < quiz.opens_at:
        raise ApplicationError("This quiz is not open yet.", code="quiz_not_open")
    if quiz.closes_at and now >= quiz.closes_at:
        raise ApplicationError("This quiz has closed.", code="quiz_closed")
    used = Attempt.objects.filter(quiz=quiz, user=user).aggregate(n=Max("number"))["n"] or 0
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise ApplicationError(
            f"You have used all {quiz.attempts_allowed} attempts at this quiz.",
            code="no_attempts_left",
        )

    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    attempt = Attempt.objects.create(quiz=quiz, user=user, number=used + 1, deadline=deadline)

    rng = random.Random()
    drawn = _draw_questions(quiz, rng)
    choice_ids: dict[int, list[int]] = {}
    for choice in Choice.objects.filter(question__in=[q for q, _ in drawn]).order_by("position"):
        choice_ids.setdefault(choice.question_id, []).append(choice.id)
    rows = []
    for position, (question, points) in enumerate(drawn, start=1):
        order = list(choice_ids.get(question.id, []))
        if quiz.shuffle_choices and question.type != Question.Type.TRUE_FALSE:
            rng.shuffle(order)
        rows.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question=question,
                points=points,
                choice_order=order,
            )
        )
    AttemptQuestion.objects.bulk_create(rows)
    module_progress_refresh(enrolment=enrolment, module=quiz.module)
    return attempt, True


def _locked_own_attempt(*, user, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None or attempt.user_id != user.pk:
        # Someone else's attempt is reported as missing: its existence is not theirs to know.
        raise NotFound("No such attempt.")
    return attempt


def _check_answerable(attempt: Attempt, now) -> None:
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise Conflict(
            "This attempt has been submitted; answers can no longer change.", code="attempt_closed"
        )
    if attempt.deadline and now > attempt.deadline + DEADLINE_GRACE:
        raise Conflict(
            "Time is up for this attempt; it is being submitted with the answers saved so far.",
            code="attempt_time_up",
        )


def _validate_response(item: AttemptQuestion, response) -> dict:
    """A response in canonical form, or a clear error. Shape: {"choice_ids": [ids]}."""
    if not isinstance(response, dict) or set(response) != {"choice_ids"}:
        raise ApplicationError(
            'A response is an object {"choice_ids": [...]}.',
            code="invalid_response",
            details={"question_id": item.question_id},
        )
    ids = response["choice_ids"]
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise ApplicationError(
            "choice_ids must be a list of choice ids.",
            code="invalid_response",
            details={"question_id": item.question_id},
        )
    ids = list(dict.fromkeys(ids))
    unknown = [i for i in ids if i not in item.choice_order]
    if unknown:
        raise ApplicationError(
            "Those choices do not belong to this question.",
            code="invalid_choice",
            details={"question_id": item.question_id, "choice_ids": unknown},
        )
    if item.question.type != Question.Type.MULTIPLE_RESPONSE and len(ids) > 1:
        raise ApplicationError(
            "Choose one answer only.",
            code="invalid_response",
            details={"question_id": item.question_id},
        )
    return {"choice_ids": ids}


def _store_response(item: AttemptQuestion, response, now) -> None:
    item.response = _validate_response(item, response) if response is not None else None
    item.responded_at = now
    item.save(update_fields=["response", "responded_at"])


@transaction.atomic
def attempt_save_response(*, user, attempt_id: int, question_id: int, response) -> AttemptQuestion:
    """Save one answer while the attempt is open. `None` clears it."""
    attempt = _locked_own_attempt(user=user, attempt_id=attempt_id)
    now = timezone.now()
    _check_answerable(attempt, now)
    item = attempt.questions.select_related("question").filter(question_id=question_id).first()
    if item is None:
        raise NotFound("That question is not part of this attempt.", code="question_not_in_attempt")
    _store_response(item, response, now)
    return item


@transaction.atomic
def attempt_submit(*, user, attempt_id: int, responses: dict[int, object] | None = None) -> Attempt:
    """Submit an attempt, optionally saving final answers first; grading runs in a worker.

    All answers are checked before any is stored: a bad one leaves the attempt as it was.
    """
    attempt = _locked_own_attempt(user=user, attempt_id=attempt_id)
    now = timezone.now()
    _check_answerable(attempt, now)
    if responses:
        items = {i.question_id: i for i in attempt.questions.select_related("question")}
        missing = [qid for qid in responses if qid not in items]
        if missing:
            raise NotFound(
                "Those questions are not part of this attempt.",
                code="question_not_in_attempt",
                details={"question_ids": missing},
            )
        checked = {
            qid: (_validate_response(items[qid], r) if r is not None else None)
            for qid, r in responses.items()
        }
        for qid, response in checked.items():
            _store_response(items[qid], response, now)
    return _mark_submitted(attempt, now, by_system=False)


def _mark_submitted(attempt: Attempt, now, *, by_system: bool) -> Attempt:
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = now
    attempt.submitted_by_system = by_system
    attempt.save(update_fields=["state", "submitted_at", "submitted_by_system"])
    _enqueue_grading(attempt.id)
    return attempt


@transaction.atomic
def attempts_submit_overdue(*, now=None) -> int:
    """Submit, with the answers saved so far, every open attempt past its deadline and grace."""
    now = now or timezone.now()
    overdue = Attempt.objects.select_for_update(skip_locked=True).filter(
        state=Attempt.State.IN_PROGRESS, deadline__lt=now - DEADLINE_GRACE
    )
    count = 0
    for attempt in overdue:
        _mark_submitted(attempt, now, by_system=True)
        count += 1
    return count


@transaction.atomic
def attempt_grade(*, attempt_id: int) -> Attempt | None:
    """Grade a submitted attempt and update the learner's progress. Safe to run twice."""
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("quiz__module")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.state != Attempt.State.SUBMITTED:
        return attempt  # gone, not yet submitted, or graded already: nothing to do

    items = list(attempt.questions.select_related("question"))
    fractions: dict[int, Decimal] = dict(
        Choice.objects.filter(question__in=[i.question_id for i in items]).values_list(
            "id", "fraction"
        )
    )
    total, max_total = Decimal("0"), Decimal("0")
    for item in items:
        chosen = (item.response or {}).get("choice_ids", [])
        result = grade_choice_question(
            question_type=item.question.type,
            fractions={cid: fractions[cid] for cid in item.choice_order if cid in fractions},
            chosen=chosen,
            points=item.points,
        )
        item.score = result.score
        total += result.score
        max_total += item.points
    AttemptQuestion.objects.bulk_update(items, ["score"])

    percent = (total / max_total * 100).quantize(Decimal("0.01")) if max_total else Decimal("0")
    attempt.score = total
    attempt.max_score = max_total
    attempt.percent = percent
    attempt.passed = percent >= attempt.quiz.pass_mark_percent
    attempt.state = Attempt.State.GRADED
    attempt.graded_at = timezone.now()
    attempt.save(update_fields=["score", "max_score", "percent", "passed", "state", "graded_at"])

    enrolment = Enrolment.objects.get(
        user_id=attempt.user_id, course_id=attempt.quiz.module.course_id
    )
    module_progress_refresh(enrolment=enrolment, module=attempt.quiz.module)
    return attempt


def attempts_stuck_in_submitted(*, older_than) -> list[int]:
    """Attempts submitted before `older_than` and still ungraded: their message was lost."""
    return list(
        Attempt.objects.filter(
            state=Attempt.State.SUBMITTED, submitted_at__lt=older_than
        ).values_list("id", flat=True)
    )
