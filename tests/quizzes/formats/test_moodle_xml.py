"""Moodle XML, as Moodle's question bank exports it, read with defusedxml."""

from decimal import Decimal
from pathlib import Path

import pytest

from quizzes.formats.base import ChoiceAnswer, FormatError, MatchPair, NumericalAnswer, Problem
from quizzes.formats.moodle_xml import parse_moodle_xml

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def bank():
    return {q.title: q for q in parse_moodle_xml((FILES / "leadership.xml").read_text())}


def test_every_question_in_order_with_its_line():
    questions = parse_moodle_xml((FILES / "leadership.xml").read_text())
    assert [(q.title, q.type, q.line) for q in questions] == [
        ("Brief before a list", "single_choice", 13),
        ("Two-challenge rule", "multiple_response", 53),
        ("CUS words", "true_false", 79),
        ("Check-back", "short_answer", 95),
        ("Span of huddles", "numerical", 112),
        ("Tools and moments", "matching", 134),
        ("A debrief you led", "essay", 155),
        ("About this section", "description", 164),
    ]
    assert {q.category for q in questions} == {("Teamwork", "TeamSTEPPS")}


def test_multichoice_single(bank):
    question = bank["Brief before a list"]
    assert question.format == "html"
    assert question.text.startswith("<p>Before an elective theatre list")
    assert question.general_feedback.startswith("<p>A brief plans the work")
    assert question.points == Decimal(2)
    assert question.tags == ("TeamSTEPPS",)
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("A brief", 1),
        ("A huddle", 0),
        ("A debrief", 0),
    ]
    assert (
        question.answers[1].feedback == "A huddle re-plans during the work when something changes."
    )


def test_multichoice_multiple_with_a_penalty(bank):
    question = bank["Two-challenge rule"]
    assert question.format == "moodle"
    assert question.general_feedback is None
    assert [a.fraction for a in question.answers] == [Decimal("0.5"), Decimal("0.5"), Decimal(-1)]


def test_truefalse(bank):
    assert bank["CUS words"].answers == (
        ChoiceAnswer("true", Decimal(1), "Right: CUS names three steps of rising concern."),
        ChoiceAnswer("false", Decimal(0), "These are the CUS words."),
    )


def test_shortanswer(bank):
    question = bank["Check-back"]
    assert question.case_sensitive is False
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("check-back", 1),
        ("read-back", Decimal("0.5")),
    ]


def test_numerical_with_tolerance_and_any_other_answer(bank):
    assert bank["Span of huddles"].answers == (
        NumericalAnswer(Decimal(8), Decimal("0.5"), Decimal(1), "Right: 24 / 3 = 8."),
        NumericalAnswer(None, Decimal(0), Decimal(0), "Divide the day by the number of huddles."),
    )


def test_matching(bank):
    assert bank["Tools and moments"].answers == (
        MatchPair("<p>Brief</p>", "Before the work"),
        MatchPair("<p>Huddle</p>", "During the work"),
        MatchPair("<p>Debrief</p>", "After the work"),
    )


def test_essay_and_description(bank):
    assert bank["A debrief you led"].answers == ()
    assert bank["A debrief you led"].points == Decimal(5)
    assert bank["About this section"].format == "markdown"


def problems(source: str) -> list[Problem]:
    with pytest.raises(FormatError) as caught:
        parse_moodle_xml(source)
    return caught.value.problems


def test_not_well_formed_xml_names_its_line():
    assert problems("<quiz>\n<question type='essay'>\n</quiz>") == [
        Problem(3, "The file is not well-formed XML (mismatched tag: line 3, column 2).")
    ]


def test_entities_are_refused():
    bomb = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>\n'
        "<quiz>&b;</quiz>"
    )
    assert problems(bomb) == [
        Problem(1, "The file declares entities or a DTD, which are not accepted.")
    ]


def test_wrong_root_and_unsupported_types_and_bad_fractions():
    assert problems("<questions/>") == [
        Problem(1, "A Moodle XML file has <quiz> around its questions.")
    ]
    source = (
        "<quiz>\n"
        '<question type="multianswer"><questiontext><text>{1:SA:=x}</text></questiontext>'
        "</question>\n"
        '<question type="multichoice"><questiontext><text>Q</text></questiontext>\n'
        '<answer fraction="150"><text>a</text></answer></question>\n'
        '<question type="essay"><questiontext><text></text></questiontext></question>\n'
        '<question type="truefalse"><questiontext><text>Q</text></questiontext>\n'
        '<answer fraction="100"><text>yes</text></answer></question>\n'
        '<question type="numerical"><questiontext><text>Q</text></questiontext>\n'
        '<answer fraction="100"><text>ten</text></answer></question>\n'
        "</quiz>"
    )
    assert problems(source) == [
        Problem(2, "Questions of Moodle's type “multianswer” cannot be imported."),
        Problem(3, "The fraction 150 is not a percent between -100 and 100."),
        Problem(5, "The question has no text."),
        Problem(6, "A true/false question has one answer “true” and one “false”."),
        Problem(8, "The answer “ten” is not a number."),
    ]
