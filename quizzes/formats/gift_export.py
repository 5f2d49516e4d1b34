"""Questions written as GIFT, so that `parse_gift` reads back the same questions."""

from collections.abc import Iterable
from decimal import Decimal

from quizzes.formats.base import (
    ChoiceAnswer,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    category_path,
)
from quizzes.formats.gift import _FORMAT_PREFIX, CATEGORY_PREFIX
from quizzes.scoring import QuestionType

T = QuestionType
_RESERVED = {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:"}


def escape(text: str) -> str:
    """GIFT's reserved characters escaped, new lines as `\\n` (a question is one block)."""
    escaped = "".join(_RESERVED.get(c, c) for c in text)
    return escaped.replace("\r", "").replace("\n", "\\n")


def _text(text: str, fmt: str) -> str:
    """A text inside a question: its own `[format]` only where it starts like one."""
    prefix = f"[{fmt}]" if _FORMAT_PREFIX.match(text) else ""
    return prefix + escape(text)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _weight(fraction: Decimal) -> str:
    return f"%{_number(fraction * 100)}%"


def _feedback(feedback: str, fmt: str) -> str:
    return f"#{_text(feedback, fmt)}" if feedback else ""


def _choice_line(question: ParsedQuestion, answer: ChoiceAnswer, *, the_right_one: bool) -> str:
    """One answer. A single choice marks one right answer `=` and writes the others with
    `~` (weighted), so that the block reads back as choices, not short answers."""
    text = _text(answer.text, question.format)
    if question.type == T.SHORT_ANSWER:
        plain = answer.fraction == 1 and not text.startswith("%")
        marker = "=" if plain else "=" + _weight(answer.fraction)
    elif the_right_one:
        marker = "="
    elif answer.fraction == 0 and not text.startswith("%"):
        marker = "~"
    else:
        marker = "~" + _weight(answer.fraction)
    return f"\t{marker}{text}{_feedback(answer.feedback, question.format)}"


def _numerical_line(question: ParsedQuestion, answer: NumericalAnswer) -> str:
    feedback = _feedback(answer.feedback, question.format)
    if answer.value is None and answer.fraction == 0:
        return f"\t~{feedback or '#'}"
    value = "*" if answer.value is None else f"{_number(answer.value)}:{_number(answer.tolerance)}"
    return f"\t={_weight(answer.fraction)}{value}{feedback}"


def _answer_lines(question: ParsedQuestion) -> list[str]:
    if question.type == T.TRUE_FALSE:
        by_text = {a.text: a for a in question.answers if isinstance(a, ChoiceAnswer)}
        right_is_true = by_text["true"].fraction > 0
        chosen, other = (by_text["true"], by_text["false"])[:: 1 if right_is_true else -1]
        fmt = question.format
        block = "TRUE" if right_is_true else "FALSE"
        if chosen.feedback or other.feedback:  # GIFT writes the wrong answer's first
            block += f"#{_text(other.feedback, fmt)}#{_text(chosen.feedback, fmt)}"
        return [block]
    lines = []
    right: ChoiceAnswer | None = next(
        (a for a in question.answers if isinstance(a, ChoiceAnswer) and a.fraction == 1), None
    )
    for answer in question.answers:
        if isinstance(answer, ChoiceAnswer):
            the_right_one = question.type == T.SINGLE_CHOICE and answer is right
            lines.append(_choice_line(question, answer, the_right_one=the_right_one))
        elif isinstance(answer, NumericalAnswer):
            lines.append(_numerical_line(question, answer))
        elif isinstance(answer, MatchPair):
            prompt = _text(answer.prompt, question.format) if answer.prompt else ""
            lines.append(f"\t={prompt} -> {escape(answer.match)}")
    return lines


def _question(question: ParsedQuestion) -> str:
    head = f"::{escape(question.title)}::" if question.title else ""
    head += f"[{question.format}]{escape(question.text)}"
    if question.type == T.DESCRIPTION:
        return head
    general = (
        f"####{_text(question.general_feedback, question.format)}"
        if question.general_feedback
        else ""
    )
    lines = _answer_lines(question)
    if question.type == T.ESSAY:
        return f"{head}{{{general}}}"
    if question.type == T.TRUE_FALSE:
        return f"{head}{{{lines[0]}{general}}}"
    opening = "{#" if question.type == T.NUMERICAL else "{"
    body = "\n".join(lines + ([f"\t{general}"] if general else []))
    return f"{head}{opening}\n{body}\n}}"


def export_gift(questions: Iterable[ParsedQuestion]) -> str:
    """A GIFT file of the questions, in order, with a `$CATEGORY:` line wherever the category
    changes."""
    parts: list[str] = []
    category: tuple[str, ...] | None = None
    for question in questions:
        if question.category and question.category != category:
            parts.append(f"{CATEGORY_PREFIX} $course$/top/{category_path(question.category)}")
        category = question.category
        parts.append(_question(question))
    return "\n\n".join(parts) + "\n" if parts else ""
