"""The grade history: a `GradeChange` row for every change of an attempt's or a question's
score, built here by every path that changes one (grading, hand grading, regrade, override)
and written by that path in the same transaction, in one statement per pass."""

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from accounts.models import User
from quizzes.models import Attempt, AttemptQuestion, GradeChange, RegradeJob


class AttemptGrade(NamedTuple):
    """An attempt's grade at one moment: what its history rows compare."""

    score: Decimal | None
    percent: Decimal | None
    passed: bool | None

    @classmethod
    def of(cls, attempt: Attempt) -> "AttemptGrade":
        return cls(attempt.score, attempt.percent, attempt.passed)


def attempt_change(
    attempt: Attempt,
    old: AttemptGrade,
    *,
    kind: str,
    by: User | None = None,
    reason: str = "",
    job: RegradeJob | None = None,
    at: datetime | None = None,
) -> GradeChange | None:
    """The history row of the attempt's total moving from `old` to what it holds now, or
    None when nothing changed (a regrade that changes nothing leaves no row)."""
    new = AttemptGrade.of(attempt)
    if new == old:
        return None
    return GradeChange(
        attempt_id=attempt.pk,
        kind=kind,
        changed_by=by,
        changed_at=at or timezone.now(),
        reason=reason,
        old_score=old.score,
        new_score=new.score,
        old_percent=old.percent,
        new_percent=new.percent,
        old_passed=old.passed,
        new_passed=new.passed,
        regrade_job=job,
    )


def question_change(
    item: AttemptQuestion,
    old_score: Decimal | None,
    *,
    kind: str,
    by: User | None = None,
    reason: str = "",
    job: RegradeJob | None = None,
    at: datetime | None = None,
) -> GradeChange | None:
    """The history row of one question's score moving from `old_score` to `item.score`."""
    if item.score == old_score:
        return None
    return GradeChange(
        attempt_id=item.attempt_id,
        question_id=item.question_id,
        kind=kind,
        changed_by=by,
        changed_at=at or timezone.now(),
        reason=reason,
        old_score=old_score,
        new_score=item.score,
        regrade_job=job,
    )


def changes_write(changes: list[GradeChange | None]) -> None:
    """Write these history rows in one statement (the `None`s, nothing changed, left out)."""
    rows = [change for change in changes if change is not None]
    if rows:
        GradeChange.objects.bulk_create(rows)
