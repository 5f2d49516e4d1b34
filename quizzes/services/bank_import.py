"""Question files into a course's bank: a preview that writes nothing, then a confirm that
writes every question of the file or, if any has a problem, none.

Every question is checked by the question editor's own rules (`quizzes.services.authoring`:
its answer checks, its model validation); nothing here has rules of its own but the file's.
Categories named by `$CATEGORY:` (GIFT) or category entries (Moodle XML) are paths from the top
of the course's bank, made where they do not exist; questions a file files nowhere go to the
category the instructor chose, or to a top-level "Imported" category.
"""

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags

from accounts.models import User
from courses.models import Course, render_markdown
from lms.errors import ApplicationError, PermissionDenied, invalid_fields
from quizzes.formats.base import (
    FORMAT_PLAIN,
    ChoiceAnswer,
    FormatError,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    Problem,
)
from quizzes.formats.files import FILE_FORMATS, format_for_filename, parse_file
from quizzes.models import Choice, Question, QuestionCategory, QuestionTag
from quizzes.selectors.access import is_course_instructor
from quizzes.selectors.bank_export import ANY_NUMBER, category_paths

# The editor's own checks, run on every question of a file before any is written.
from quizzes.services.authoring import (
    ANSWER_FIELDS,
    _check_answers,
    _question_fields,
    _write_answers,
)

# A file of a thousand long questions is well under this; a larger one is refused unread.
IMPORT_MAX_BYTES = 1024 * 1024
DEFAULT_CATEGORY = "Imported"
_CATEGORY_NAME_MAX = QuestionCategory._meta.get_field("name").max_length or 200
_TAG_NAME_MAX = QuestionTag._meta.get_field("name").max_length or 60
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def import_size_check(size: int) -> None:
    """Refuse a file too large to read; pages and the API check the size before reading it."""
    if size > IMPORT_MAX_BYTES:
        raise ApplicationError(
            f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB, the most one import "
            "takes; split it into smaller files.",
            code="import_too_large",
            status=413,
        )


@dataclass
class PlannedQuestion:
    """A question of the file as it would be created, with its problems (empty: it can be)."""

    parsed: ParsedQuestion
    category: tuple[str, ...]  # where it goes, from the top of the bank
    name: str
    problems: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    answers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.parsed.line

    @property
    def type_label(self) -> str:
        return Question.Type(self.parsed.type).label

    @property
    def category_label(self) -> str:
        return " / ".join(self.category)

    @property
    def text_preview(self) -> str:
        """The text as learners will read it, without its markup (the preview's excerpt)."""
        return " ".join(strip_tags(render_markdown(self.fields.get("text", ""))).split())


@dataclass
class ImportPlan:
    file_format: str
    questions: list[PlannedQuestion] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)  # the file could not be read
    new_categories: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Every problem, with its line: the file's, then each question's."""
        found = list(self.file_problems)
        for question in self.questions:
            found.extend(Problem(question.line, reason) for reason in question.problems)
        return sorted(found)

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.questions)

    @property
    def format_label(self) -> str:
        return FILE_FORMATS[self.file_format]


@dataclass
class ImportResult:
    questions: list[Question]
    categories: list[QuestionCategory]


def _markdown(text: str, text_format: str) -> str:
    """A file's text as the bank keeps it (Markdown, HTML allowed, sanitised when shown).
    Plain text is made to show as written: its HTML characters as entities, Markdown's
    marks escaped, each line break kept."""
    if text_format != FORMAT_PLAIN:
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def _stored(value: Decimal, field_name: str, model: type[Choice] | type[Question]) -> Decimal:
    """A file's number at the precision the bank keeps (Moodle writes 33.33333% and grades
    as 1.0000000), rounded half-even."""
    places = model._meta.get_field(field_name).decimal_places or 0  # type: ignore[union-attr]  # a DecimalField
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def _answer_rows(question: ParsedQuestion) -> list[dict[str, Any]]:
    """The question's answers as the editor's answer rows (`Choice` fields)."""
    fmt = question.format
    rows: list[dict[str, Any]] = []
    for answer in question.answers:
        if not isinstance(answer, MatchPair):
            answer = replace(answer, fraction=_stored(answer.fraction, "fraction", Choice))
        if isinstance(answer, ChoiceAnswer):
            text = answer.text
            if question.type == Question.Type.TRUE_FALSE:
                text = text.capitalize()  # the editor's "True" and "False"
            elif question.type != Question.Type.SHORT_ANSWER:
                text = _markdown(text, fmt)
            rows.append(
                {
                    "text": text,
                    "fraction": answer.fraction,
                    "feedback": _markdown(answer.feedback, fmt),
                }
            )
        elif isinstance(answer, NumericalAnswer):
            if answer.value is None:
                low, high = -ANY_NUMBER, ANY_NUMBER
            else:
                low, high = answer.value - answer.tolerance, answer.value + answer.tolerance
            rows.append(
                {
                    "value_min": low,
                    "value_max": high,
                    "fraction": answer.fraction,
                    "feedback": _markdown(answer.feedback, fmt),
                }
            )
        elif isinstance(answer, MatchPair):
            rows.append({"text": _markdown(answer.prompt, fmt), "match_text": answer.match})
    return rows


def _messages(error: ApplicationError, prefix: str = "") -> list[str]:
    details = error.details or {}
    found = [
        f"{prefix}{name.replace('_', ' ')}: {message}"
        for name, messages in details.items()
        if isinstance(messages, list)
        for message in messages
    ]
    return found or [f"{prefix}{error.message}"]


def _check(planned: PlannedQuestion) -> None:
    """The editor's checks of the question and of each answer row; problems kept, not raised."""
    parsed = planned.parsed
    try:
        planned.answers = _check_answers(parsed.type, planned.answers)
    except ApplicationError as error:
        planned.problems.extend(_messages(error))
    try:
        _question_fields(Question(type=parsed.type), dict(planned.fields))
    except ApplicationError as error:
        planned.problems.extend(_messages(error))
    for position, data in enumerate(planned.answers, start=1):
        row = Choice(position=position)
        for name in ANSWER_FIELDS:  # as the editor's `_write_answers` fills the row
            value = data.get(name, None if name in ("value_min", "value_max") else "")
            if name == "fraction":
                value = Decimal(str(value or 0))
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        try:
            # The constraints (fraction and value ranges) are `_check_answers`' rules, checked
            # above; left out here, the check needs no database (the command's dry run).
            row.full_clean(exclude=["question"], validate_constraints=False)
        except ValidationError as error:
            planned.problems.extend(_messages(invalid_fields(error), f"Answer {position}, "))
    if any(len(name) > _CATEGORY_NAME_MAX for name in planned.category):
        planned.problems.append(f"A category's name is at most {_CATEGORY_NAME_MAX} characters.")
    if any(len(tag) > _TAG_NAME_MAX for tag in parsed.tags):
        planned.problems.append(f"A tag's name is at most {_TAG_NAME_MAX} characters.")


def _planned(parsed: ParsedQuestion, default: tuple[str, ...]) -> PlannedQuestion:
    fields: dict[str, Any] = {
        "name": parsed.title or "",
        "text": _markdown(parsed.text, parsed.format),
        "general_feedback": _markdown(parsed.general_feedback or "", parsed.format),
        "case_sensitive": parsed.case_sensitive,
    }
    if parsed.points is not None:
        fields["default_points"] = _stored(parsed.points, "default_points", Question)
    planned = PlannedQuestion(
        parsed=parsed,
        category=parsed.category or default,
        name=parsed.title or "",
        fields=fields,
        answers=_answer_rows(parsed),
    )
    _check(planned)
    return planned


def questions_check(
    questions: list[ParsedQuestion], *, default_category: tuple[str, ...] = ()
) -> list[PlannedQuestion]:
    """Each parsed question with the problems the question editor finds in it."""
    return [_planned(q, default_category or (DEFAULT_CATEGORY,)) for q in questions]


def _categories_by_path(course: Course) -> dict[tuple[str, ...], QuestionCategory]:
    """Every category of the course's bank by its path from the top."""
    paths = category_paths(course=course)
    by_id = QuestionCategory.objects.in_bulk(list(paths))
    return {path: by_id[pk] for pk, path in paths.items()}


def _require_instructor(actor: User, course: Course) -> None:
    if not is_course_instructor(user=actor, course=course):
        raise PermissionDenied(
            "Only the course's instructors can import into its question bank.",
            code="not_instructor",
        )


def _file_format(file_format: str | None, filename: str) -> str:
    chosen = file_format or format_for_filename(filename)
    if chosen not in FILE_FORMATS:
        raise ApplicationError(
            "Say which format the file is in (GIFT, Aiken or Moodle XML): its name does not tell.",
            code="import_format_unknown",
            details={"file_format": ["Choose GIFT, Aiken or Moodle XML."]},
        )
    return chosen


def bank_import_preview(
    *,
    actor: User,
    course: Course,
    data: bytes,
    file_format: str | None = None,
    filename: str = "",
    category: QuestionCategory | None = None,
) -> ImportPlan:
    """What importing the file would create, with every problem (line and reason); nothing
    is written."""
    _require_instructor(actor, course)
    import_size_check(len(data))
    plan = ImportPlan(file_format=_file_format(file_format, filename))
    if category is not None and category.course_id != course.pk:
        raise ApplicationError("That category is not in this course's bank.", code="invalid")
    try:
        parsed = parse_file(data, plan.file_format)
    except FormatError as error:
        # The questions that could be read are shown with the problems; none is imported.
        plan.file_problems, parsed = error.problems, error.readable
    if not parsed and not plan.file_problems:
        plan.file_problems = [Problem(1, "The file holds no questions.")]
    existing = _categories_by_path(course)
    default: tuple[str, ...] = (DEFAULT_CATEGORY,)
    if category is not None:
        default = next(path for path, c in existing.items() if c.pk == category.pk)
    plan.questions = questions_check(parsed, default_category=default)
    wanted: list[tuple[str, ...]] = []
    for question in plan.questions:
        for depth in range(1, len(question.category) + 1):
            path = question.category[:depth]
            if path not in existing and path not in wanted:
                wanted.append(path)
    plan.new_categories = wanted
    return plan


def _category_for(
    course: Course, path: tuple[str, ...], made: dict[tuple[str, ...], QuestionCategory]
) -> QuestionCategory:
    if path in made:
        return made[path]
    parent = _category_for(course, path[:-1], made) if len(path) > 1 else None
    category, _ = QuestionCategory.objects.get_or_create(
        course=course, parent=parent, name=path[-1]
    )
    made[path] = category
    return category


@transaction.atomic
def bank_import_confirm(
    *,
    actor: User,
    course: Course,
    data: bytes,
    file_format: str | None = None,
    filename: str = "",
    category: QuestionCategory | None = None,
) -> ImportResult:
    """Every question of the file into the course's bank, or none: the file is previewed
    again here, and any problem refuses the whole of it."""
    plan = bank_import_preview(
        actor=actor,
        course=course,
        data=data,
        file_format=file_format,
        filename=filename,
        category=category,
    )
    if not plan.is_valid:
        problems = plan.problems
        raise ApplicationError(
            f"Nothing was imported: the file has {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''} to correct first.",
            code="import_invalid",
            details={"problems": [{"line": p.line, "reason": p.reason} for p in problems]},
        )
    made = dict(_categories_by_path(course))
    existing = set(made)
    created: list[Question] = []
    for planned in plan.questions:
        question = Question(
            category=_category_for(course, planned.category, made), type=planned.parsed.type
        )
        _question_fields(question, dict(planned.fields))
        question.save()
        _write_answers(question, planned.answers)
        if planned.parsed.tags:
            question.tags.set(
                [
                    QuestionTag.objects.get_or_create(course=course, name=t)[0]
                    for t in planned.parsed.tags
                ]
            )
        created.append(question)
    new = [c for path, c in made.items() if path not in existing]
    return ImportResult(questions=created, categories=new)
