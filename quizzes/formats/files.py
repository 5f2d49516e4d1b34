"""Which parser reads a file: chosen by the instructor, or by the file's extension."""

from collections.abc import Callable

from quizzes.formats.aiken import parse_aiken
from quizzes.formats.base import FormatError, ParsedQuestion, Problem, decode_text
from quizzes.formats.gift import parse_gift
from quizzes.formats.moodle_xml import parse_moodle_xml

GIFT = "gift"
AIKEN = "aiken"
MOODLE_XML = "moodle_xml"
FILE_FORMATS = {GIFT: "GIFT", AIKEN: "Aiken", MOODLE_XML: "Moodle XML"}
PARSERS: dict[str, Callable[[str], list[ParsedQuestion]]] = {
    GIFT: parse_gift,
    AIKEN: parse_aiken,
    MOODLE_XML: parse_moodle_xml,
}
# Moodle exports GIFT as .txt; Aiken files have no extension of their own.
_EXTENSIONS = {".gift": GIFT, ".txt": GIFT, ".xml": MOODLE_XML, ".aiken": AIKEN}


def format_for_filename(filename: str) -> str | None:
    """The format a file's extension says, or None."""
    dot = filename.rfind(".")
    return _EXTENSIONS.get(filename[dot:].lower()) if dot != -1 else None


def parse_file(data: bytes, file_format: str) -> list[ParsedQuestion]:
    """A question file's questions, or FormatError with every problem found."""
    parser = PARSERS.get(file_format)
    if parser is None:
        raise FormatError([Problem(1, f"“{file_format}” is not a question file format.")])
    return parser(decode_text(data))
