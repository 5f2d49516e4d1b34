"""Grading rules: pure functions from a question's key and a response to a score.

Nothing here touches the database: the services load the key (`AnswerKey` rows built from
`Choice`), call `grade_response` and store what it returns. The same functions tell the review
which answer matched, so its feedback can be shown.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from django.db.models import TextChoices

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")


class QuestionType(TextChoices):
    """What kind of answer a question takes; `Question.type` stores one (`Question.Type`)."""

    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_RESPONSE = "multiple_response", "Multiple response"
    TRUE_FALSE = "true_false", "True/false"
    SHORT_ANSWER = "short_answer", "Short answer"
    NUMERICAL = "numerical", "Numerical"
    MATCHING = "matching", "Matching"
    ESSAY = "essay", "Essay (graded by hand)"
    DESCRIPTION = "description", "Description (no answer)"


# Types whose answers the learner picks from the question's choices.
CHOICE_TYPES = frozenset(
    {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE, QuestionType.TRUE_FALSE}
)


class GradingMethod(TextChoices):
    """Which of a learner's graded attempts make the quiz's score (`Quiz.GradingMethod`)."""

    HIGHEST = "highest", "Highest attempt"
    AVERAGE = "average", "Average of attempts"
    FIRST = "first", "First attempt"
    LAST = "last", "Last attempt"


def kept_percent(percents: list[Decimal], method: str) -> Decimal | None:
    """The quiz's score by its grading method, from the graded attempts' percents in order.

    Module progress, the quiz page's standing and the learner's next step all keep this one.
    """
    if not percents:
        return None
    if method == GradingMethod.AVERAGE:
        return sum(percents, ZERO) / len(percents)
    if method == GradingMethod.FIRST:
        return percents[0]
    if method == GradingMethod.LAST:
        return percents[-1]
    return max(percents)


@dataclass(frozen=True)
class AnswerKey:
    """One row of a question's key (a `Choice`), as plain data."""

    id: int
    fraction: Decimal = ZERO
    text: str = ""
    match_text: str = ""
    value_min: Decimal | None = None
    value_max: Decimal | None = None


class QuestionResult(NamedTuple):  # a tuple: made for every question a worker grades
    score: Decimal
    fraction: Decimal  # share of the points earned, 0..1
    # Key rows the response matched: the chosen choices, the accepted answer that matched, or
    # (matching) the prompts paired right. Their feedback is what the review shows.
    matched: tuple[int, ...] = ()


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(fraction: Decimal) -> Decimal:
    return min(max(fraction, ZERO), ONE)


def _result(points: Decimal, fraction: Decimal, matched=()) -> QuestionResult:
    fraction = _clamp(fraction)
    return QuestionResult(score=_quantize(points * fraction), fraction=fraction, matched=matched)


def _best_of(matching) -> AnswerKey | None:
    """The matching answer with the highest fraction; ties go to the lowest id, so the
    authoring order never changes the result."""
    return max(matching, key=lambda a: (a.fraction, -a.id), default=None)


def grade_choice_question(
    *, question_type: str, fractions: dict[int, Decimal], chosen: list[int], points: Decimal
) -> QuestionResult:
    """Score a choice question.

    Single choice and true/false: the chosen choice's fraction (negative ones are penalties,
    floored at zero for the question). Multiple response: the sum of the chosen fractions,
    floored at 0 and capped at 1. No answer scores 0.
    """
    picked = [c for c in dict.fromkeys(chosen) if c in fractions]
    if not picked:
        return _result(points, ZERO)
    if question_type == QuestionType.MULTIPLE_RESPONSE:
        return _result(points, sum((fractions[c] for c in picked), ZERO), tuple(sorted(picked)))
    return _result(points, fractions[picked[0]], (picked[0],))


def normalise_text(text: str) -> str:
    """Leading, trailing and repeated inner whitespace never decide a short answer."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _pattern(accepted: str, case_sensitive: bool) -> re.Pattern:
    # `*` matches any run of characters; `\*` is a literal asterisk; everything else is literal.
    parts = re.split(r"(\\\*|\*)", normalise_text(accepted))
    regex = "".join(
        ".*" if part == "*" else re.escape("*") if part == "\\*" else re.escape(part)
        for part in parts
    )
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.compile(regex, flags)


def short_answer_matches(*, accepted: str, response: str, case_sensitive: bool) -> bool:
    return _pattern(accepted, case_sensitive).fullmatch(normalise_text(response)) is not None


def grade_short_answer(
    *, answers: list[AnswerKey], text: str, case_sensitive: bool, points: Decimal
) -> QuestionResult:
    """The best fraction among the accepted answers the response matches (0 if none)."""
    if not normalise_text(text):
        return _result(points, ZERO)
    best = _best_of(
        a
        for a in answers
        if short_answer_matches(accepted=a.text, response=text, case_sensitive=case_sensitive)
    )
    if best is None:
        return _result(points, ZERO)
    return _result(points, best.fraction, (best.id,))


def parse_number(value) -> Decimal | None:
    """A finite decimal from a string or a JSON number, or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def grade_numerical(*, answers: list[AnswerKey], value, points: Decimal) -> QuestionResult:
    """The best fraction among the answers whose range holds the value (0 if none)."""
    number = parse_number(value)
    if number is None:
        return _result(points, ZERO)
    best = _best_of(
        a
        for a in answers
        if a.value_min is not None
        and a.value_max is not None
        and a.value_min <= number <= a.value_max
    )
    if best is None:
        return _result(points, ZERO)
    return _result(points, best.fraction, (best.id,))


def grade_matching(
    *, answers: list[AnswerKey], options: list[str], matches: dict[int, int], points: Decimal
) -> QuestionResult:
    """The share of prompts paired with their right answer.

    `options` are the answers as shown (option id = place, 1-based); `matches` maps prompt id
    to option id. Answers are compared by text, so two prompts may share one answer.
    """
    prompts = [a for a in answers if a.text]
    if not prompts:
        return _result(points, ZERO)
    right = []
    for prompt in prompts:
        option = matches.get(prompt.id)
        if (
            option is not None
            and 1 <= option <= len(options)
            and options[option - 1] == prompt.match_text
        ):
            right.append(prompt.id)
    return _result(points, Decimal(len(right)) / Decimal(len(prompts)), tuple(sorted(right)))


def grade_response(
    *,
    question_type: str,
    answers: list[AnswerKey],
    response: dict | None,
    points: Decimal,
    case_sensitive: bool = False,
    options: list[str] | None = None,
) -> QuestionResult | None:
    """Score any automatically graded type; None for essays and descriptions (no rule)."""
    response = response or {}
    if question_type in CHOICE_TYPES:
        return grade_choice_question(
            question_type=question_type,
            fractions={a.id: a.fraction for a in answers},
            chosen=list(response.get("choice_ids", [])),
            points=points,
        )
    if question_type == QuestionType.SHORT_ANSWER:
        return grade_short_answer(
            answers=answers,
            text=str(response.get("text", "")),
            case_sensitive=case_sensitive,
            points=points,
        )
    if question_type == QuestionType.NUMERICAL:
        return grade_numerical(answers=answers, value=response.get("value"), points=points)
    if question_type == QuestionType.MATCHING:
        matches = {int(k): v for k, v in (response.get("matches") or {}).items()}
        return grade_matching(
            answers=answers, options=options or [], matches=matches, points=points
        )
    return None
