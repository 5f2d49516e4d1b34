"""The demo's answers to a question of any type: the one that earns its points, or one that
earns none. The graduate takes the flagship course with them; the demo cohort's residents'
attempts are built from them."""

from decimal import Decimal

from quizzes.models import Choice, Question

T = Question.Type
ESSAY_ANSWER = (
    "I would ask for a private conversation the same day, start with what I observed, listen "
    "before proposing anything, and agree one next step and a date to review it together."
)


def demo_response(
    question: Question, choices: list[Choice], options: list[str], *, right: bool
) -> dict[str, object] | None:
    """A response to `question` (its choices in position order; `options` the matching
    answers as the attempt shows them)."""
    if question.type in Question.CHOICE_TYPES:
        chosen = [c.id for c in choices if (c.fraction > 0) == right]
        return {"choice_ids": chosen if right else chosen[:1]}
    if question.type == T.SHORT_ANSWER:
        return {"text": next(c.text for c in choices if c.fraction == 1) if right else "unsure"}
    if question.type == T.NUMERICAL:
        best = next(c for c in choices if c.fraction == 1)
        low, high = best.value_min or Decimal(0), best.value_max or Decimal(0)
        return {"value": str((low + high) / 2 if right else high + 1000)}
    if question.type == T.MATCHING:
        prompts = [c for c in choices if c.text]
        if right:
            return {"matches": {str(c.id): options.index(c.match_text) + 1 for c in prompts}}
        wrong = {c.id: (options.index(c.match_text) + 1) % len(options) + 1 for c in prompts}
        return {"matches": {str(k): v for k, v in wrong.items()}}
    if question.type == T.ESSAY:
        return {"text": ESSAY_ANSWER if right else "I am not sure."}
    return None
