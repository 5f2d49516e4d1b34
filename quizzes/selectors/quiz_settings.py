"""A quiz's settings as they apply to one learner (their override, if any, wins)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from quizzes.models import Quiz, QuizOverride


@dataclass(frozen=True)
class QuizSettings:
    attempts_allowed: int | None
    time_limit_minutes: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    delay_minutes: int | None
    override: QuizOverride | None = None


def quiz_settings_for(*, quiz: Quiz, user: User | AnonymousUser | None) -> QuizSettings:
    """The quiz's limits and dates for `user`, with their override applied (0 lifts a limit)."""
    override = None
    if user is not None and user.is_authenticated:
        override = QuizOverride.objects.filter(quiz=quiz, user=user).first()

    def pick(name: str) -> Any:  # a field of the quiz and override by name: getattr
        value = getattr(override, name, None) if override else None
        return getattr(quiz, name) if value is None else value

    return QuizSettings(
        attempts_allowed=pick("attempts_allowed") or None,
        time_limit_minutes=pick("time_limit_minutes") or None,
        opens_at=pick("opens_at"),
        closes_at=pick("closes_at"),
        delay_minutes=quiz.delay_minutes or None,
        override=override,
    )
