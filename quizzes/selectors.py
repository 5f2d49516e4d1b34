"""Reads for quizzes: what a viewer may see of a quiz or an attempt.

Answer keys (fractions, which choice is right, per-answer feedback) leave the server only
through `attempt_review` and only when `review_visible` allows it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from lms.errors import NotFound

from .models import Attempt, Choice, Quiz


def is_course_instructor(*, user, course) -> bool:
    return user.is_staff or course.instructors.filter(pk=user.pk).exists()


def attempt_for_viewer(*, user, attempt_id: int) -> Attempt:
    """The attempt if `user` is its learner, an instructor of its course, or staff."""
    attempt = (
        Attempt.objects.select_related("quiz__module__course", "user").filter(pk=attempt_id).first()
    )
    if attempt is None:
        raise NotFound("No such attempt.")
    if attempt.user_id == user.pk or is_course_instructor(user=user, course=attempt.quiz.course):
        return attempt
    raise NotFound("No such attempt.")  # not theirs: its existence is not theirs to know


def review_visible(*, attempt: Attempt, user, now=None) -> bool:
    """May `user` see right answers and feedback for this attempt now?"""
    if attempt.user_id != user.pk:
        return True  # instructors and staff (attempt_for_viewer has checked them)
    if attempt.state != Attempt.State.GRADED:
        return False
    when = attempt.quiz.review_answers
    if when == Quiz.ReviewWhen.IMMEDIATELY:
        return True
    if when == Quiz.ReviewWhen.AFTER_CLOSE:
        closes_at = attempt.quiz.closes_at
        return closes_at is not None and (now or timezone.now()) >= closes_at
    return False


@dataclass
class ChoiceView:
    id: int
    text: str
    chosen: bool
    correct: bool | None = None  # None when the key is not to be shown
    feedback: str = ""


@dataclass
class QuestionView:
    question_id: int
    position: int
    type: str
    text_html: str
    points: Decimal
    choices: list[ChoiceView]
    answered: bool
    score: Decimal | None = None
    general_feedback: str = ""


@dataclass
class AttemptView:
    attempt: Attempt
    show_answers: bool
    questions: list[QuestionView] = field(default_factory=list)


def attempt_view(*, attempt: Attempt, user) -> AttemptView:
    """The attempt's questions in their frozen order, with keys only where review allows."""
    show = review_visible(attempt=attempt, user=user)
    items = list(attempt.questions.select_related("question"))
    choices = {c.id: c for c in Choice.objects.filter(question__in=[i.question_id for i in items])}
    view = AttemptView(attempt=attempt, show_answers=show)
    for item in items:
        chosen = set((item.response or {}).get("choice_ids", []))
        choice_views = []
        for cid in item.choice_order:
            choice = choices.get(cid)
            if choice is None:
                continue
            cv = ChoiceView(id=cid, text=choice.text, chosen=cid in chosen)
            if show:
                cv.correct = choice.fraction > 0
                cv.feedback = choice.feedback if cid in chosen else ""
            choice_views.append(cv)
        qv = QuestionView(
            question_id=item.question_id,
            position=item.position,
            type=item.question.type,
            text_html=item.question.text_html,
            points=item.points,
            choices=choice_views,
            answered=bool(chosen),
        )
        if attempt.state == Attempt.State.GRADED:
            qv.score = item.score
        if show:
            qv.general_feedback = item.question.general_feedback
        view.questions.append(qv)
    return view


def attempts_of_learner(*, user, quiz: Quiz) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
