from quizzes.services import attempt_grade

from .base import lms_task


@lms_task(soft_time_limit=60, time_limit=90)
def grade_attempt(attempt_id: int) -> None:
    attempt_grade(attempt_id=attempt_id)
