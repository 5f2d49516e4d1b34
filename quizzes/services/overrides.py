"""Overrides (accommodations): one learner's own time limit, attempts or dates."""

from datetime import datetime

from django.db import transaction

from accounts.models import User
from courses.models import Enrolment
from lms.errors import ApplicationError, NotFound, validate_model
from quizzes.models import Attempt, Quiz, QuizOverride
from quizzes.selectors.access import require_instructor
from quizzes.selectors.quiz_settings import quiz_settings_for
from quizzes.services.attempts import attempt_deadline


@transaction.atomic
def quiz_override_set(
    *,
    actor: User,
    quiz: Quiz,
    user: User,
    time_limit_minutes: int | None = None,
    attempts_allowed: int | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> QuizOverride:
    """Give one learner their own time limit, attempts or dates (0 lifts a limit).

    A learner's open attempt gets the new deadline at once.
    """
    require_instructor(user=actor, quiz=quiz)
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
    validate_model(override)
    override.save()

    _open_attempt_deadline_refresh(quiz=quiz, user=user)
    return override


def _open_attempt_deadline_refresh(*, quiz: Quiz, user: User) -> None:
    open_attempt = (
        Attempt.objects.select_for_update()
        .filter(quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if open_attempt is not None:
        rules = quiz_settings_for(quiz=quiz, user=user)
        open_attempt.deadline = attempt_deadline(
            started_at=open_attempt.started_at,
            time_limit_minutes=rules.time_limit_minutes,
            closes_at=rules.closes_at,
        )
        open_attempt.save(update_fields=["deadline"])


@transaction.atomic
def quiz_override_delete(*, actor: User, override_id: int) -> None:
    override = (
        QuizOverride.objects.select_related("quiz__module__course").filter(pk=override_id).first()
    )
    if override is None:
        raise NotFound("No such override.")
    require_instructor(user=actor, quiz=override.quiz)
    override.delete()
    _open_attempt_deadline_refresh(quiz=override.quiz, user=override.user)
