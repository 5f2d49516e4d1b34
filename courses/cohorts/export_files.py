"""Cohort reports as files: the progress matrix and every attempt, in CSV or XLSX.

The rules (who may export, the status row, the claim) are in services; this module only turns
the selectors' rows into bytes. XLSX goes through openpyxl's write-only mode, which streams rows
to the file instead of keeping the sheet in memory, so a 2,000-learner cohort costs the same
memory per row as a 20-learner one.
"""

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from courses.cohorts.selectors.dashboard import (
    CELL_STATUS_LABELS,
    CohortProgress,
    LearnerRow,
    cohort_progress,
)
from courses.cohorts.selectors.exports import (
    ATTEMPT_EXPORT_COLUMNS,
    cohort_attempt_rows,
    export_filter_of,
)
from courses.cohorts.selectors.learners import (
    cohort_learners_matching,
    learners_filter_description,
)
from courses.models import CohortExport, Competency, Enrolment
from lms.spreadsheets import spreadsheet_text
from quizzes.models import Attempt

PROGRESS_EVERY = 200  # rows between two progress updates of the status row

ENROLMENT_LABELS = dict(Enrolment.Status.choices)
ATTEMPT_STATES: dict[object, str] = dict(Attempt.State.choices)  # looked up by a row's cell


def _learners(export: CohortExport) -> tuple[CohortProgress, list[LearnerRow], str | None]:
    """The learners the export holds, in order, and the line saying which filter applied.

    With no filter: every learner by name, and no line (the file is as it always was).
    """
    progress = cohort_progress(cohort=export.cohort)
    chosen = export_filter_of(export)
    if chosen is None:
        return progress, progress.learners, None
    rows = cohort_learners_matching(progress, q=chosen.q, show=chosen.show, sort=chosen.sort)
    described = learners_filter_description(
        q=chosen.q, show=chosen.show, sort=chosen.sort, modules=progress.modules
    )
    note = (
        f"Filter: {described}. {len(rows)} of {len(progress.learners)} learners, "
        f"as on the dashboard on {timezone.localdate():%-d %B %Y}."
    )
    return progress, rows, note


def _matrix(export: CohortExport) -> tuple[list[str], int, Iterable[list], str | None]:
    progress, learners, note = _learners(export)
    labels = dict(Competency.choices)
    header = [
        "Learner",
        "Email",
        "Enrolment",
        "Completed on",
        "Modules passed",
        "Progress (%)",
        "Average best score (%)",
        "Last activity",
        "At risk",
    ]
    for module in progress.modules:
        title = f"M{module.position} {module.title}"
        header += [f"{title}: status", f"{title}: best score (%)", f"{title}: attempts"]
    header += [f"{labels[c.code]} (% of modules passed)" for c in progress.competencies]

    def rows():
        for learner in learners:
            row = [
                learner.name,
                learner.email,
                ENROLMENT_LABELS.get(learner.enrolment_status, learner.enrolment_status),
                timezone.localdate(learner.completed_at) if learner.completed_at else None,
                learner.modules_passed,
                learner.progress_percent,
                learner.average_score_percent,
                learner.last_activity_at,
                "; ".join(r.message for r in learner.risks),
            ]
            for cell in learner.cells:
                row += [
                    CELL_STATUS_LABELS[cell.status],
                    cell.best_score_percent,
                    cell.attempts,
                ]
            row += [round(learner.competencies[c.code] * 100, 1) for c in progress.competencies]
            yield row

    return header, len(learners), rows(), note


def _attempts(export: CohortExport) -> tuple[list[str], int, Iterable[list], str | None]:
    note = None
    user_ids = None
    if export_filter_of(export) is not None:
        _, learners, note = _learners(export)
        user_ids = [r.user_id for r in learners]
    total, attempts = cohort_attempt_rows(cohort=export.cohort, user_ids=user_ids)
    state_index = ATTEMPT_EXPORT_COLUMNS.index("State")

    def rows():
        for attempt in attempts:
            row = list(attempt)
            row[state_index] = ATTEMPT_STATES.get(row[state_index], row[state_index])
            yield row

    return list(ATTEMPT_EXPORT_COLUMNS), total, rows(), note


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_text(value)
    return value


def _write_csv(fileobj, header, rows, report, note) -> None:
    # UTF-8 with a BOM: Excel then reads accented names ("Zoë Ångström-Nuñez") correctly.
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    if note:
        writer.writerow([spreadsheet_text(note)])  # a filtered file says so before its header
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        report(n)
    text.flush()
    text.detach()  # leave the binary file open for the caller


def _xlsx_value(value):
    if isinstance(value, datetime):
        # Excel has no time zones: local wall-clock time, as the pages show it.
        return timezone.make_naive(timezone.localtime(value))
    if isinstance(value, str):
        return spreadsheet_text(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_xlsx(fileobj, title, header, rows, report, note) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    # The header row (below the filter's line, if any) and the learner's name stay in view.
    sheet.freeze_panes = "B3" if note else "B2"
    bold = Font(bold=True)
    if note:
        line = WriteOnlyCell(sheet, value=spreadsheet_text(note))
        line.font = Font(bold=True, italic=True)
        sheet.append([line])
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for n, row in enumerate(rows, start=1):
        values = [_xlsx_value(v) for v in row]
        sheet.append(values)
        report(n)
    workbook.save(fileobj)


def write_export(export: CohortExport, fileobj, *, on_progress: Callable[[int, int], None]) -> int:
    """Write the export's report to the binary file `fileobj`; returns the number of rows."""
    if export.kind == CohortExport.Kind.MATRIX:
        header, total, rows, note = _matrix(export)
        title = "Progress matrix"
    else:
        header, total, rows, note = _attempts(export)
        title = "Attempts"
    on_progress(0, total)
    written = 0

    def report(n: int) -> None:
        nonlocal written
        written = n
        if n % PROGRESS_EVERY == 0:
            on_progress(n, total)

    if export.format == CohortExport.Format.CSV:
        _write_csv(fileobj, header, rows, report, note)
    else:
        _write_xlsx(fileobj, title, header, rows, report, note)
    on_progress(written, max(total, written))
    return written
