"""Aiken: single-choice questions as plain lines."""

from decimal import Decimal
from pathlib import Path

import pytest

from quizzes.formats.aiken import parse_aiken
from quizzes.formats.base import ChoiceAnswer, FormatError, Problem

FILES = Path(__file__).parent / "files"


def test_the_sample_file():
    first, second = parse_aiken((FILES / "leadership.aiken").read_text())
    assert first.type == "single_choice"
    assert first.line == 1
    assert first.text.startswith("A second-year resident is called")
    assert first.text.endswith("Which framework gives her call a clear order?")
    assert "\n" in first.text  # a question's text may take more than one line
    assert first.answers[0] == ChoiceAnswer("SBAR", Decimal(1))
    assert [a["fraction"] for a in first.as_json()["answers"]] == [1, 0, 0, 0]  # type: ignore[attr-defined]  # a list of answers
    assert second.line == 9
    assert second.answers[1] == ChoiceAnswer("Repeat the order back before acting", Decimal(1))
    assert [a["fraction"] for a in second.as_json()["answers"]] == [0, 1, 0, 0]  # type: ignore[attr-defined]  # a list of answers
    assert first.category == () and first.title is None


def test_questions_need_no_blank_line_between_them():
    questions = parse_aiken("Q1?\nA. x\nB. y\nANSWER: B\nQ2?\nA) p\nB) q\nANSWER: a")
    assert [q.text for q in questions] == ["Q1?", "Q2?"]
    assert questions[1].answers == (ChoiceAnswer("p", Decimal(1)), ChoiceAnswer("q", Decimal(0)))


def test_malformed_lines_are_reported_with_their_lines():
    source = (
        "Which tool?\nA. SBAR\nB. SOAP\nANSWER: C\n"  # 1-4: no option C
        "\n"
        "A. An option first\nANSWER: A\n"  # 6: option before text
        "\n"
        "Which step?\nA. Check-back\nThis line is neither\nANSWER: A\n"  # 11
        "\n"
        "ANSWER: B\n"  # 14: no question
        "\n"
        "Last one?\nA. x\nB. y\n"  # 16: no ANSWER
    )
    with pytest.raises(FormatError) as caught:
        parse_aiken(source)
    assert caught.value.problems == [
        Problem(4, "ANSWER: names “C”, which is not one of the options."),
        Problem(6, "An option comes before the question's text."),
        Problem(
            11,
            "After the options comes ANSWER: and the right letter (an option is a capital "
            "letter, “.” or “)”, a space, then its text).",
        ),
        Problem(14, "ANSWER: comes before the question's text."),
        Problem(16, "This question has no ANSWER: line."),
    ]


def test_answer_before_options_and_repeated_letters():
    with pytest.raises(FormatError) as caught:
        parse_aiken("Q?\nANSWER: A\n\nR?\nA. x\nA. y\nANSWER: A")
    assert caught.value.problems == [
        Problem(2, "ANSWER: comes before any option (A. …)."),
        Problem(4, "Two options of this question share a letter."),
    ]
