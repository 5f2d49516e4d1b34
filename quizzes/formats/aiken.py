"""Aiken: single-choice questions as plain lines.

    Which handover tool gives the report a fixed order?
    A. SBAR
    B) Free narrative
    ANSWER: A

The question's text (one line or more), then its options (a capital letter, "." or ")", a
space, the option), then `ANSWER:` and the right option's letter. Blank lines between
questions are optional.
"""

import re
from decimal import Decimal

from quizzes.formats.base import (
    FORMAT_MOODLE,
    MAX_QUESTIONS,
    TOO_MANY_QUESTIONS,
    ChoiceAnswer,
    FormatError,
    ParsedQuestion,
    Problem,
)
from quizzes.scoring import QuestionType

_OPTION = re.compile(r"([A-Z])[.)]\s+(\S.*)")
_ANSWER = re.compile(r"ANSWER:\s*(.*)", re.IGNORECASE)


class _Draft:
    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.options: list[tuple[str, str]] = []


def _finish(draft: _Draft, letter: str, line: int) -> ParsedQuestion:
    letters = [key for key, _ in draft.options]
    if not draft.options:
        raise FormatError([Problem(line, "ANSWER: comes before any option (A. …).")])
    if len(set(letters)) != len(letters):
        raise FormatError([Problem(draft.line, "Two options of this question share a letter.")])
    if letter not in letters:
        raise FormatError(
            [Problem(line, f"ANSWER: names “{letter}”, which is not one of the options.")]
        )
    return ParsedQuestion(
        type=QuestionType.SINGLE_CHOICE,
        text="\n".join(draft.text),
        line=draft.line,
        format=FORMAT_MOODLE,
        answers=tuple(
            ChoiceAnswer(text, Decimal(1 if key == letter else 0)) for key, text in draft.options
        ),
    )


class _Reader:
    """Reads the file line by line; after a problem, skips to the question's ANSWER: line."""

    def __init__(self) -> None:
        self.questions: list[ParsedQuestion] = []
        self.problems: list[Problem] = []
        self.draft: _Draft | None = None
        self.skipping = False

    def refuse(self, line: int, reason: str) -> None:
        self.problems.append(Problem(line, reason))
        self.skipping = True

    def answer(self, number: int, letter: str) -> None:
        if self.draft is None:
            self.problems.append(Problem(number, "ANSWER: comes before the question's text."))
        elif not self.skipping:
            if len(self.questions) >= MAX_QUESTIONS:
                raise FormatError(
                    [*self.problems, Problem(self.draft.line, TOO_MANY_QUESTIONS)], self.questions
                )
            try:
                self.questions.append(_finish(self.draft, letter.strip().upper(), number))
            except FormatError as error:
                self.problems.extend(error.problems)
        self.draft, self.skipping = None, False

    def line(self, number: int, line: str) -> None:
        answer = _ANSWER.fullmatch(line)
        if answer:
            self.answer(number, answer.group(1))
            return
        if self.skipping:
            return
        option = _OPTION.fullmatch(line)
        if self.draft is None:
            self.draft = _Draft(number)
            if option:
                self.refuse(number, "An option comes before the question's text.")
            else:
                self.draft.text.append(line)
        elif option:
            self.draft.options.append((option.group(1), option.group(2).strip()))
        elif self.draft.options:
            self.refuse(
                number,
                "After the options comes ANSWER: and the right letter "
                "(an option is a capital letter, “.” or “)”, a space, then its text).",
            )
        else:
            self.draft.text.append(line)


def parse_aiken(text: str) -> list[ParsedQuestion]:
    """Every question of an Aiken file in order, or FormatError with every problem found."""
    reader = _Reader()
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            reader.line(number, raw.strip())
    if reader.draft is not None and not reader.skipping:
        reader.problems.append(Problem(reader.draft.line, "This question has no ANSWER: line."))
    if reader.problems:
        raise FormatError(reader.problems, reader.questions)
    return reader.questions
