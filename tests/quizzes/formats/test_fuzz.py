"""Property-based fuzzing: whatever a file holds, each parser returns questions or raises its
own FormatError, never anything else."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats.aiken import parse_aiken
from quizzes.formats.base import FormatError, decode_text
from quizzes.formats.gift import parse_gift
from quizzes.formats.moodle_xml import parse_moodle_xml

# Text built mostly from each format's own syntax, so the fuzzer reaches deep into the parser
# instead of stopping at the first unknown character.
GIFT_PIECES = [
    "{",
    "}",
    "~",
    "=",
    "#",
    "####",
    ":",
    "::",
    "->",
    "..",
    "%",
    "%50%",
    "%-100%",
    "\\",
    "\\n",
    "\n",
    "\n\n",
    "//",
    "$CATEGORY:",
    "[html]",
    "[plain]",
    "T",
    "FALSE",
    "*",
    "1",
    "-2.5",
    "3:0.1",
    " ",
    "a",
    "Ä",
    "_____",
]
AIKEN_PIECES = ["A. ", "B) ", "ANSWER: ", "A", "Z", "\n", "\n\n", "text", " ", "."]
XML_PIECES = [
    "<quiz>",
    "</quiz>",
    '<question type="multichoice">',
    '<question type="truefalse">',
    '<question type="numerical">',
    '<question type="matching">',
    '<question type="category">',
    "</question>",
    "<questiontext>",
    "</questiontext>",
    "<text>",
    "</text>",
    '<answer fraction="',
    '100">',
    '-50">',
    'x">',
    "</answer>",
    "<tolerance>",
    "</tolerance>",
    "<single>true</single>",
    "<subquestion>",
    "</subquestion>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "&amp;",
    "&x;",
    "<!DOCTYPE quiz>",
    "*",
    "true",
    "1",
    "\n",
]
FUZZ = settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _text(pieces):
    return st.lists(st.sampled_from(pieces) | st.text(max_size=4), max_size=40).map("".join)


def _never_anything_but_format_error(parse, text):
    try:
        parse(text)
    except FormatError as error:
        assert error.problems and all(p.line >= 1 and p.reason for p in error.problems)


@FUZZ
@given(_text(GIFT_PIECES))
def test_gift(text):
    _never_anything_but_format_error(parse_gift, text)


@FUZZ
@given(_text(AIKEN_PIECES))
def test_aiken(text):
    _never_anything_but_format_error(parse_aiken, text)


@FUZZ
@given(_text(XML_PIECES))
def test_moodle_xml(text):
    _never_anything_but_format_error(parse_moodle_xml, text)


@FUZZ
@given(st.binary(max_size=200))
def test_decoding_any_bytes(data):
    _never_anything_but_format_error(decode_text, data)


def test_each_parser_refuses_more_questions_than_one_file_may_hold():
    from quizzes.formats.base import MAX_QUESTIONS, TOO_MANY_QUESTIONS, Problem

    cases = [
        (parse_gift, "Reflect.{}\n\n" * (MAX_QUESTIONS + 1), 2 * MAX_QUESTIONS + 1),
        (parse_aiken, "Q?\nA. a\nB. b\nANSWER: A\n" * (MAX_QUESTIONS + 1), 4 * MAX_QUESTIONS + 1),
        (
            parse_moodle_xml,
            "<quiz>\n"
            + '<question type="essay"><questiontext><text>Q</text></questiontext></question>\n'
            * (MAX_QUESTIONS + 1)
            + "</quiz>",
            MAX_QUESTIONS + 2,
        ),
    ]
    for parse, text, line in cases:
        with pytest.raises(FormatError) as caught:
            parse(text)
        assert caught.value.problems == [Problem(line, TOO_MANY_QUESTIONS)], parse
    assert len(parse_gift("Reflect.{}\n\n" * MAX_QUESTIONS)) == MAX_QUESTIONS
