"""A course's question bank (or one category of it) as a GIFT file."""

from collections.abc import Iterable
from decimal import Decimal

from courses.models import Course
from quizzes.formats.base import (
    FORMAT_MARKDOWN,
    Answer,
    ChoiceAnswer,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
)
from quizzes.formats.gift_export import export_gift
from quizzes.models import Choice, Question, QuestionCategory

# Moodle's "any other answer" of a numerical question is kept as the widest range a key can
# hold: it matches every number and, earning nothing, never beats a right answer.
_VALUE = Choice._meta.get_field("value_min")
ANY_NUMBER = Decimal(10) ** ((_VALUE.max_digits or 24) - (_VALUE.decimal_places or 10)) - 1


def category_paths(*, course: Course) -> dict[int, tuple[str, ...]]:
    """Each category of the course's bank (by id) as its path of names from the top."""
    categories = {c.pk: c for c in QuestionCategory.objects.filter(course=course)}
    paths: dict[int, tuple[str, ...]] = {}
    for category in categories.values():
        names: list[str] = []
        current: QuestionCategory | None = category
        while current is not None and len(names) < len(categories):  # a cycle cannot loop
            names.append(current.name)
            current = categories.get(current.parent_id) if current.parent_id else None
        paths[category.pk] = tuple(reversed(names))
    return paths


def _answers(question: Question) -> tuple[Answer, ...]:
    rows = list(question.choices.all())
    if question.type == Question.Type.NUMERICAL:
        answers: list[Answer] = []
        for row in rows:
            low, high = row.value_min or Decimal(0), row.value_max or Decimal(0)
            if low <= -ANY_NUMBER and high >= ANY_NUMBER:
                answers.append(NumericalAnswer(None, Decimal(0), row.fraction, row.feedback))
            else:
                half = (high - low) / 2
                answers.append(NumericalAnswer(low + half, half, row.fraction, row.feedback))
        return tuple(answers)
    if question.type == Question.Type.MATCHING:
        return tuple(MatchPair(row.text, row.match_text) for row in rows)
    if question.type == Question.Type.TRUE_FALSE:
        return tuple(ChoiceAnswer(row.text.lower(), row.fraction, row.feedback) for row in rows)
    return tuple(ChoiceAnswer(row.text, row.fraction, row.feedback) for row in rows)


def question_as_parsed(question: Question, category: tuple[str, ...]) -> ParsedQuestion:
    """A bank question as a file states it (its text Markdown, as the bank keeps it)."""
    return ParsedQuestion(
        type=Question.Type(question.type),
        text=question.text,
        line=0,
        title=question.name or None,
        format=FORMAT_MARKDOWN,
        category=category,
        general_feedback=question.general_feedback or None,
        answers=_answers(question),
        case_sensitive=question.case_sensitive,
    )


def bank_questions(*, course: Course, category: QuestionCategory | None = None) -> list[Question]:
    """The bank's current questions (of one category and its subcategories, if given), in
    the order of their categories' paths."""
    paths = category_paths(course=course)
    queryset = Question.objects.filter(category__course=course, is_current=True)
    if category is not None:
        top = paths[category.pk]
        inside = [pk for pk, path in paths.items() if path[: len(top)] == top]
        queryset = queryset.filter(category_id__in=inside)
    questions = list(queryset.prefetch_related("choices").order_by("id"))
    return sorted(questions, key=lambda q: paths[q.category_id])


def bank_gift(*, course: Course, questions: Iterable[Question] | None = None) -> str:
    """The questions (default: the whole bank) as one GIFT file, `$CATEGORY:` lines included."""
    paths = category_paths(course=course)
    chosen = bank_questions(course=course) if questions is None else questions
    return export_gift(question_as_parsed(q, paths[q.category_id]) for q in chosen)
