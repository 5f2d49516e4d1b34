"""Grading rules: pure functions from a question, its choices and a response to a score."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Question

CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuestionResult:
    score: Decimal
    fraction: Decimal  # share of the points earned, 0..1


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_choice_question(
    *, question_type: str, fractions: dict[int, Decimal], chosen: list[int], points: Decimal
) -> QuestionResult:
    """Score a choice question.

    Single choice and true/false: the chosen choice's fraction (negative ones are penalties,
    floored at zero for the question). Multiple response: the sum of the chosen fractions,
    floored at 0 and capped at 1. No answer scores 0.
    """
    chosen_fractions = [fractions[c] for c in dict.fromkeys(chosen) if c in fractions]
    if not chosen_fractions:
        fraction = Decimal("0")
    elif question_type == Question.Type.MULTIPLE_RESPONSE:
        fraction = sum(chosen_fractions, Decimal("0"))
    else:
        fraction = chosen_fractions[0]
    fraction = min(max(fraction, Decimal("0")), Decimal("1"))
    return QuestionResult(score=_quantize(points * fraction), fraction=fraction)
