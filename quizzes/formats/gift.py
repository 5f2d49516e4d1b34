"""GIFT, Moodle's plain-text question format, read in full.

Questions are separated by blank lines; `//` starts a comment line; `::title::` names a
question; `$CATEGORY: path` files the questions after it. The answer block `{...}` decides the
type: `{}` an essay, no block a description, `{T}`/`{FALSE}` true/false (`{T#wrong#right}`
with a feedback for each), `~` choices (single choice if one is marked `=`, else multiple
response), `=a -> b` matching, `#` numerical (`3.14:0.01`, `1..5`, several `=`), anything
else short answer. `%50%` weighs an answer, `#` gives it feedback, `####` the question's
general feedback. A block inside the sentence makes a missing-word question (its text has
`_____` where the block was). `\\~ \\= \\# \\{ \\} \\:` and `\\\\` are literal characters,
`\\n` a new line. `[html]`, `[markdown]`, `[plain]`, `[moodle]` before a text give its format.

Two departures from Moodle, both kinder to people writing files by hand: a blank line inside
an open answer block does not end the question when the next line goes on with the block (an
answer, feedback, the closing brace), and `{true}` is read as `{TRUE}`. Where Moodle guesses
(an answer block with no marker before its first answer, a second block, a weight out of
range), the file is refused with the line and the reason.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from quizzes.formats.base import (
    FORMAT_MOODLE,
    MAX_QUESTIONS,
    TEXT_FORMATS,
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
BLANK = "_____"  # what stands in a missing-word question's text for its answer block
CATEGORY_PREFIX = "$CATEGORY:"
# Far more answers than any question has (the question editor allows 20): a bound on the work
# one answer block can ask of the parser.
MAX_ANSWERS = 100
TRUE_WORDS = frozenset({"T", "TRUE"})
FALSE_WORDS = frozenset({"F", "FALSE"})
_WEIGHT = re.compile(r"-?\d{1,3}(\.\d+)?")
_FORMAT_PREFIX = re.compile(r"\[(" + "|".join(TEXT_FORMATS) + r")\]")
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")  # \~ \= \# \{ \} \: \\ and \n


def _mask(raw: str) -> str:
    """`raw` with each escape pair (`\\#`) replaced by two NULs: the same length, so what is
    found in the mask is found at the same place in the text, and escaped characters are
    never found."""
    return _ESCAPE.sub("\0\0", raw)


def unescape(raw: str) -> str:
    """The text an escaped stretch stands for."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)


@dataclass(frozen=True)
class _Span:
    """A stretch of a question's text: its characters, its mask, and where it starts."""

    raw: str
    mask: str
    start: int

    def __getitem__(self, key: slice) -> "_Span":
        begin, _, _ = key.indices(len(self.raw))
        return _Span(self.raw[key], self.mask[key], self.start + begin)

    def find(self, token: str, begin: int = 0) -> int:
        return self.mask.find(token, begin)

    def strip(self) -> "_Span":
        left = len(self.raw) - len(self.raw.lstrip())
        return self[left : max(len(self.raw.rstrip()), left)]

    def lstrip(self) -> "_Span":
        return self[len(self.raw) - len(self.raw.lstrip()) :]

    def split_at(self, markers: str, line: int) -> tuple["_Span", list[tuple[str, "_Span"]]]:
        """The text before the first marker, then (marker, text after it) for each one."""
        if sum(self.mask.count(m) for m in markers) > MAX_ANSWERS:
            raise _Refused(line, f"A question has at most {MAX_ANSWERS} answers here.")
        places = [i for i, c in enumerate(self.mask) if c in markers]
        head = self[: places[0]] if places else self
        pieces = []
        for n, place in enumerate(places):
            end = places[n + 1] if n + 1 < len(places) else len(self.raw)
            pieces.append((self.mask[place], self[place + 1 : end]))
        return head, pieces

    def text(self) -> str:
        return unescape(self.raw).strip()


class _Block:
    """One question's lines (comment lines blanked, so offsets keep their line)."""

    def __init__(self, first_line: int, lines: list[str]) -> None:
        self.first_line = first_line
        raw = "\n".join(lines)
        self.span = _Span(raw, _mask(raw), 0)

    def line_of(self, span: _Span | int) -> int:
        offset = span if isinstance(span, int) else span.start
        return self.first_line + self.span.raw.count("\n", 0, offset)


class _Refused(Exception):
    """A problem that stops reading this question (the file's other questions are read on)."""

    def __init__(self, line: int, reason: str) -> None:
        self.problem = Problem(line, reason)


def _with_format(span: _Span, default: str) -> tuple[str, _Span]:
    """A text's format prefix (`[html]`), if it has one, and the text after it (whitespace
    at its end kept: a missing word's text goes on after it)."""
    stripped = span.lstrip()
    found = _FORMAT_PREFIX.match(stripped.raw)
    if found is None:
        return default, stripped
    return found.group(1), stripped[found.end() :]


def _formatted_text(span: _Span, default: str) -> str:
    return _with_format(span, default)[1].text()


# A blank line inside an open answer block does not end the question when the next line goes
# on with the block: an answer, feedback or the closing brace.
_BLOCK_GOES_ON = ("=", "~", "#", "}")


def _blocks(text: str) -> Iterator[tuple[int, list[str]] | tuple[int, str]]:
    """The file as question blocks (first line, lines) and category lines (line, path), one
    at a time (a file refused after its thousandth question is read no further)."""
    lines = [line.strip() for line in text.split("\n")]
    # The first line of text after each blank line (for the look ahead), found in one pass.
    following = [""] * len(lines)
    for index in range(len(lines) - 2, -1, -1):
        following[index] = lines[index + 1] or following[index + 1]
    current: list[str] = []
    first = 0
    depth = 0  # answer blocks opened and not closed yet in the current question
    for index, stripped in enumerate(lines):
        number = index + 1
        ends = stripped.startswith(CATEGORY_PREFIX) or (
            not stripped and not (depth > 0 and following[index].startswith(_BLOCK_GOES_ON))
        )
        if ends:
            if any(current):
                yield first, current
            current, depth = [], 0
            if stripped:
                yield number, stripped[len(CATEGORY_PREFIX) :]
            continue
        if not current:
            first = number
        if not stripped or stripped.startswith("//"):  # a kept blank line, or a comment
            current.append("")
            continue
        current.append(stripped)
        mask = _mask(stripped)
        depth += mask.count("{") - mask.count("}")
    if any(current):
        yield first, current


def _weight(span: _Span, block: _Block, default: Decimal) -> tuple[Decimal, _Span]:
    """An answer's `%50%` weight as a fraction (or `default`), and the answer after it."""
    body = span.strip()
    if not body.raw.startswith("%"):
        return default, body
    end = body.find("%", 1)
    if end == -1:
        return default, body
    value = body.raw[1:end].strip()
    if not _WEIGHT.fullmatch(value) or not -100 <= Decimal(value) <= 100:
        raise _Refused(
            block.line_of(body),
            f"“%{value}%” is not a weight: give a percentage between -100 and 100, "
            "such as %50% or %-25%.",
        )
    return Decimal(value) / 100, body[end + 1 :]


def _feedback(span: _Span, fmt: str) -> tuple[_Span, str]:
    """An answer and its `#feedback`."""
    mark = span.find("#")
    if mark == -1:
        return span, ""
    return span[:mark], _formatted_text(span[mark + 1 :], fmt)


def _answer_text(span: _Span, piece: _Span, block: _Block, fmt: str) -> str:
    """The text of an answer (`span`, of the answer `piece`), which it must have."""
    text = _formatted_text(span, fmt)
    if not text:
        raise _Refused(block.line_of(piece.start - 1), "An answer has no text.")
    return text


def _choices(answers: _Span, block: _Block, fmt: str) -> tuple[QuestionType, list[Answer]]:
    head, pieces = answers.split_at("~=", block.line_of(answers))
    if head.strip().raw:
        raise _Refused(
            block.line_of(head.strip()),
            "Each answer starts with = (the right one) or ~ (a wrong one).",
        )
    parsed: list[Answer] = []
    for marker, piece in pieces:
        fraction, rest = _weight(piece, block, Decimal(1) if marker == "=" else Decimal(0))
        body, feedback = _feedback(rest, fmt)
        parsed.append(ChoiceAnswer(_answer_text(body, piece, block, fmt), fraction, feedback))
    single = any(marker == "=" for marker, _ in pieces)
    return (T.SINGLE_CHOICE if single else T.MULTIPLE_RESPONSE), parsed


def _true_false(answers: _Span, block: _Block, fmt: str) -> list[Answer]:
    first = answers.find("#")
    word = (answers if first == -1 else answers[:first]).text().upper()
    rest = answers[first + 1 :] if first != -1 else answers[len(answers.raw) :]
    second = rest.find("#")
    wrong = _formatted_text(rest if second == -1 else rest[:second], fmt)
    right = _formatted_text(rest[second + 1 :], fmt) if second != -1 else ""
    is_true = word in TRUE_WORDS
    return [
        ChoiceAnswer("true", Decimal(1 if is_true else 0), right if is_true else wrong),
        ChoiceAnswer("false", Decimal(0 if is_true else 1), wrong if is_true else right),
    ]


def _short_answers(answers: _Span, block: _Block, fmt: str) -> list[Answer]:
    head, pieces = answers.split_at("=", block.line_of(answers))
    if head.strip().raw:  # `{nobody}`: a single accepted answer without its `=`
        pieces.insert(0, ("=", head))
    parsed: list[Answer] = []
    for _, piece in pieces:
        fraction, rest = _weight(piece, block, Decimal(1))
        body, feedback = _feedback(rest, fmt)
        parsed.append(ChoiceAnswer(_answer_text(body, piece, block, fmt), fraction, feedback))
    return parsed


def _number(text: str, span: _Span, block: _Block) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _Refused(block.line_of(span), f"“{text.strip()}” is not a number.")
    return value


def _numerical_answer(piece: _Span, block: _Block, fmt: str) -> NumericalAnswer:
    fraction, rest = _weight(piece, block, Decimal(1))
    body, feedback = _feedback(rest, fmt)
    spec = body.strip()
    if spec.mask == "*":
        return NumericalAnswer(None, Decimal(0), fraction, feedback)
    if not spec.raw:
        raise _Refused(block.line_of(piece), "A numerical answer has no number.")
    dots, colon = spec.find(".."), spec.find(":")
    if dots > 0:
        low = _number(spec.raw[:dots], spec, block)
        high = _number(spec.raw[dots + 2 :], spec, block)
        if low > high:
            raise _Refused(block.line_of(spec), f"The range {low}..{high} ends below its start.")
        return NumericalAnswer((low + high) / 2, (high - low) / 2, fraction, feedback)
    if colon > 0:
        value = _number(spec.raw[:colon], spec, block)
        tolerance = _number(spec.raw[colon + 1 :], spec, block)
        if tolerance < 0:
            raise _Refused(block.line_of(spec), "A tolerance is not negative.")
        return NumericalAnswer(value, tolerance, fraction, feedback)
    return NumericalAnswer(_number(unescape(spec.raw), spec, block), Decimal(0), fraction, feedback)


def _numerical(answers: _Span, block: _Block, fmt: str) -> list[Answer]:
    body = answers.strip()[1:]  # the leading "#"
    other = body.find("~")
    rest = body[other + 1 :] if other != -1 else None
    head, pieces = (body[:other] if other != -1 else body).split_at("=", block.line_of(answers))
    if head.strip().raw:  # `{#3.14:0.01}`: a single answer without its `=`
        pieces.insert(0, ("=", head))
    parsed: list[Answer] = [_numerical_answer(piece, block, fmt) for _, piece in pieces]
    if not parsed:
        raise _Refused(block.line_of(answers), "A numerical question needs an answer: {#42}.")
    if rest is not None:  # `~#feedback`: what any other answer is told
        parsed.append(NumericalAnswer(None, Decimal(0), Decimal(0), _feedback(rest, fmt)[1]))
    return parsed


def _matching(answers: _Span, block: _Block, fmt: str) -> list[Answer]:
    head, pieces = answers.split_at("=", block.line_of(answers))
    if head.strip().raw:
        raise _Refused(block.line_of(head.strip()), "Each matching pair starts with =.")
    parsed: list[Answer] = []
    for _, piece in pieces:
        arrow = piece.find("->")
        if arrow == -1:
            raise _Refused(block.line_of(piece), "A matching pair is written =prompt -> answer.")
        parsed.append(MatchPair(_formatted_text(piece[:arrow], fmt), piece[arrow + 2 :].text()))
    return parsed


def _is_true_false(answers: _Span) -> bool:
    first = answers.find("#")
    word = (answers if first == -1 else answers[:first]).text().upper()
    return word in TRUE_WORDS | FALSE_WORDS


def _title(block: _Block, body: _Span) -> tuple[str | None, _Span]:
    """The `::title::`, if the question has one, and the question after it."""
    if not body.raw.startswith("::"):
        return None, body
    end = body.find("::", 2)
    if end == -1:
        raise _Refused(block.line_of(body), "The title opened with :: is not closed with ::.")
    return body[2:end].text() or None, body[end + 2 :].strip()


def _answer_block(block: _Block, body: _Span) -> tuple[int, int] | None:
    """Where the answer block opens and closes, None if there is none (a description)."""
    opening, closing = body.find("{"), body.find("}")
    if opening == -1 and closing == -1:
        return None
    if closing == -1:
        raise _Refused(block.line_of(opening), "The answer block opened here is not closed with }.")
    if opening == -1 or closing < opening:
        raise _Refused(
            block.line_of(closing),
            "This } closes no answer block (a literal brace is written \\{ or \\}).",
        )
    others = [i for i in (body.find("{", opening + 1), body.find("}", closing + 1)) if i != -1]
    if others:
        raise _Refused(
            block.line_of(min(others)),
            "A question has one answer block; write a literal brace as \\{ or \\}.",
        )
    return opening, closing


def _typed_answers(answers: _Span, block: _Block, fmt: str) -> tuple[QuestionType, list[Answer]]:
    """The question's type, told by its answer block as Moodle tells it, and its answers."""
    if not answers.raw:
        return T.ESSAY, []
    if answers.mask.startswith("#"):
        return T.NUMERICAL, _numerical(answers, block, fmt)
    if "~" in answers.mask:
        return _choices(answers, block, fmt)
    if "=" in answers.mask and "->" in answers.mask:
        return T.MATCHING, _matching(answers, block, fmt)
    if _is_true_false(answers):
        return T.TRUE_FALSE, _true_false(answers, block, fmt)
    return T.SHORT_ANSWER, _short_answers(answers, block, fmt)


def _question(block: _Block, category: tuple[str, ...]) -> ParsedQuestion:
    body = block.span.strip()
    line = block.line_of(body)
    title, body = _title(block, body)
    braces = _answer_block(block, body)
    if braces is None:
        fmt, text_span = _with_format(body, FORMAT_MOODLE)
        return _finished(line, T.DESCRIPTION, title, text_span.text(), fmt, category)
    opening, closing = braces
    fmt, before = _with_format(body[:opening], FORMAT_MOODLE)
    after = body[closing + 1 :]
    text = unescape(before.raw)
    if after.strip().raw:  # a missing word: the block stood inside the sentence
        text = f"{text}{BLANK}{unescape(after.raw)}"
    answers = body[opening + 1 : closing]
    general = None
    separator = answers.mask.rfind("####")
    if separator != -1:
        general = _formatted_text(answers[separator + 4 :], fmt) or None
        answers = answers[:separator]
    kind, parsed = _typed_answers(answers.strip(), block, fmt)
    return _finished(line, kind, title, text.strip(), fmt, category, general, parsed)


def _finished(
    line: int,
    kind: QuestionType,
    title: str | None,
    text: str,
    fmt: str,
    category: tuple[str, ...],
    general: str | None = None,
    answers: list[Answer] | None = None,
) -> ParsedQuestion:
    if not text:
        raise _Refused(line, "The question has no text.")
    return ParsedQuestion(
        type=kind,
        text=text,
        line=line,
        title=title,
        format=fmt,
        category=category,
        general_feedback=general,
        answers=tuple(answers or ()),
    )


def parse_gift(text: str) -> list[ParsedQuestion]:
    """Every question of a GIFT file in order, or FormatError with every problem found."""
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    category: tuple[str, ...] = ()
    for line, content in _blocks(text):
        if isinstance(content, str):
            category = category_names(content.strip())
            if not category:
                problems.append(Problem(line, "$CATEGORY: names no category."))
            continue
        if len(questions) + len(problems) >= MAX_QUESTIONS:
            raise FormatError([*problems, Problem(line, TOO_MANY_QUESTIONS)], questions)
        try:
            questions.append(_question(_Block(line, content), category))
        except _Refused as refused:
            problems.append(refused.problem)
    if problems:
        raise FormatError(problems, questions)
    return questions
