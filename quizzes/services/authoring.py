"""Authoring: quizzes, their settings and feedback bands, questions of every type, slots,
and the instructor's preview of a quiz, answered and graded without saving anything."""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from courses.models import Module
from lms.errors import ApplicationError, Conflict, NotFound, validate_model
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    FeedbackBand,
    Question,
    QuestionCategory,
    Quiz,
    QuizSlot,
)
from quizzes.scoring import grade_response
from quizzes.selectors import bank as bank_selectors
from quizzes.selectors.access import require_course_instructor, require_instructor
from quizzes.selectors.grading import answer_keys
from quizzes.services.grading import _attempt_totals
from quizzes.services.responses import validate_response

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


def _invalid(message: str, **details: object) -> ApplicationError:
    return ApplicationError(message, code="invalid_question", details=details)


@transaction.atomic
def quiz_create(*, actor: User, module: Module, title: str) -> Quiz:
    quiz = Quiz(module=module, title=title)
    require_instructor(user=actor, quiz=quiz)
    validate_model(quiz)
    quiz.save()
    return quiz


@transaction.atomic
def quiz_settings_update(*, actor: User, quiz: Quiz, **settings: object) -> Quiz:
    """Change any of `QUIZ_SETTINGS`; the model's validation decides what is allowed."""
    require_instructor(user=actor, quiz=quiz)
    unknown = set(settings) - set(QUIZ_SETTINGS)
    if unknown:
        raise ApplicationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    for name, value in settings.items():
        setattr(quiz, name, value)
    validate_model(quiz)
    quiz.save()
    return quiz


@transaction.atomic
def quiz_feedback_bands_set(*, actor: User, quiz: Quiz, bands: list[tuple[Decimal, str]]) -> None:
    """Replace the quiz's overall feedback: (lowest percent, text) per band."""
    require_instructor(user=actor, quiz=quiz)
    lows = [Decimal(low) for low, _ in bands]
    if len(set(lows)) != len(lows):
        raise ApplicationError(
            "Two feedback bands start at the same percent.", code="invalid_bands"
        )
    rows = [FeedbackBand(quiz=quiz, min_percent=low, text=text) for low, text in bands]
    for row in rows:
        validate_model(row, exclude=["quiz"])
    quiz.feedback_bands.all().delete()
    FeedbackBand.objects.bulk_create(rows)


def _check_no_answers(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """Essays and descriptions: no answers at all."""
    if answers:
        raise _invalid("This type has no answers.")


def _check_choice_texts(answers: list[dict[str, Any]]) -> None:
    """Choice types: at least two choices, each with text."""
    if len(answers) < 2 or any(not a.get("text", "").strip() for a in answers):
        raise _invalid("A choice question needs at least two choices, each with text.")


def _check_accepted_fractions(fractions: list[Decimal]) -> None:
    """Short answer and numerical: no accepted answer takes points away."""
    if any(f < 0 for f in fractions):
        raise _invalid("Accepted answers earn between 0 and 1 of the points.")


def _check_single_choice(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """Single choice: two or more choices, one of which earns all the points."""
    _check_choice_texts(answers)
    if max(fractions) != 1:
        raise _invalid("One choice must earn all the points (fraction 1).")


def _check_true_false(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """True/false: a single choice question with exactly two answers."""
    _check_single_choice(answers, fractions)
    if len(answers) != 2:
        raise _invalid("A true/false question has exactly two answers.")


def _check_multiple_response(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """Multiple response: two or more choices; the right ones' fractions add up to 1."""
    _check_choice_texts(answers)
    if sum(f for f in fractions if f > 0) < Decimal("0.999"):
        raise _invalid("The right choices' fractions must add up to 1 (100%).")


def _check_short_answer(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """Short answer: accepted answers with text, one of which earns all the points."""
    _check_accepted_fractions(fractions)
    if any(not a.get("text", "").strip() for a in answers) or max(fractions, default=0) != 1:
        raise _invalid("Give at least one accepted answer that earns all the points.")


def _check_numerical(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """Numerical: each answer a value or a range, one of which earns all the points."""
    _check_accepted_fractions(fractions)
    for a in answers:
        low, high = a.get("value_min"), a.get("value_max")
        if low is None or high is None or Decimal(low) > Decimal(high):
            raise _invalid("Each numerical answer needs a value (or a range min ≤ max).")
    if max(fractions, default=0) != 1:
        raise _invalid("Give at least one numerical answer that earns all the points.")


def _check_matching(answers: list[dict[str, Any]], fractions: list[Decimal]) -> None:
    """Matching: every row has an answer text, and at least two rows are prompts."""
    if any(not a.get("match_text", "").strip() for a in answers):
        raise _invalid("Every prompt and distractor needs an answer text.")
    if sum(1 for a in answers if a.get("text", "").strip()) < 2:
        raise _invalid("A matching question needs at least two prompts.")


# The checks of each question type's answers (and their fractions, as Decimals).
_ANSWER_CHECKS: dict[str, Callable[[list[dict[str, Any]], list[Decimal]], None]] = {
    Question.Type.SINGLE_CHOICE: _check_single_choice,
    Question.Type.MULTIPLE_RESPONSE: _check_multiple_response,
    Question.Type.TRUE_FALSE: _check_true_false,
    Question.Type.SHORT_ANSWER: _check_short_answer,
    Question.Type.NUMERICAL: _check_numerical,
    Question.Type.MATCHING: _check_matching,
    Question.Type.ESSAY: _check_no_answers,
    Question.Type.DESCRIPTION: _check_no_answers,
}


# A question has at most this many answers (choices, accepted answers, matching rows).
MAX_ANSWERS = 20


def _check_answers(question_type: str, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers of a question, checked for its type. Each is a dict of `Choice` fields.

    (Values as the form or the API's JSON gave them: `Any` until checked here.)
    """
    if len(answers) > MAX_ANSWERS:
        raise _invalid(f"A question has at most {MAX_ANSWERS} answers.")
    fractions = [Decimal(str(a.get("fraction", 0))) for a in answers]
    if any(not Decimal("-1") <= f <= 1 for f in fractions):
        raise _invalid("A fraction is between -1 and 1.")
    check = _ANSWER_CHECKS.get(question_type)
    if check is not None:
        check(answers, fractions)
    if question_type in (Question.Type.ESSAY, Question.Type.DESCRIPTION):
        return []
    return answers


ANSWER_FIELDS = ("text", "match_text", "value_min", "value_max", "fraction", "feedback")


def _write_answers(question: Question, answers: list[dict[str, Any]]) -> None:
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
        validate_model(row, exclude=["question"])
        row.save()
    Choice.objects.filter(pk__in=[c.pk for c in existing[len(answers) :]]).delete()


# A name made from the question's text is at most this long (its "…" included).
NAME_FROM_TEXT_LENGTH = 60


def name_from_text(text: str, limit: int = NAME_FROM_TEXT_LENGTH) -> str:
    """The text on one line, shortened at a word boundary with "…" when it is too long.

    A single word longer than the limit is cut, since there is no boundary to cut at.
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if line[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _question_fields(question: Question, fields: dict[str, object]) -> None:
    for name in ("name", "text", "general_feedback", "default_points", "case_sensitive"):
        if name in fields:
            setattr(question, name, fields[name])
    if not question.name.strip():
        question.name = name_from_text(question.text) or question.get_type_display()
    validate_model(question, exclude=["category"])


@transaction.atomic
def question_create(
    *,
    actor: User,
    quiz: Quiz,
    type: str,
    answers: list[dict[str, Any]],
    points: Decimal | None = None,
    **fields: object,
) -> Question:
    """A new question in the course's bank (the module's category), added to the quiz's end."""
    require_instructor(user=actor, quiz=quiz)
    if type not in Question.Type.values:
        raise _invalid(f"Unknown question type “{type}”.")
    answers = _check_answers(type, answers)
    category, _ = QuestionCategory.objects.get_or_create(
        course=quiz.module.course, parent=None, name=quiz.module.title
    )
    question = Question(category=category, type=type)
    _question_fields(question, fields)
    question.save()
    _write_answers(question, answers)
    last = quiz.slots.aggregate(n=Max("position"))["n"] or 0
    QuizSlot.objects.create(quiz=quiz, position=last + 1, question=question, points=points)
    return question


@transaction.atomic
def question_update(
    *,
    actor: User,
    quiz: Quiz,
    question: Question,
    answers: list[dict[str, Any]],
    **fields: object,
) -> Question:
    """Edit one of the quiz's questions (a new version once learners have been asked it)."""
    require_instructor(user=actor, quiz=quiz)
    if not quiz.slots.filter(question=question).exists():
        raise NotFound("That question is not in this quiz.")
    return question_revise(actor=actor, question=question, answers=answers, **fields)


# --- versions: an edit to a question learners have been asked makes a new version -------------
# Attempts keep the row they were asked (AttemptQuestion points at it, with the choice ids it
# froze), so they go on showing and scoring that version; the bank and every quiz slot move to
# the new one. A question no attempt has been given yet is edited in place.

# The fields a new version starts from, before the edit's own values.
_VERSION_COPIED_FIELDS = ("name", "text", "general_feedback", "case_sensitive", "default_points")


@transaction.atomic
def question_revise(
    *, actor: User, question: Question, answers: list[dict[str, Any]], **fields: object
) -> Question:
    """Edit a bank question; return its current row afterwards.

    Unasked, the row is edited in place. Asked by an attempt, a new row is made: `previous`
    is the edited one, `version` one more, `is_current` moves to it, with the same category
    and tags; the quiz slots that held the old row hold the new one. The old row and its
    choices stay as they were, for the attempts that were asked them (a regrade may move
    those attempts later, deliberately).
    """
    require_course_instructor(user=actor, course=question.category.course)
    question = Question.objects.select_for_update().select_related("category").get(pk=question.pk)
    if not question.is_current:
        raise Conflict(
            "This is an earlier version of the question; edit its current version.",
            code="question_not_current",
        )
    answers = _check_answers(question.type, answers)
    if not bank_selectors.question_is_asked(question=question):
        _question_fields(question, fields)
        question.save()
        _write_answers(question, answers)
        return question

    revised = Question(
        category=question.category,
        type=question.type,
        version=question.version + 1,
        previous=question,
        is_current=True,
        **{name: getattr(question, name) for name in _VERSION_COPIED_FIELDS},
    )
    _question_fields(revised, fields)
    question.is_current = False
    question.save(update_fields=["is_current"])
    revised.save()
    revised.tags.set(question.tags.all())
    _write_answers(revised, answers)
    QuizSlot.objects.filter(question=question).update(question=revised)
    return revised


@transaction.atomic
def quiz_slot_remove(*, actor: User, quiz: Quiz, slot_id: int) -> None:
    """Take a question out of the quiz (it stays in the bank; attempts keep their copy)."""
    require_instructor(user=actor, quiz=quiz)
    slot = quiz.slots.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("No such question in this quiz.")
    slot.delete()
    for position, later in enumerate(quiz.slots.order_by("position"), start=1):
        if later.position != position:
            later.position = position
            later.save(update_fields=["position"])


@transaction.atomic
def quiz_slot_move(*, actor: User, quiz: Quiz, slot_id: int, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the quiz."""
    require_instructor(user=actor, quiz=quiz)
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


# The preview: the questions drawn for it travel in the page, signed, so that its answers are
# graded against the same draw (order, shuffled choices, random picks) with nothing saved.
PREVIEW_SALT = "quizzes.preview"
PREVIEW_MAX_AGE = 24 * 60 * 60  # seconds


def quiz_preview_token(*, quiz: Quiz, items: list[AttemptQuestion]) -> str:
    """The preview's drawn questions as a signed token for its form."""
    drawn = [[i.question_id, str(i.points), i.choice_order, i.options] for i in items]
    return signing.dumps({"quiz": quiz.pk, "items": drawn}, salt=PREVIEW_SALT, compress=True)


def quiz_preview_items(*, actor: User, quiz: Quiz, token: str) -> list[AttemptQuestion]:
    """The questions a preview's token drew, frozen as they were shown; nothing saved."""
    require_instructor(user=actor, quiz=quiz)
    stale = ApplicationError(
        "This preview could not be graded: it was opened too long ago or the page was "
        "changed. Here is a new draw of the quiz.",
        code="preview_stale",
    )
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        raise stale from None
    if payload.get("quiz") != quiz.pk:
        raise stale
    drawn = payload["items"]
    questions = Question.objects.in_bulk([question_id for question_id, *_ in drawn])
    if len(questions) != len({question_id for question_id, *_ in drawn}):
        raise ApplicationError(
            "A question of this preview has been deleted since it was drawn. "
            "Here is a new draw of the quiz.",
            code="preview_stale",
        )
    attempt = Attempt(quiz=quiz, number=1)
    return [
        AttemptQuestion(
            attempt=attempt,
            position=position,
            question=questions[question_id],
            points=Decimal(points),
            choice_order=order,
            options=options,
        )
        for position, (question_id, points, order, options) in enumerate(drawn, start=1)
    ]


def quiz_preview_grade(
    *,
    actor: User,
    quiz: Quiz,
    items: list[AttemptQuestion],
    responses: Mapping[int, object],
) -> Attempt:
    """Grade a preview's answers by the rules a learner's attempt is graded by; save nothing.

    Every answer is checked as a learner's is (`validate_response`); answers that fail are
    reported together, by question. Essays have no automatic score: an answered one counts 0
    in the total here, where a learner's attempt would wait for an instructor. Returns an
    unsaved, graded attempt that belongs to no learner, with the items' scores set.
    """
    require_instructor(user=actor, quiz=quiz)
    problems: dict[str, str] = {}
    for item in items:
        response = responses.get(item.question_id)
        try:
            item.response = validate_response(item, response) if response is not None else None
        except ApplicationError as error:
            problems[str(item.question_id)] = error.message
    if problems:
        raise ApplicationError(
            "Some answers cannot be graded as they are.",
            code="invalid_response",
            details={"questions": problems},
        )
    keys = answer_keys({item.question_id for item in items})
    for item in items:
        question = item.question
        if question.type == Question.Type.ESSAY:
            answered = bool((item.response or {}).get("text", "").strip())
            item.score, item.fraction = (None, None) if answered else (Decimal("0.00"), Decimal(0))
            continue
        result = grade_response(
            question_type=question.type,
            answers=keys.get(item.question_id, []),
            response=item.response,
            points=item.points,
            case_sensitive=question.case_sensitive,
            options=item.options,
        )
        item.score, item.fraction = (result.score, result.fraction) if result else (None, None)
    attempt = Attempt(quiz=quiz, number=1, submitted_at=timezone.now())
    _attempt_totals(attempt, [(item.score, item.points) for item in items], timezone.now())
    return attempt
