"""What grading reads: the attempts' questions and answer keys as plain data, and attempts
whose grading message was lost."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import TextField
from django.db.models.functions import Cast

from quizzes.models import Attempt, AttemptQuestion, Choice
from quizzes.scoring import AnswerKey


class GradingItem(NamedTuple):
    """An attempt's question, as much of it as scoring reads."""

    id: int
    attempt_id: int
    question_id: int
    type: str
    case_sensitive: bool
    points: Decimal
    options_json: str  # JSON as text: the answers a matching question offers, in order
    response_json: str | None


def items_to_grade(attempt_ids: list[int]) -> dict[int, list[GradingItem]]:
    """Each attempt's questions in order, as much of them as scoring reads (one query).

    The JSON columns come as text: a pass compares answers by it before decoding any.
    """
    items: dict[int, list[GradingItem]] = {attempt_id: [] for attempt_id in attempt_ids}
    rows = (
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
        .order_by("attempt_id", "position")
        .values_list(
            "id",
            "attempt_id",
            "question_id",
            "question__type",
            "question__case_sensitive",
            "points",
            Cast("options", TextField()),
            Cast("response", TextField()),
        )
    )
    for row in rows:
        item = GradingItem(*row)
        items[item.attempt_id].append(item)
    return items


def answer_keys(question_ids: Iterable[int]) -> dict[int, list[AnswerKey]]:
    """The key rows of these questions as plain data, in authoring order (one query)."""
    keys: dict[int, list[AnswerKey]] = {}
    rows = (
        Choice.objects.filter(question_id__in=list(question_ids))
        .order_by("position", "id")
        .values_list(
            "question_id", "id", "fraction", "text", "match_text", "value_min", "value_max"
        )
    )
    for row in rows:
        keys.setdefault(row[0], []).append(AnswerKey(*row[1:]))
    return keys


def attempts_stuck_in_submitted(*, older_than: datetime) -> list[int]:
    """Attempts submitted before `older_than` and still ungraded: their message was lost."""
    return list(
        Attempt.objects.filter(
            state=Attempt.State.SUBMITTED, submitted_at__lt=older_than
        ).values_list("id", flat=True)
    )
