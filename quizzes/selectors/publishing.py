"""Whether a quiz can be published: questions, each with a right answer. The publishing
service refuses a quiz with problems; the page lists them beside its publish button."""

from quizzes.models import Question, Quiz


def _has_right_answer(question: Question) -> bool:
    """Essays are graded by hand and descriptions take no answer; a matching question needs a
    prompt with its answer; every other type a choice or accepted answer earning points."""
    if not question.takes_answer or question.is_graded_by_hand:
        return True
    choices = list(question.choices.all())
    if question.type == Question.Type.MATCHING:
        return any(c.text.strip() and c.match_text.strip() for c in choices)
    return any(c.fraction > 0 for c in choices)


def quiz_publish_problems(*, quiz: Quiz) -> list[str]:
    """Why the quiz cannot be published yet, one sentence each (empty: it can)."""
    slots = list(
        quiz.slots.select_related("question", "random_category")
        .prefetch_related("question__choices")
        .order_by("position")
    )
    if not slots:
        return ["The quiz has no questions yet."]
    problems: list[str] = []
    asks = False
    for slot in slots:
        if slot.question is not None:
            questions = [slot.question]
        else:
            assert slot.random_category is not None  # a slot holds a question or a category
            questions = list(slot.random_category.questions.prefetch_related("choices"))
            if not questions:
                problems.append(
                    f"Question {slot.position} draws from “{slot.random_category}”, "
                    "which has no questions."
                )
        for question in questions:
            asks |= question.takes_answer
            if not _has_right_answer(question):
                problems.append(
                    f"Question {slot.position} (“{question.name}”) has no right answer."
                )
    if not asks and not problems:
        problems.append("The quiz has only descriptions: add a question learners answer.")
    return problems
