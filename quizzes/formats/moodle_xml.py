"""Moodle XML, the format Moodle's question bank exports by default, read with defusedxml
(no entity expansion, no external references, no DTD).

    <quiz>
      <question type="category"><category><text>$course$/top/Handoffs</text></category></question>
      <question type="multichoice">
        <name><text>…</text></name>
        <questiontext format="html"><text>…</text></questiontext>
        <generalfeedback format="html"><text>…</text></generalfeedback>
        <defaultgrade>1</defaultgrade>
        <single>true</single>
        <answer fraction="100" format="html">
          <text>…</text><feedback><text>…</text></feedback>
        </answer>
      </question>
    </quiz>

Types read: multichoice (single or not), truefalse, shortanswer (usecase), numerical
(tolerance per answer, `*` for any other answer), matching (subquestions), essay, description;
category entries file the questions after them. Fractions are percents.
"""

import re
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from quizzes.formats.base import (
    FORMAT_HTML,
    FORMAT_MARKDOWN,
    FORMAT_MOODLE,
    FORMAT_PLAIN,
    MAX_QUESTIONS,
    TOO_MANY_QUESTIONS,
    Answer,
    ChoiceAnswer,
    FormatError,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    Problem,
    category_names,
)
from quizzes.scoring import QuestionType

T = QuestionType
_FORMATS = {
    "html": FORMAT_HTML,
    "moodle_auto_format": FORMAT_MOODLE,
    "plain_text": FORMAT_PLAIN,
    "markdown": FORMAT_MARKDOWN,
}
_SIMPLE_TYPES = {"essay": T.ESSAY, "description": T.DESCRIPTION}
# Where a `<question` tag may stand: not inside CDATA or a comment.
_HIDDEN = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)
_QUESTION_TAG = re.compile(r"<question[\s>/]")


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _question_lines(text: str) -> list[int]:
    """The line of each `<question` tag, in order."""
    visible = _HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return [text.count("\n", 0, m.start()) + 1 for m in _QUESTION_TAG.finditer(visible)]


def _text(element: Element | None) -> str:
    """An element's `<text>` child (or its own text), stripped."""
    if element is None:
        return ""
    inner = element.find("text")
    source = inner if inner is not None else element
    return (source.text or "").strip()


def _format(element: Element | None, default: str = FORMAT_MOODLE) -> str:
    if element is None:
        return default
    return _FORMATS.get(element.get("format", ""), default)


def _decimal(text: str | None, what: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _Refused(f"{what} “{(text or '').strip()}” is not a number.")
    return value


def _fraction(answer: Element) -> Decimal:
    percent = _decimal(answer.get("fraction", "0"), "The fraction")
    if not -100 <= percent <= 100:
        raise _Refused(f"The fraction {percent} is not a percent between -100 and 100.")
    return percent / 100


def _is_true(element: Element | None) -> bool:
    return _text(element).lower() in ("true", "1")


def _choices(question: Element) -> list[Answer]:
    return [
        ChoiceAnswer(_text(a), _fraction(a), _text(a.find("feedback")))
        for a in question.findall("answer")
    ]


def _true_false(question: Element) -> list[Answer]:
    by_word: dict[str, ChoiceAnswer] = {}
    for a in question.findall("answer"):
        word = _text(a).lower()
        if word not in ("true", "false") or word in by_word:
            raise _Refused("A true/false question has one answer “true” and one “false”.")
        by_word[word] = ChoiceAnswer(word, _fraction(a), _text(a.find("feedback")))
    if len(by_word) != 2:
        raise _Refused("A true/false question has one answer “true” and one “false”.")
    return [by_word["true"], by_word["false"]]


def _numerical(question: Element) -> list[Answer]:
    answers: list[Answer] = []
    for a in question.findall("answer"):
        value_text = _text(a)
        value = None if value_text == "*" else _decimal(value_text, "The answer")
        tolerance_text = _text(a.find("tolerance")) or "0"
        tolerance = Decimal(0) if value is None else _decimal(tolerance_text, "The tolerance")
        if tolerance < 0:
            raise _Refused("A tolerance is not negative.")
        answers.append(
            NumericalAnswer(value, abs(tolerance), _fraction(a), _text(a.find("feedback")))
        )
    return answers


def _matching(question: Element) -> list[Answer]:
    return [
        MatchPair(_text(sub), _text(sub.find("answer"))) for sub in question.findall("subquestion")
    ]


def _question(element: Element, kind: str, line: int, category: tuple[str, ...]) -> ParsedQuestion:
    body = element.find("questiontext")
    text = _text(body)
    if not text:
        raise _Refused("The question has no text.")
    answers: list[Answer] = []
    case_sensitive = False
    if kind == "multichoice":
        # Moodle reads a missing <single> as true, a single choice.
        single = element.find("single") is None or _is_true(element.find("single"))
        question_type = T.SINGLE_CHOICE if single else T.MULTIPLE_RESPONSE
        answers = _choices(element)
    elif kind == "truefalse":
        question_type, answers = T.TRUE_FALSE, _true_false(element)
    elif kind == "shortanswer":
        question_type, answers = T.SHORT_ANSWER, _choices(element)
        case_sensitive = _is_true(element.find("usecase"))
    elif kind == "numerical":
        question_type, answers = T.NUMERICAL, _numerical(element)
    elif kind == "matching":
        question_type, answers = T.MATCHING, _matching(element)
    elif kind in _SIMPLE_TYPES:
        question_type = _SIMPLE_TYPES[kind]
    else:
        raise _Refused(f"Questions of Moodle's type “{kind}” cannot be imported.")
    grade = element.find("defaultgrade")
    points = None
    if grade is not None and (grade.text or "").strip():
        points = _decimal(grade.text, "The default grade")
    tags = tuple(t for t in (_text(tag) for tag in element.findall("tags/tag")) if t)
    return ParsedQuestion(
        type=question_type,
        text=text,
        line=line,
        title=_text(element.find("name")) or None,
        format=_format(body),
        category=category,
        general_feedback=_text(element.find("generalfeedback")) or None,
        answers=tuple(answers),
        case_sensitive=case_sensitive,
        points=points,
        tags=tags,
    )


def parse_moodle_xml(text: str) -> list[ParsedQuestion]:
    """Every question of a Moodle XML file in order, or FormatError with every problem."""
    try:
        root = fromstring(text)
    except ParseError as error:
        line = error.position[0] if error.position else 1
        raise FormatError([Problem(line, f"The file is not well-formed XML ({error}).")]) from None
    except DefusedXmlException:
        raise FormatError(
            [Problem(1, "The file declares entities or a DTD, which are not accepted.")]
        ) from None
    if root.tag != "quiz":
        raise FormatError([Problem(1, "A Moodle XML file has <quiz> around its questions.")])
    elements = root.findall("question")
    lines = _question_lines(text)
    if sum(1 for e in elements if e.get("type") != "category") > MAX_QUESTIONS:
        entries = [i for i, e in enumerate(elements) if e.get("type") != "category"]
        index = entries[MAX_QUESTIONS]
        raise FormatError([Problem(lines[index] if index < len(lines) else 1, TOO_MANY_QUESTIONS)])
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    category: tuple[str, ...] = ()
    for index, element in enumerate(elements):
        line = lines[index] if index < len(lines) else 1
        kind = element.get("type", "")
        try:
            if kind == "category":
                category = category_names(_text(element.find("category")))
                continue
            questions.append(_question(element, kind, line, category))
        except _Refused as refused:
            problems.append(Problem(line, refused.reason))
    if problems:
        raise FormatError(problems, questions)
    return questions
