"""Cohort exports: requested on the page or the API, built by the reports worker."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from courses.cohorts.export_files import write_export
from courses.cohorts.selectors.access import require_viewer
from courses.cohorts.selectors.exports import EXPORT_STALE_AFTER
from courses.cohorts.selectors.learners import learners_filter_check
from courses.models import (
    Cohort,
    CohortExport,
    CohortExportFilter,
    Module,
)
from lms.errors import ApplicationError
from tasks.enqueue import BUILD_COHORT_EXPORT, enqueue

logger = logging.getLogger(__name__)

# A failed export is built again (by the sweeper or a new request) at most this many times.
EXPORT_MAX_RUNS = 5


@transaction.atomic
def cohort_export_request(
    *,
    actor: User,
    cohort: Cohort,
    kind: str,
    format: str,
    q: str = "",
    show: str = "all",
    sort: str = "name",
) -> CohortExport:
    """Queue a report of the cohort; a worker on the `reports` queue builds it.

    `q` and `show` are the dashboard's filter (cohort_learners_matching): the file holds the
    learners the page shows, in its order (`sort`), and says which filter applied.
    """
    require_viewer(actor, cohort)
    q = q.strip()
    learners_filter_check(
        show=show,
        sort=sort,
        module_ids=set(
            Module.objects.filter(course_id=cohort.course_id).values_list("id", flat=True)
        ),
    )
    errors = {}
    if kind not in CohortExport.Kind.values:
        errors["kind"] = [f"Choose one of: {', '.join(CohortExport.Kind.values)}."]
    if format not in CohortExport.Format.values:
        errors["format"] = [f"Choose one of: {', '.join(CohortExport.Format.values)}."]
    if errors:
        raise ApplicationError("Choose what to export and in which format.", details=errors)
    export = CohortExport.objects.create(
        cohort=cohort, requested_by=actor, kind=kind, format=format
    )
    if q or show != "all":
        # A filtered file keeps the page's order too; an unfiltered one is every learner by
        # name, as it always was, whatever order the page showed.
        CohortExportFilter.objects.create(export=export, q=q, show=show, sort=sort)
    enqueue(BUILD_COHORT_EXPORT, export.id)
    return export


def _export_progress(export_id: int, run: int, done: int, total: int) -> None:
    # Also the heartbeat: `updated_at` moving tells the sweeper this run is alive.
    CohortExport.objects.filter(pk=export_id, runs=run).update(
        rows_done=min(done, total), rows_total=total, updated_at=timezone.now()
    )


def cohort_export_build(*, export_id: int) -> CohortExport | None:
    """Build an export's file and mark it ready. Safe to run twice and after a killed worker.

    A run claims the row (pending, failed, or running but abandoned) by bumping `runs`; it
    writes its file only while it still holds that claim.
    """
    now = timezone.now()
    claimable = (
        Q(status=CohortExport.Status.PENDING)
        | Q(status=CohortExport.Status.FAILED, runs__lt=EXPORT_MAX_RUNS)
        | Q(status=CohortExport.Status.RUNNING, updated_at__lt=now - EXPORT_STALE_AFTER)
    )
    claimed = CohortExport.objects.filter(claimable, pk=export_id).update(
        status=CohortExport.Status.RUNNING,
        runs=F("runs") + 1,
        rows_done=0,
        error="",
        updated_at=now,
    )
    if claimed != 1:
        return CohortExport.objects.filter(pk=export_id).first()
    export = CohortExport.objects.select_related("cohort__course").get(pk=export_id)
    run = export.runs
    storage = export.file.storage
    try:
        with tempfile.TemporaryFile() as tmp:
            write_export(
                export,
                tmp,
                on_progress=lambda done, total: _export_progress(export_id, run, done, total),
            )
            tmp.seek(0)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            filtered = (
                "-filtered" if CohortExportFilter.objects.filter(export=export).exists() else ""
            )
            filename = (
                f"{export.cohort.course.slug}-{export.kind}{filtered}-{stamp}-{export.id}-{run}"
            )
            name = storage.save(
                export.file.field.generate_filename(export, f"{filename}.{export.format}"),
                File(tmp),
            )
    except Exception as exc:
        CohortExport.objects.filter(pk=export_id, runs=run).update(
            status=CohortExport.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        export = CohortExport.objects.select_for_update().get(pk=export_id)
        if export.runs != run or export.status != CohortExport.Status.RUNNING:
            storage.delete(name)  # another run took over; its file is the one kept
            return export
        export.file.name = name
        export.status = CohortExport.Status.READY
        export.rows_done = export.rows_total
        export.finished_at = timezone.now()
        export.save()
    return export


def cohort_exports_expire() -> int:
    """Delete the exports finished more than settings.EXPORT_FILE_KEEP_DAYS ago, files first:
    a spreadsheet of residents' scores should not outlive its use. Returns how many went.

    A file that cannot be deleted keeps its row, so the next run tries again."""
    before = timezone.now() - timedelta(days=settings.EXPORT_FILE_KEEP_DAYS)
    gone = []
    for export in CohortExport.objects.filter(finished_at__lt=before).only("id", "file"):
        if export.file:
            try:
                export.file.delete(save=False)
            except OSError as error:
                logger.warning("Export %d: its file could not be deleted: %s", export.id, error)
                continue
        gone.append(export.id)
    CohortExport.objects.filter(pk__in=gone).delete()
    return len(gone)
