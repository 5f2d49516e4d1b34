"""Publishing a quiz: only one learners can take and be graded on fairly.

A quiz is published only with questions, each of which has a right answer (essays, graded by
hand, and descriptions, which take no answer, need none). The page and the API both call
`quiz_status_set`, so the rule is the same for both.
"""

from django.db import transaction

from accounts.models import User
from courses.models import PublishStatus
from courses.services.content_changes import (
    active_progress_refresh,
    course_enrolments_lock,
    refuse_while_attempts_open,
)
from lms.errors import ApplicationError
from quizzes.models import Quiz
from quizzes.selectors.access import require_instructor
from quizzes.selectors.publishing import quiz_publish_problems


@transaction.atomic
def quiz_status_set(*, actor: User, quiz: Quiz, published: bool) -> Quiz:
    """Publish the quiz, once it can be taken, or take it back to draft.

    Its module's progress is recomputed for learners still working through the course: a
    quiz published counts from now on, one taken back no longer does. Learners who completed
    the course keep their completion and certificate.
    """
    require_instructor(user=actor, quiz=quiz)
    course = quiz.module.course
    enrolments = course_enrolments_lock(course=course)
    quiz = Quiz.objects.select_for_update().select_related("module__course").get(pk=quiz.pk)
    if published:
        problems = quiz_publish_problems(quiz=quiz)
        if problems:
            raise ApplicationError(
                "The quiz cannot be published yet: " + " ".join(problems),
                code="quiz_not_ready",
                details={"problems": problems},
            )
    else:
        refuse_while_attempts_open(quiz_filter={"quiz": quiz}, what="quiz")
    quiz.status = PublishStatus.PUBLISHED if published else PublishStatus.DRAFT
    quiz.save(update_fields=["status"])
    active_progress_refresh(enrolments=enrolments, modules=[quiz.module])
    return quiz
