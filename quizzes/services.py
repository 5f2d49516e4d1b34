"""Writes for quizzes: starting, answering, submitting and grading attempts; overrides."""

import json
import logging
import random
from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from courses.models import Enrolment
from courses.services import enrolment_for, module_progress_refresh, modules_progress_refresh
from lms.db import fetch_all, id_array, objects_update, rows_update
from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied

from .grading import AnswerKey, grade_response, parse_number
from .models import Attempt, AttemptQuestion, Choice, Question, Quiz, QuizOverride
from .selectors import is_course_instructor, quiz_settings_for

logger = logging.getLogger(__name__)

# Answers that reach the server this long after the deadline still count (network, clocks).
DEADLINE_GRACE = timedelta(seconds=30)
MAX_SHORT_ANSWER = 500
MAX_ESSAY = 20_000


def _enqueue_grading(attempt_id: int) -> None:
    from tasks.grading import grade_attempt

    transaction.on_commit(lambda: grade_attempt.delay(attempt_id))


def draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[Question, Decimal]]:
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


def _deadline(*, started_at, time_limit_minutes, closes_at):
    deadline = started_at + timedelta(minutes=time_limit_minutes) if time_limit_minutes else None
    if closes_at and (deadline is None or closes_at < deadline):
        deadline = closes_at
    return deadline


@transaction.atomic
def attempt_start(*, user, quiz: Quiz) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the learner's open one. Questions and order freeze here.

    The learner's override (accommodation), if any, replaces the quiz's limits and dates.
    """
    if not quiz.module.course.is_published:
        raise NotFound("No such quiz.")
    # Locking the enrolment serialises starts from two tabs: the attempt limit holds.
    enrolment = enrolment_for(user=user, course=quiz.module.course, lock=True)
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
        available_at = last and last.submitted_at + timedelta(minutes=rules.delay_minutes)
        if available_at and now < available_at:
            raise ApplicationError(
                f"You can start your next attempt at {available_at:%H:%M} UTC "
                f"({rules.delay_minutes} minutes after the last one).",
                code="attempt_too_soon",
                details={"available_at": available_at.isoformat()},
            )

    deadline = _deadline(
        started_at=now, time_limit_minutes=rules.time_limit_minutes, closes_at=rules.closes_at
    )
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, number=used + 1, started_at=now, deadline=deadline
    )

    AttemptQuestion.objects.bulk_create(attempt_questions_draw(attempt=attempt))
    module_progress_refresh(enrolment=enrolment, module=quiz.module)
    return attempt, True


def attempt_questions_draw(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's questions drawn, ordered and shuffled: frozen, not yet saved.

    attempt_start saves them; the instructor's preview shows them and saves nothing.
    """
    quiz = attempt.quiz
    rng = random.Random()
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


def _own_attempt(*, user, attempt_id: int, lock: bool = True) -> Attempt:
    attempts = Attempt.objects.select_for_update() if lock else Attempt.objects
    attempt = attempts.filter(pk=attempt_id).first()
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


# --- responses: one shape per type, checked before anything is stored -------------------------

RESPONSE_SHAPES = {
    Question.Type.SINGLE_CHOICE: '{"choice_ids": [id]}',
    Question.Type.MULTIPLE_RESPONSE: '{"choice_ids": [id, ...]}',
    Question.Type.TRUE_FALSE: '{"choice_ids": [id]}',
    Question.Type.SHORT_ANSWER: '{"text": "..."}',
    Question.Type.NUMERICAL: '{"value": "12.5"}',
    Question.Type.MATCHING: '{"matches": {"<prompt id>": <option id>, ...}}',
    Question.Type.ESSAY: '{"text": "..."}',
}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bad_shape(item: AttemptQuestion, message: str | None = None) -> ApplicationError:
    shape = RESPONSE_SHAPES.get(item.question.type, "")
    return ApplicationError(
        message or f"A response to this question is an object {shape}.",
        code="invalid_response",
        details={"question_id": item.question_id},
    )


def _validate_choices(item: AttemptQuestion, response) -> dict:
    if not isinstance(response, dict) or set(response) != {"choice_ids"}:
        raise _bad_shape(item)
    ids = response["choice_ids"]
    if not isinstance(ids, list) or not all(_is_int(i) for i in ids):
        raise _bad_shape(item, "choice_ids must be a list of choice ids.")
    ids = list(dict.fromkeys(ids))
    unknown = [i for i in ids if i not in item.choice_order]
    if unknown:
        raise ApplicationError(
            "Those choices do not belong to this question.",
            code="invalid_choice",
            details={"question_id": item.question_id, "choice_ids": unknown},
        )
    if item.question.type != Question.Type.MULTIPLE_RESPONSE and len(ids) > 1:
        raise _bad_shape(item, "Choose one answer only.")
    return {"choice_ids": ids}


def _validate_text(item: AttemptQuestion, response, limit: int) -> dict:
    if not isinstance(response, dict) or set(response) != {"text"}:
        raise _bad_shape(item)
    text = response["text"]
    if not isinstance(text, str):
        raise _bad_shape(item, "text must be a string.")
    if len(text) > limit:
        raise ApplicationError(
            f"An answer here is at most {limit:,} characters long.",
            code="response_too_long",
            details={"question_id": item.question_id, "max_length": limit},
        )
    return {"text": text}


def _validate_number(item: AttemptQuestion, response) -> dict:
    if not isinstance(response, dict) or set(response) != {"value"}:
        raise _bad_shape(item)
    number = parse_number(response["value"])
    if number is None:
        raise ApplicationError(
            "That is not a number. Use digits with a point for decimals, e.g. 12.5.",
            code="invalid_number",
            details={"question_id": item.question_id},
        )
    return {"value": str(number)}


def _validate_matches(item: AttemptQuestion, response) -> dict:
    if not isinstance(response, dict) or set(response) != {"matches"}:
        raise _bad_shape(item)
    matches = response["matches"]
    if not isinstance(matches, dict):
        raise _bad_shape(item, "matches must be an object from prompt id to option id.")
    pairs: dict[int, int] = {}
    for key, option in matches.items():
        prompt = int(key) if isinstance(key, str) and key.isdigit() else key
        if not _is_int(prompt) or not (option is None or _is_int(option)):
            raise _bad_shape(item, "matches must be an object from prompt id to option id.")
        if prompt not in item.choice_order or (
            option is not None and not 1 <= option <= len(item.options)
        ):
            raise ApplicationError(
                "That prompt or answer is not part of this question.",
                code="invalid_option",
                details={"question_id": item.question_id, "prompt_id": prompt, "option": option},
            )
        if option is not None:
            pairs[prompt] = option
    return {"matches": {str(p): o for p, o in pairs.items()}}


def validate_response(item: AttemptQuestion, response) -> dict:
    """A response in canonical form for the item's type, or a clear error."""
    question_type = item.question.type
    if question_type in Question.CHOICE_TYPES:
        return _validate_choices(item, response)
    if question_type == Question.Type.SHORT_ANSWER:
        return _validate_text(item, response, MAX_SHORT_ANSWER)
    if question_type == Question.Type.ESSAY:
        return _validate_text(item, response, MAX_ESSAY)
    if question_type == Question.Type.NUMERICAL:
        return _validate_number(item, response)
    if question_type == Question.Type.MATCHING:
        return _validate_matches(item, response)
    raise ApplicationError(
        "This item is text to read; it takes no answer.",
        code="invalid_response",
        details={"question_id": item.question_id},
    )


def _store_response(item: AttemptQuestion, response, now) -> None:
    item.response = response
    item.responded_at = now
    item.save(update_fields=["response", "responded_at"])


@transaction.atomic
def attempt_save_response(*, user, attempt_id: int, question_id: int, response) -> AttemptQuestion:
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


def attempt_submit(*, user, attempt_id: int, responses: dict[int, object] | None = None) -> None:
    """Submit an attempt, optionally saving final answers first; grading runs in a worker.

    All final answers are checked before any is stored: a bad one leaves the attempt as it
    was. The submit itself is one conditional UPDATE (`_submit_if_open`): of two racing
    submits only one matches, and the end of a timed quiz, a whole cohort at once, costs one
    statement per learner. With final answers, storing them and submitting are one
    transaction, under the lock.
    """
    now = timezone.now()
    with transaction.atomic() if responses else nullcontext():
        if responses:
            _final_responses_store(user=user, attempt_id=attempt_id, responses=responses, now=now)
        if not _submit_if_open(attempt_id=attempt_id, user_id=user.pk, now=now):
            # Nothing matched: say why. Someone else's attempt is reported as missing.
            _check_answerable(_own_attempt(user=user, attempt_id=attempt_id, lock=False), now)
            raise Conflict("This attempt can no longer be submitted.", code="attempt_closed")
        _enqueue_grading(attempt_id)


# The statements that run for every attempt a cohort submits (the submit, the grading task's
# first look at its attempt) are written in SQL, and so, on PostgreSQL, are the reads of every
# grading pass (lms.db.fetch_all): through the ORM each took several times the CPU, in the web
# and worker processes that grading throughput depends on (benchmarks/grading.py).


def _submit_if_open(*, attempt_id: int, user_id: int, now) -> bool:
    """Submit the learner's attempt if it is open and within its deadline and grace."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quizzes_attempt SET state = %s, submitted_at = %s, submitted_by_system = %s"
            " WHERE id = %s AND user_id = %s AND state = %s"
            " AND (deadline IS NULL OR deadline >= %s)",
            [
                Attempt.State.SUBMITTED,
                now,
                False,
                attempt_id,
                user_id,
                Attempt.State.IN_PROGRESS,
                now - DEADLINE_GRACE,
            ],
        )
        return cursor.rowcount == 1


def _attempt_state(attempt_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM quizzes_attempt WHERE id = %s", [attempt_id])
        row = cursor.fetchone()
    return row[0] if row else None


def _final_responses_store(*, user, attempt_id: int, responses: dict[int, object], now) -> None:
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
def attempts_submit_overdue(*, now=None) -> int:
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
        _enqueue_grading(attempt_id)
    return len(overdue)


# --- grading ----------------------------------------------------------------------------------

# At most this many waiting attempts are graded in one pass (`attempts_grade_waiting`).
GRADING_BATCH = 50

# Attempts whose grading this process committed. An attempt never returns to `submitted`, so
# their own tasks, still queued behind the pass that graded them, end without a query.
_graded_here: set[int] = set()
_GRADED_HERE_MAX = 100_000  # about 5 MB; then it starts again empty


def answer_keys(question_ids) -> dict[int, list[AnswerKey]]:
    """The key rows of these questions as plain data, in authoring order (one query)."""
    keys: dict[int, list[AnswerKey]] = {}
    for cid, qid, fraction, text, match_text, value_min, value_max in fetch_all(
        "SELECT id, question_id, fraction, text, match_text, value_min, value_max"
        " FROM quizzes_choice WHERE question_id = ANY(%s::bigint[]) ORDER BY position, id",
        [id_array(question_ids)],
        orm=lambda: (
            Choice.objects.filter(question_id__in=list(question_ids))
            .order_by("position", "id")
            .values_list(
                "id", "question_id", "fraction", "text", "match_text", "value_min", "value_max"
            )
        ),
    ):
        keys.setdefault(qid, []).append(
            AnswerKey(
                id=cid,
                fraction=fraction,
                text=text,
                match_text=match_text,
                value_min=value_min,
                value_max=value_max,
            )
        )
    return keys


class _Item(NamedTuple):
    """An attempt's question, as much of it as scoring reads."""

    id: int
    attempt_id: int
    question_id: int
    type: str
    case_sensitive: bool
    points: Decimal
    options_json: str  # JSON as stored: the answers a matching question offers, in order
    response_json: str | None


ATTEMPT_GRADE_FIELDS = ["score", "max_score", "percent", "passed", "state", "graded_at"]


def _items_to_grade(attempt_ids: list[int]) -> dict[int, list[_Item]]:
    """Each attempt's questions in order, as much of them as scoring reads (one query)."""
    items: dict[int, list[_Item]] = {attempt_id: [] for attempt_id in attempt_ids}
    for iid, attempt_id, qid, kind, case_sensitive, points, options, response in fetch_all(
        "SELECT i.id, i.attempt_id, i.question_id, q.type, q.case_sensitive, i.points,"
        " i.options, i.response"
        " FROM quizzes_attemptquestion i JOIN quizzes_question q ON q.id = i.question_id"
        " WHERE i.attempt_id = ANY(%s::bigint[]) ORDER BY i.attempt_id, i.position",
        [id_array(attempt_ids)],
        orm=lambda: (
            AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
            .values_list(
                "id",
                "attempt_id",
                "question_id",
                "question__type",
                "question__case_sensitive",
                "points",
                Cast("options", TextField()),  # JSON as text, as PostgreSQL sends it above
                Cast("response", TextField()),
            )
            .order_by("attempt_id", "position")
        ),
    ):
        items[attempt_id].append(
            _Item(iid, attempt_id, qid, kind, case_sensitive, points, options, response)
        )
    return items


def _item_score(item: _Item, keys: dict[int, list[AnswerKey]], seen: dict[tuple, tuple]):
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


def _answer_score(item: _Item, keys: dict[int, list[AnswerKey]]):
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


def _attempt_totals(attempt: Attempt, scored: list[tuple[Decimal | None, Decimal]], now) -> None:
    """Total, percent, pass or fail from (score, points) per question; the attempt is graded."""
    total = sum((score or Decimal("0") for score, _ in scored), Decimal("0"))
    max_total = sum((points for _, points in scored), Decimal("0"))
    percent = (total / max_total * 100).quantize(Decimal("0.01")) if max_total else Decimal("0")
    attempt.score = total
    attempt.max_score = max_total
    attempt.percent = percent
    attempt.passed = percent >= attempt.quiz.pass_mark_percent
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
    items = _items_to_grade([a.pk for a in attempts])
    keys = answer_keys({i.question_id for rows in items.values() for i in rows})

    now = timezone.now()
    done, scored_items, scores, seen = [], [], [], {}
    for attempt in attempts:
        try:
            scored = [_item_score(item, keys, seen) for item in items[attempt.pk]]
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
        done.append(attempt)
        scored_items += items[attempt.pk]
        scores += scored
    rows_update(
        AttemptQuestion,
        [i.id for i in scored_items],
        {"score": [s for s, _ in scores], "fraction": [f for _, f in scores]},
    )
    objects_update(done, ATTEMPT_GRADE_FIELDS)
    _progress_after_grading([a for a in done if a.state == Attempt.State.GRADED])
    return {a.pk for a in done}


def _locked_for_grading(*, skip_locked: bool = False):
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
    if attempt_id in _graded_here or _attempt_state(attempt_id) != Attempt.State.SUBMITTED:
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
    if not connection.in_atomic_block:  # the pass committed (inside a caller's, it may not)
        if len(_graded_here) + len(graded) > _GRADED_HERE_MAX:
            _graded_here.clear()
        _graded_here.update(graded)
    own = next((a for a in batch if a.pk == attempt_id), None)
    if own is None or (own.pk not in graded and own.state == Attempt.State.SUBMITTED):
        attempt_grade(attempt_id=attempt_id)


@transaction.atomic
def attempt_question_grade(
    *, grader, attempt_id: int, question_id: int, score, comment: str = ""
) -> Attempt:
    """An instructor scores one essay and comments on it.

    When no essay of the attempt is left unscored the attempt is graded and the learner's
    progress follows. Scoring a graded attempt's essay again regrades it.
    """
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz__module__course")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not is_course_instructor(user=grader, course=attempt.quiz.course):
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
    item.score = value.quantize(Decimal("0.01"))
    item.fraction = (value / item.points).quantize(Decimal("0.00001")) if item.points else None
    item.comment = comment
    item.graded_by = grader
    item.graded_by_hand_at = now
    item.save(update_fields=["score", "fraction", "comment", "graded_by", "graded_by_hand_at"])
    if any(i.score is None and i.question.takes_answer for i in items):
        return attempt
    _attempt_totals(attempt, [(i.score, i.points) for i in items], now)
    attempt.save(update_fields=ATTEMPT_GRADE_FIELDS)
    _progress_after_grading([attempt])
    return attempt


def attempts_stuck_in_submitted(*, older_than) -> list[int]:
    """Attempts submitted before `older_than` and still ungraded: their message was lost."""
    return list(
        Attempt.objects.filter(
            state=Attempt.State.SUBMITTED, submitted_at__lt=older_than
        ).values_list("id", flat=True)
    )


# --- overrides (accommodations) ---------------------------------------------------------------


def _require_instructor(*, user, quiz: Quiz) -> None:
    if not is_course_instructor(user=user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors can change this quiz.", code="not_instructor"
        )


@transaction.atomic
def quiz_override_set(
    *,
    actor,
    quiz: Quiz,
    user,
    time_limit_minutes: int | None = None,
    attempts_allowed: int | None = None,
    opens_at=None,
    closes_at=None,
) -> QuizOverride:
    """Give one learner their own time limit, attempts or dates (0 lifts a limit).

    A learner's open attempt gets the new deadline at once.
    """
    _require_instructor(user=actor, quiz=quiz)
    if not Enrolment.objects.filter(user=user, course=quiz.module.course).exists():
        raise ApplicationError(
            f"{user.get_full_name() or user.username} is not enrolled in this course.",
            code="not_enrolled",
        )
    values = {
        "time_limit_minutes": time_limit_minutes,
        "attempts_allowed": attempts_allowed,
        "opens_at": opens_at,
        "closes_at": closes_at,
    }
    if all(v is None for v in values.values()):
        raise ApplicationError("An override changes at least one setting.", code="empty_override")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ApplicationError(
            "The closing date must come after the opening date.",
            code="invalid_dates",
            details={"closes_at": ["The closing date must come after the opening date."]},
        )
    override = QuizOverride.objects.select_for_update().filter(quiz=quiz, user=user).first()
    override = override or QuizOverride(quiz=quiz, user=user)
    for name, value in values.items():
        setattr(override, name, value)
    override.set_by = actor
    override.full_clean()
    override.save()

    _open_attempt_deadline_refresh(quiz=quiz, user=user)
    return override


def _open_attempt_deadline_refresh(*, quiz: Quiz, user) -> None:
    open_attempt = (
        Attempt.objects.select_for_update()
        .filter(quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if open_attempt is not None:
        rules = quiz_settings_for(quiz=quiz, user=user)
        open_attempt.deadline = _deadline(
            started_at=open_attempt.started_at,
            time_limit_minutes=rules.time_limit_minutes,
            closes_at=rules.closes_at,
        )
        open_attempt.save(update_fields=["deadline"])


@transaction.atomic
def quiz_override_delete(*, actor, override_id: int) -> None:
    override = QuizOverride.objects.select_related("quiz__module__course").filter(pk=override_id)
    override = override.first()
    if override is None:
        raise NotFound("No such override.")
    _require_instructor(user=actor, quiz=override.quiz)
    override.delete()
    _open_attempt_deadline_refresh(quiz=override.quiz, user=override.user)


# --- authoring: quizzes, their questions of every type, feedback bands --------------------------

QUIZ_SETTINGS = (
    "title",
    "intro",
    "pass_mark_percent",
    "attempts_allowed",
    "grading_method",
    "time_limit_minutes",
    "opens_at",
    "closes_at",
    "delay_minutes",
    "shuffle_questions",
    "shuffle_choices",
    "review_correctness",
    "review_score",
    "review_feedback",
    "review_right_answers",
)


def _invalid(message: str, **details) -> ApplicationError:
    return ApplicationError(message, code="invalid_question", details=details)


@transaction.atomic
def quiz_create(*, actor, module, title: str) -> Quiz:
    quiz = Quiz(module=module, title=title)
    _require_instructor(user=actor, quiz=quiz)
    quiz.full_clean()
    quiz.save()
    return quiz


@transaction.atomic
def quiz_settings_update(*, actor, quiz: Quiz, **settings) -> Quiz:
    """Change any of `QUIZ_SETTINGS`; the model's validation decides what is allowed."""
    _require_instructor(user=actor, quiz=quiz)
    unknown = set(settings) - set(QUIZ_SETTINGS)
    if unknown:
        raise ApplicationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    for name, value in settings.items():
        setattr(quiz, name, value)
    quiz.full_clean()
    quiz.save()
    return quiz


@transaction.atomic
def quiz_feedback_bands_set(*, actor, quiz: Quiz, bands: list[tuple[Decimal, str]]) -> None:
    """Replace the quiz's overall feedback: (lowest percent, text) per band."""
    from .models import FeedbackBand

    _require_instructor(user=actor, quiz=quiz)
    lows = [Decimal(low) for low, _ in bands]
    if len(set(lows)) != len(lows):
        raise ApplicationError(
            "Two feedback bands start at the same percent.", code="invalid_bands"
        )
    rows = [FeedbackBand(quiz=quiz, min_percent=low, text=text) for low, text in bands]
    for row in rows:
        row.full_clean(exclude=["quiz"])
    quiz.feedback_bands.all().delete()
    FeedbackBand.objects.bulk_create(rows)


def _check_answers(question_type: str, answers: list[dict]) -> list[dict]:
    """Answers of a question, checked for its type. Each is a dict of `Choice` fields."""
    T = Question.Type
    fractions = [Decimal(str(a.get("fraction", 0))) for a in answers]
    if any(not Decimal("-1") <= f <= 1 for f in fractions):
        raise _invalid("A fraction is between -1 and 1.")
    if question_type in (T.ESSAY, T.DESCRIPTION):
        if answers:
            raise _invalid("This type has no answers.")
        return []
    if question_type in (T.SHORT_ANSWER, T.NUMERICAL) and any(f < 0 for f in fractions):
        raise _invalid("Accepted answers earn between 0 and 1 of the points.")
    if question_type in (T.SINGLE_CHOICE, T.TRUE_FALSE):
        if len(answers) < 2 or any(not a.get("text", "").strip() for a in answers):
            raise _invalid("A choice question needs at least two choices, each with text.")
        if max(fractions) != 1:
            raise _invalid("One choice must earn all the points (fraction 1).")
    if question_type == T.TRUE_FALSE and len(answers) != 2:
        raise _invalid("A true/false question has exactly two answers.")
    if question_type == T.MULTIPLE_RESPONSE:
        if len(answers) < 2 or any(not a.get("text", "").strip() for a in answers):
            raise _invalid("A choice question needs at least two choices, each with text.")
        if sum(f for f in fractions if f > 0) < Decimal("0.999"):
            raise _invalid("The right choices' fractions must add up to 1 (100%).")
    if question_type == T.SHORT_ANSWER and (
        any(not a.get("text", "").strip() for a in answers) or max(fractions, default=0) != 1
    ):
        raise _invalid("Give at least one accepted answer that earns all the points.")
    if question_type == T.NUMERICAL:
        for a in answers:
            low, high = a.get("value_min"), a.get("value_max")
            if low is None or high is None or Decimal(low) > Decimal(high):
                raise _invalid("Each numerical answer needs a value (or a range min ≤ max).")
        if max(fractions, default=0) != 1:
            raise _invalid("Give at least one numerical answer that earns all the points.")
    if question_type == T.MATCHING:
        if any(not a.get("match_text", "").strip() for a in answers):
            raise _invalid("Every prompt and distractor needs an answer text.")
        if sum(1 for a in answers if a.get("text", "").strip()) < 2:
            raise _invalid("A matching question needs at least two prompts.")
    return answers


ANSWER_FIELDS = ("text", "match_text", "value_min", "value_max", "fraction", "feedback")


def _write_answers(question: Question, answers: list[dict]) -> None:
    existing = list(question.choices.order_by("position"))
    # Rows keep their ids where they can, so attempts that froze them still find them.
    for position, data in enumerate(answers, start=1):
        row = existing[position - 1] if position <= len(existing) else Choice(question=question)
        row.position = position
        for name in ANSWER_FIELDS:
            default = None if name in ("value_min", "value_max") else ""
            value = data.get(name, default)
            if name == "fraction":
                value = Decimal(str(value or 0))
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        row.full_clean(exclude=["question"])
        row.save()
    Choice.objects.filter(pk__in=[c.pk for c in existing[len(answers) :]]).delete()


def _question_fields(question: Question, fields: dict) -> None:
    for name in ("name", "text", "general_feedback", "default_points", "case_sensitive"):
        if name in fields:
            setattr(question, name, fields[name])
    if not question.name.strip():
        question.name = " ".join(question.text.split())[:60] or question.get_type_display()
    question.full_clean(exclude=["category"])


@transaction.atomic
def question_create(
    *, actor, quiz: Quiz, type: str, answers: list[dict], points=None, **fields
) -> Question:
    """A new question in the course's bank (the module's category), added to the quiz's end."""
    from .models import QuestionCategory, QuizSlot

    _require_instructor(user=actor, quiz=quiz)
    if type not in Question.Type.values:
        raise _invalid(f"Unknown question type “{type}”.")
    answers = _check_answers(type, answers)
    category, _ = QuestionCategory.objects.get_or_create(
        course=quiz.module.course, name=quiz.module.title
    )
    question = Question(category=category, type=type)
    _question_fields(question, fields)
    question.save()
    _write_answers(question, answers)
    last = quiz.slots.aggregate(n=Max("position"))["n"] or 0
    QuizSlot.objects.create(quiz=quiz, position=last + 1, question=question, points=points)
    return question


@transaction.atomic
def question_update(*, actor, quiz: Quiz, question: Question, answers: list[dict], **fields):
    _require_instructor(user=actor, quiz=quiz)
    if not quiz.slots.filter(question=question).exists():
        raise NotFound("That question is not in this quiz.")
    answers = _check_answers(question.type, answers)
    _question_fields(question, fields)
    question.save()
    _write_answers(question, answers)
    return question


@transaction.atomic
def quiz_slot_remove(*, actor, quiz: Quiz, slot_id: int) -> None:
    """Take a question out of the quiz (it stays in the bank; attempts keep their copy)."""
    _require_instructor(user=actor, quiz=quiz)
    slot = quiz.slots.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("No such question in this quiz.")
    slot.delete()
    for position, later in enumerate(quiz.slots.order_by("position"), start=1):
        if later.position != position:
            later.position = position
            later.save(update_fields=["position"])


@transaction.atomic
def quiz_slot_move(*, actor, quiz: Quiz, slot_id: int, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the quiz."""
    _require_instructor(user=actor, quiz=quiz)
    slots = list(quiz.slots.select_for_update().order_by("position"))
    index = next((n for n, s in enumerate(slots) if s.pk == slot_id), None)
    if index is None:
        raise NotFound("No such question in this quiz.")
    target = index + offset
    if not 0 <= target < len(slots):
        return
    a, b = slots[index], slots[target]
    # Positions are unique: park one at 0 while they swap.
    a_pos, b_pos = a.position, b.position
    a.position = 0
    a.save(update_fields=["position"])
    b.position = a_pos
    b.save(update_fields=["position"])
    a.position = b_pos
    a.save(update_fields=["position"])
