from quizzes.services.grading import attempts_grade_waiting

from .base import lms_task


@lms_task(soft_time_limit=60, time_limit=90)
def grade_attempt(attempt_id: int) -> None:
    """Grade the attempt, and with it others waiting (see `attempts_grade_waiting`)."""
    attempts_grade_waiting(attempt_id=attempt_id)
