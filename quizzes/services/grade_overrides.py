"""Manual overrides of a graded attempt's total or of one question's score, with a reason,
kept in the grade history; module progress follows. A later regrade keeps an override."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from quizzes.models import MAX_GRADE_REASON, Attempt, GradeChange
from quizzes.scoring import parse_number
from quizzes.selectors.regrade import may_manage_grades
from quizzes.services.grade_history import (
    AttemptGrade,
    attempt_change,
    changes_write,
    question_change,
)
from quizzes.services.grading import (
    ATTEMPT_GRADE_FIELDS,
    _progress_after_grading,
    attempt_percent_set,
    attempt_totals,
)


def override_reason_check(reason: object) -> str:
    """The reason, stripped: required, at most MAX_GRADE_REASON characters."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > MAX_GRADE_REASON:
        message = f"Give the reason for the change, in at most {MAX_GRADE_REASON:,} characters."
        raise ApplicationError(message, code="invalid_reason", details={"reason": [message]})
    return text


def _score_check(score: object, most: Decimal) -> Decimal:
    value = parse_number(score)
    if value is None or not Decimal("0") <= value <= most:
        message = f"The score is a number from 0 to {most.normalize():f}."
        raise ApplicationError(
            message, code="invalid_score", details={"score": [message], "max": str(most)}
        )
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def attempt_grade_override(
    *,
    actor: User,
    attempt_id: int,
    score: object,
    reason: object,
    question_id: int | None = None,
) -> Attempt:
    """Set a graded attempt's total (no `question_id`) or one question's score by hand.

    A question's new score makes the total again from the questions' scores; a total set by
    hand stands until the next change. Both leave history rows with the reason.
    """
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz__module__course", "user")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not may_manage_grades(user=actor, course=attempt.quiz.module.course):
        raise NotFound("No such attempt.")
    if attempt.user_id == actor.pk and not actor.is_staff:
        raise PermissionDenied(
            "You cannot change the grade of your own attempt; another instructor must.",
            code="own_attempt",
        )
    if attempt.state != Attempt.State.GRADED:
        raise Conflict(
            "Only a graded attempt's score can be overridden; grade its essays first.",
            code="attempt_not_graded",
        )
    why = override_reason_check(reason)
    old = AttemptGrade.of(attempt)
    kind = GradeChange.Kind.OVERRIDE
    # A question's override and the total it makes share their moment: the history tells a
    # total set by hand (which a regrade keeps) from one made from the questions' scores.
    now = timezone.now()
    changes: list[GradeChange | None] = []
    if question_id is None:
        attempt.score = _score_check(score, attempt.max_score or Decimal("0"))
        attempt_percent_set(attempt)
    else:
        items = list(attempt.questions.select_related("question"))
        item = next((i for i in items if i.question_id == question_id), None)
        if item is None or not item.question.takes_answer:
            raise NotFound(
                "That question is not scored in this attempt.", code="question_not_in_attempt"
            )
        old_score = item.score
        item.score = _score_check(score, item.points)
        item.fraction = (
            (item.score / item.points).quantize(Decimal("0.00001")) if item.points else None
        )
        item.save(update_fields=["score", "fraction"])
        changes.append(question_change(item, old_score, kind=kind, by=actor, reason=why, at=now))
        attempt_totals(attempt, [(i.score, i.points) for i in items])
    changes.append(attempt_change(attempt, old, kind=kind, by=actor, reason=why, at=now))
    if not any(changes):
        raise ApplicationError("That is the score already: nothing changed.", code="no_change")
    attempt.save(update_fields=ATTEMPT_GRADE_FIELDS)
    changes_write(changes)
    audit_record(
        action=AuditAction.GRADE_CHANGED,
        target=f"{attempt.quiz.title}, attempt {attempt.number}",
        subject=attempt.user,
        actor=actor,
        reason=why,
        details={
            "attempt_id": attempt.pk,
            "question_id": question_id,
            "old_score": str(old.score),
            "new_score": str(attempt.score),
        },
    )
    _progress_after_grading([attempt])
    return attempt
