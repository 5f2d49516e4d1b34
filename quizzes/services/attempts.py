"""Writes for attempts: start (questions drawn and frozen), answers, submit, overdue attempts."""

import random
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from courses.selectors.learning import enrolment_for
from courses.selectors.publishing import quiz_is_live, quiz_is_live_now
from courses.services.progress import module_progress_refresh
from lms.errors import ApplicationError, Conflict, NotFound
from quizzes import sql as attempt_sql
from quizzes.models import Attempt, AttemptQuestion, Choice, Question, Quiz
from quizzes.selectors import bank as bank_selectors
from quizzes.selectors.quiz_settings import quiz_settings_for
from quizzes.services.responses import validate_response
from tasks.enqueue import GRADE_ATTEMPT, enqueue

# Answers that reach the server this long after the deadline still count (network, clocks).
DEADLINE_GRACE = timedelta(seconds=30)


def draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[Question, Decimal]]:
    """The quiz's questions for one attempt, with their points, in slot order (then shuffled
    if the quiz says so).

    A random slot draws its count from the current questions of its category and the
    subcategories, each question at most once per attempt: never one a fixed slot of the
    quiz holds, nor one an earlier random slot drew. Candidates are ordered by id, so one
    seed always draws the same questions.
    """
    slots = list(quiz.slots.select_related("question", "random_category").order_by("position"))
    used: set[int] = {s.question_id for s in slots if s.question_id is not None}
    drawn: list[tuple[Question, Decimal]] = []
    for slot in slots:
        if slot.question is not None:
            questions = [slot.question]
        else:
            assert slot.random_category is not None  # a slot holds a question or a category
            candidates = list(
                bank_selectors.draw_pool(category=slot.random_category).exclude(id__in=used)
            )
            if len(candidates) < slot.random_count:
                raise ApplicationError(
                    f"This quiz cannot be started: the question category "
                    f"“{slot.random_category}” has {len(candidates)} question"
                    f"{'' if len(candidates) == 1 else 's'} left to draw where "
                    f"{slot.random_count} are needed. Ask the instructor to add questions.",
                    code="quiz_not_ready",
                )
            questions = rng.sample(candidates, slot.random_count)
            used.update(q.id for q in questions)
        for question in questions:
            points = slot.points if slot.points is not None else question.default_points
            if not question.takes_answer:
                points = Decimal("0")  # a description is text to read: it carries no points
            drawn.append((question, points))
    if not drawn:
        raise ApplicationError("This quiz has no questions yet.", code="quiz_not_ready")
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    return drawn


def freeze_layout(
    question: Question, choices: list[Choice], *, shuffle: bool, rng: random.Random
) -> tuple[list[int], list[str]]:
    """What the learner is shown, fixed for the attempt: choice (or prompt) ids and options.

    Only choice and matching questions show anything of their key rows: the accepted answers
    of a short-answer or numerical question are the key itself.
    """
    if question.type in Question.CHOICE_TYPES:
        order = [c.id for c in choices]
        if shuffle and question.type != Question.Type.TRUE_FALSE:
            rng.shuffle(order)
        return order, []
    if question.type == Question.Type.MATCHING:
        prompts = [c.id for c in choices if c.text]
        # Alphabetical when not shuffled: the authoring order would pair options with prompts.
        options = sorted({c.match_text for c in choices if c.match_text}, key=str.casefold)
        if shuffle:
            rng.shuffle(prompts)
            rng.shuffle(options)
        return prompts, options
    return [], []


def attempt_deadline(
    *, started_at: datetime, time_limit_minutes: int | None, closes_at: datetime | None
) -> datetime | None:
    deadline = started_at + timedelta(minutes=time_limit_minutes) if time_limit_minutes else None
    if closes_at and (deadline is None or closes_at < deadline):
        deadline = closes_at
    return deadline


@transaction.atomic
def attempt_start(*, user: User, quiz: Quiz) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the learner's open one. Questions and order freeze here.

    The learner's override (accommodation), if any, replaces the quiz's limits and dates.
    """
    # Drafts are tried in the instructor's preview, never started; to anyone else a draft
    # is no quiz at all (not "enrol first").
    if not quiz_is_live(quiz):
        raise NotFound("No such quiz.")
    # Locking the enrolment serialises starts from two tabs: the attempt limit holds. Taking
    # a quiz back to draft locks the course's enrolments first: read its state again now.
    enrolment = enrolment_for(user=user, course=quiz.module.course, lock=True)
    if not quiz_is_live_now(quiz_id=quiz.pk):
        raise NotFound("No such quiz.")
    open_attempt = Attempt.objects.filter(
        quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        return open_attempt, False

    rules = quiz_settings_for(quiz=quiz, user=user)
    now = timezone.now()
    if rules.opens_at and now < rules.opens_at:
        raise ApplicationError(
            "This quiz is not open yet.",
            code="quiz_not_open",
            details={"opens_at": rules.opens_at.isoformat()},
        )
    if rules.closes_at and now >= rules.closes_at:
        raise ApplicationError("This quiz has closed.", code="quiz_closed")
    used = Attempt.objects.filter(quiz=quiz, user=user).aggregate(n=Max("number"))["n"] or 0
    if rules.attempts_allowed is not None and used >= rules.attempts_allowed:
        raise ApplicationError(
            f"You have used all {rules.attempts_allowed} attempts at this quiz.",
            code="no_attempts_left",
        )
    if rules.delay_minutes:
        last = (
            Attempt.objects.filter(quiz=quiz, user=user, submitted_at__isnull=False)
            .order_by("-submitted_at")
            .first()
        )
        available_at = (
            last.submitted_at + timedelta(minutes=rules.delay_minutes)
            if last is not None and last.submitted_at is not None  # submitted: it has a time
            else None
        )
        if available_at and now < available_at:
            raise ApplicationError(
                f"You can start your next attempt at {available_at:%H:%M} UTC "
                f"({rules.delay_minutes} minutes after the last one).",
                code="attempt_too_soon",
                details={"available_at": available_at.isoformat()},
            )

    deadline = attempt_deadline(
        started_at=now, time_limit_minutes=rules.time_limit_minutes, closes_at=rules.closes_at
    )
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, number=used + 1, started_at=now, deadline=deadline
    )

    AttemptQuestion.objects.bulk_create(attempt_questions_draw(attempt=attempt))
    module_progress_refresh(enrolment=enrolment, module=quiz.module)
    return attempt, True


def attempt_questions_draw(
    *, attempt: Attempt, rng: random.Random | None = None
) -> list[AttemptQuestion]:
    """The attempt's questions drawn, ordered and shuffled: frozen, not yet saved.

    attempt_start saves them; the instructor's preview shows them and saves nothing. `rng`
    (seeded) repeats a draw exactly; by default each call draws anew.
    """
    quiz = attempt.quiz
    rng = rng or random.Random()
    drawn = draw_questions(quiz, rng)
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question__in=[q for q, _ in drawn]).order_by("position"):
        choices.setdefault(choice.question_id, []).append(choice)
    items = []
    for position, (question, points) in enumerate(drawn, start=1):
        order, options = freeze_layout(
            question, choices.get(question.id, []), shuffle=quiz.shuffle_choices, rng=rng
        )
        items.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question=question,
                points=points,
                choice_order=order,
                options=options,
            )
        )
    return items


def _own_attempt(*, user: User, attempt_id: int, lock: bool = True) -> Attempt:
    attempts = Attempt.objects.select_for_update() if lock else Attempt.objects
    attempt = attempts.filter(pk=attempt_id).first()
    if attempt is None or attempt.user_id != user.pk:
        # Someone else's attempt is reported as missing: its existence is not theirs to know.
        raise NotFound("No such attempt.")
    return attempt


def _check_answerable(attempt: Attempt, now: datetime) -> None:
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise Conflict(
            "This attempt has been submitted; answers can no longer change.", code="attempt_closed"
        )
    if attempt.deadline and now > attempt.deadline + DEADLINE_GRACE:
        raise Conflict(
            "Time is up for this attempt; it is being submitted with the answers saved so far.",
            code="attempt_time_up",
        )


def _store_response(
    item: AttemptQuestion, response: dict[str, object] | None, now: datetime
) -> None:
    item.response = response
    item.responded_at = now
    item.save(update_fields=["response", "responded_at"])


@transaction.atomic
def attempt_save_response(
    *, user: User, attempt_id: int, question_id: int, response: object
) -> AttemptQuestion:
    """Save one answer while the attempt is open. `None` clears it."""
    attempt = _own_attempt(user=user, attempt_id=attempt_id)
    now = timezone.now()
    _check_answerable(attempt, now)
    item = attempt.questions.select_related("question").filter(question_id=question_id).first()
    if item is None:
        raise NotFound("That question is not part of this attempt.", code="question_not_in_attempt")
    checked = validate_response(item, response) if response is not None else None
    _store_response(item, checked, now)
    return item


def attempt_submit(
    *, user: User, attempt_id: int, responses: Mapping[int, object] | None = None
) -> None:
    """Submit an attempt, optionally saving final answers first; grading runs in a worker.

    All final answers are checked before any is stored: a bad one leaves the attempt as it
    was. The submit itself is one conditional UPDATE (`quizzes.sql`): of two racing
    submits only one matches, and the end of a timed quiz, a whole cohort at once, costs one
    statement per learner. With final answers, storing them and submitting are one
    transaction, under the lock.
    """
    now = timezone.now()
    with transaction.atomic() if responses else nullcontext():
        if responses:
            _final_responses_store(user=user, attempt_id=attempt_id, responses=responses, now=now)
        submitted = attempt_sql.attempt_submit_if_open(
            attempt_id=attempt_id,
            user_id=user.pk,
            now=now,
            deadline_not_before=now - DEADLINE_GRACE,
        )
        if not submitted:
            # Nothing matched: say why. Someone else's attempt is reported as missing.
            _check_answerable(_own_attempt(user=user, attempt_id=attempt_id, lock=False), now)
            raise Conflict("This attempt can no longer be submitted.", code="attempt_closed")
        enqueue(GRADE_ATTEMPT, attempt_id)


def _final_responses_store(
    *, user: User, attempt_id: int, responses: Mapping[int, object], now: datetime
) -> None:
    attempt = _own_attempt(user=user, attempt_id=attempt_id)
    _check_answerable(attempt, now)
    items = {i.question_id: i for i in attempt.questions.select_related("question")}
    missing = [qid for qid in responses if qid not in items]
    if missing:
        raise NotFound(
            "Those questions are not part of this attempt.",
            code="question_not_in_attempt",
            details={"question_ids": missing},
        )
    checked = {
        qid: (validate_response(items[qid], r) if r is not None else None)
        for qid, r in responses.items()
    }
    for qid, response in checked.items():
        if response != items[qid].response:
            _store_response(items[qid], response, now)


@transaction.atomic
def attempts_submit_overdue(*, now: datetime | None = None) -> int:
    """Submit, with the answers saved so far, every open attempt past its deadline and grace."""
    now = now or timezone.now()
    overdue = list(
        Attempt.objects.select_for_update(skip_locked=True)
        .filter(state=Attempt.State.IN_PROGRESS, deadline__lt=now - DEADLINE_GRACE)
        .values_list("id", flat=True)
    )
    Attempt.objects.filter(pk__in=overdue).update(
        state=Attempt.State.SUBMITTED, submitted_at=now, submitted_by_system=True
    )
    for attempt_id in overdue:
        enqueue(GRADE_ATTEMPT, attempt_id)
    return len(overdue)
