"""Instructors' reads: essays waiting for a grade, overrides, a quiz with its counts."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from courses.selectors.staff import course_staff_filter
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz, QuizOverride


def essays_awaiting_grading(*, user: User) -> QuerySet[AttemptQuestion]:
    """Answered essays with no score yet, in the courses `user` teaches (as instructor or
    teaching assistant), oldest first."""
    queryset = AttemptQuestion.objects.filter(
        attempt__state=Attempt.State.NEEDS_REVIEW,
        question__type=Question.Type.ESSAY,
        score__isnull=True,
    ).select_related("attempt__user", "attempt__quiz__module__course", "question")
    taught = course_staff_filter(user, "attempt__quiz__module__course__")
    return (
        queryset.filter(taught)
        .distinct()
        .order_by("attempt__submitted_at", "attempt_id", "position")
    )


def quiz_overrides(*, quiz: Quiz) -> QuerySet[QuizOverride]:
    return quiz.overrides.select_related("user").order_by("user__full_name", "user__username")


def quiz_with_counts(*, quiz_id: int) -> Quiz | None:
    return (
        Quiz.objects.select_related("module__course")
        .annotate(waiting=Count("attempts", filter=Q(attempts__state=Attempt.State.NEEDS_REVIEW)))
        .filter(pk=quiz_id)
        .first()
    )
