"""Which quizzes a user sees: learners the published ones of published modules; the
course's staff every one, drafts included (the pages mark them)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from courses.models import Module, PublishStatus
from courses.selectors.catalogue import courses_visible_to
from courses.selectors.publishing import quiz_is_live
from courses.selectors.staff import is_course_staff
from lms.errors import NotFound
from quizzes.models import Quiz


def quiz_for_viewer(*, user: User | AnonymousUser, quiz_id: int) -> Quiz:
    """The quiz if `user` may see it; otherwise "no such quiz" (a draft is not theirs to
    know of)."""
    quiz = Quiz.objects.select_related("module__course").filter(pk=quiz_id).first()
    if quiz is None:
        raise NotFound("No such quiz.")
    require_quiz_visible(user=user, quiz=quiz)
    return quiz


def require_quiz_visible(*, user: User | AnonymousUser, quiz: Quiz) -> None:
    if not courses_visible_to(user=user).filter(pk=quiz.module.course_id).exists():
        raise NotFound("No such quiz.")
    if not quiz_is_live(quiz) and not is_course_staff(user=user, course=quiz.module.course):
        raise NotFound("No such quiz.")


def quizzes_of_module_for(*, user: User | AnonymousUser, module: Module) -> QuerySet[Quiz]:
    quizzes = module.quizzes.order_by("id")
    if is_course_staff(user=user, course=module.course):
        return quizzes
    return quizzes.filter(status=PublishStatus.PUBLISHED)
