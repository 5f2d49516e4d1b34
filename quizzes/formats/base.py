"""What every question file parser returns: questions as plain data, or every problem found.

Parsers know nothing of the database. `quizzes.services.bank_import` checks the questions with
the question editor's own rules and writes them.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from quizzes.scoring import QuestionType

# Text formats a question file may give its texts in (GIFT's `[html]` prefixes, Moodle XML's
# `format` attributes). Moodle's own "auto-format" is the default of both.
FORMAT_MOODLE = "moodle"
FORMAT_HTML = "html"
FORMAT_MARKDOWN = "markdown"
FORMAT_PLAIN = "plain"
TEXT_FORMATS = (FORMAT_MOODLE, FORMAT_HTML, FORMAT_MARKDOWN, FORMAT_PLAIN)
# The most questions one file may hold: a large course's bank, and a bound on the work (and
# on the one transaction) a single import asks for.
MAX_QUESTIONS = 1000
TOO_MANY_QUESTIONS = f"The file holds more than {MAX_QUESTIONS:,} questions; split it in parts."


class Problem(NamedTuple):
    line: int
    reason: str


class FormatError(Exception):
    """A file that cannot be read as questions: every problem found, each with its line, and
    the questions that could be read (a preview shows them beside the problems)."""

    def __init__(
        self, problems: list[Problem], readable: "list[ParsedQuestion] | None" = None
    ) -> None:
        self.problems = sorted(problems)
        self.readable = readable or []
        super().__init__("; ".join(f"line {p.line}: {p.reason}" for p in self.problems))


@dataclass(frozen=True)
class ChoiceAnswer:
    """A choice (single choice, multiple response, true/false) or an accepted short answer."""

    text: str
    fraction: Decimal
    feedback: str = ""

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "fraction": _number(self.fraction), "feedback": self.feedback}


@dataclass(frozen=True)
class NumericalAnswer:
    """A number and its tolerance (a range is its midpoint and half-width). `value` None is
    Moodle's "any other answer" (`*`): it earns `fraction` when nothing else matches."""

    value: Decimal | None
    tolerance: Decimal
    fraction: Decimal
    feedback: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "value": None if self.value is None else _number(self.value),
            "tolerance": _number(self.tolerance),
            "fraction": _number(self.fraction),
            "feedback": self.feedback,
        }


@dataclass(frozen=True)
class MatchPair:
    """A matching prompt and its answer; an empty prompt is a distractor answer."""

    prompt: str
    match: str

    def as_json(self) -> dict[str, object]:
        return {"prompt": self.prompt, "match": self.match}


Answer = ChoiceAnswer | NumericalAnswer | MatchPair


@dataclass(frozen=True)
class ParsedQuestion:
    """One question as a file states it. `category` is a path from the top of the bank
    (names, outermost first), empty when the file names none; `line` is where it starts.
    `case_sensitive`, `points` and `tags` come from Moodle XML only (GIFT has none)."""

    type: QuestionType
    text: str
    line: int = field(compare=False)  # where it is, not what it is: a round trip moves it
    title: str | None = None
    format: str = FORMAT_MOODLE
    category: tuple[str, ...] = ()
    general_feedback: str | None = None
    answers: tuple[Answer, ...] = ()
    case_sensitive: bool = False
    points: Decimal | None = None
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The shape `import_gift --json` prints (and the API's preview shows)."""
        return {
            "type": str(self.type),
            "title": self.title,
            "text": self.text,
            "format": self.format,
            "category": category_path(self.category) if self.category else None,
            "general_feedback": self.general_feedback,
            "answers": [answer.as_json() for answer in self.answers],
        }


def category_path(names: tuple[str, ...]) -> str:
    """Names joined by "/", a "/" inside a name doubled (Moodle's way of writing them)."""
    return "/".join(name.replace("/", "//") for name in names)


def category_names(path: str) -> tuple[str, ...]:
    """A Moodle category path as names: "$course$/top/A/B" -> ("A", "B"); "//" is a "/"
    inside a name. The context prefix and Moodle's "top" level are not categories."""
    parts = [p.replace("\0", "/").strip() for p in path.replace("//", "\0").split("/")]
    if parts and parts[0].startswith("$") and parts[0].endswith("$") and len(parts[0]) > 1:
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return tuple(p for p in parts if p)


def _number(value: Decimal) -> int | float:
    """A decimal as a JSON number: whole numbers as integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def decode_text(data: bytes) -> str:
    """A file's bytes as text: UTF-8 (a byte order mark allowed), line ends made "\\n"."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError([Problem(line, "The file is not UTF-8 text.")]) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise FormatError([Problem(line, "The file holds a NUL character: it is not text.")])
    return text.replace("\r\n", "\n").replace("\r", "\n")
