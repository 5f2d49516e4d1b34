"""Graded attempts written as rows with the scores a test chooses, to check figures by hand."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz
from tests.factories import UserFactory


def graded_attempt(
    quiz: Quiz,
    user,
    items: Sequence[tuple[Question, Decimal | int, dict | None]],
    *,
    number: int = 1,
    points: Decimal = Decimal("1"),
    state: str = Attempt.State.GRADED,
) -> Attempt:
    """An attempt of `user` with a row per (question, score, response), graded unless `state`
    says otherwise; its total is the sum of the scores."""
    now = timezone.now()
    total = sum((Decimal(score) for _, score, _ in items), Decimal("0"))
    max_score = points * len(items)
    percent = (total * 100 / max_score).quantize(Decimal("0.01"))
    is_graded = state == Attempt.State.GRADED
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        state=state,
        submitted_at=None if state == Attempt.State.IN_PROGRESS else now,
        graded_at=now if is_graded else None,
        score=total if is_graded else None,
        max_score=max_score if is_graded else None,
        percent=percent if is_graded else None,
        passed=percent >= quiz.pass_mark_percent if is_graded else None,
    )
    for position, (question, score, response) in enumerate(items, start=1):
        AttemptQuestion.objects.create(
            attempt=attempt,
            position=position,
            question=question,
            points=points,
            score=Decimal(score),
            fraction=(Decimal(score) / points).quantize(Decimal("0.00001")) if points else None,
            response=response,
        )
    return attempt


def choice(question: Question, right: bool) -> dict:
    """The response picking the question's right choice, or its first wrong one."""
    picked = next(c for c in question.choices.order_by("position") if (c.fraction > 0) == right)
    return {"choice_ids": [picked.id]}


# Four learners' scores on three one-point questions (rows: learners A-D; columns Q1-Q3).
# By hand (Pearson's r of the question's score with the rest of the test):
#   Q1 = 1,1,1,0  rest 2,1,0,1   facility 0.75  r = 0
#   Q2 = 1,1,0,0  rest 2,1,1,1   facility 0.5   r = 0.5 / sqrt(1 * 0.75)    =  0.5774
#   Q3 = 1,0,0,1  rest 2,2,1,0   facility 0.5   r = -0.5 / sqrt(1 * 2.75)   = -0.3015
SCORES = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1)]


def known_attempts(quiz: Quiz) -> tuple[list[Question], list[User]]:
    """SCORES as graded first attempts of four learners, plus a second attempt of learner D
    (all right) and an attempt in progress, which the first-attempt analysis leaves out."""
    questions = [s.question for s in quiz.slots.order_by("position") if s.question is not None]
    assert len(questions) == 3
    learners = [UserFactory(full_name=f"Learner {name}") for name in "ABCD"]
    for learner, scores in zip(learners, SCORES, strict=True):
        graded_attempt(
            quiz,
            learner,
            [(q, s, choice(q, bool(s))) for q, s in zip(questions, scores, strict=True)],
        )
    graded_attempt(quiz, learners[3], [(q, 1, choice(q, True)) for q in questions], number=2)
    graded_attempt(
        quiz,
        UserFactory(full_name="Still Answering"),
        [(q, 0, None) for q in questions],
        state=Attempt.State.IN_PROGRESS,
    )
    return questions, learners
