"""A quiz's results as CSV lines, streamed: a quiz of any size costs the memory of one chunk.

Text cells go through lms.spreadsheets.spreadsheet_text, as the cohort exports do, so a name
like "=HYPERLINK(...)" is shown as text by the spreadsheet, never run.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils import timezone

from lms.spreadsheets import spreadsheet_text
from quizzes.selectors.results import ResultRow

RESULTS_CSV_COLUMNS = (
    "Learner",
    "Email",
    "Cohort",
    "Attempt",
    "State",
    "Started at",
    "Submitted at",
    "Score",
    "Max score",
    "Percent",
    "Passed",
)


class _Line:
    """A file-like object whose write returns the line: csv.writer then makes strings."""

    def write(self, value: str) -> str:
        return value


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _cells(row: ResultRow) -> list[object]:
    return [
        spreadsheet_text(row.learner),
        spreadsheet_text(row.email),
        spreadsheet_text(row.cohort),
        row.number,
        row.state_label,
        _when(row.started_at),
        _when(row.submitted_at),
        "" if row.score is None else row.score,
        "" if row.max_score is None else row.max_score,
        "" if row.percent is None else row.percent,
        "" if row.passed is None else ("yes" if row.passed else "no"),
    ]


def results_csv_lines(rows: Iterable[ResultRow], *, note: str | None = None) -> Iterator[str]:
    """The CSV's lines: a byte-order mark (Excel then reads accented names right), the
    filter's line when one applied, the header, a line per attempt."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    if note:
        yield writer.writerow([spreadsheet_text(note)])
    yield writer.writerow(RESULTS_CSV_COLUMNS)
    for row in rows:
        yield writer.writerow(_cells(row))
