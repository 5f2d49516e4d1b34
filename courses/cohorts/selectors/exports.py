"""Cohort exports: their rows, recent exports, signed download links, lost builds."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.cohorts.selectors.access import cohort_for_viewer
from courses.models import Cohort, CohortExport, CohortExportFilter
from lms.errors import ApplicationError, NotFound

# A running export whose row has not moved for this long was abandoned by its worker.
EXPORT_STALE_AFTER = timedelta(minutes=10)


def cohort_exports_stuck(*, older_than: datetime) -> list[int]:
    """Exports waiting since before `older_than`, or abandoned mid-build: their work was lost."""
    return list(
        CohortExport.objects.filter(
            Q(status=CohortExport.Status.PENDING, created_at__lt=older_than)
            | Q(
                status=CohortExport.Status.RUNNING,
                updated_at__lt=timezone.now() - EXPORT_STALE_AFTER,
            )
        ).values_list("id", flat=True)
    )


ATTEMPT_EXPORT_COLUMNS = [
    "Learner",
    "Email",
    "Module position",
    "Module",
    "Quiz",
    "Attempt",
    "State",
    "Started at",
    "Submitted at",
    "Submitted by the system",
    "Graded at",
    "Score",
    "Max score",
    "Percent",
    "Passed",
]


def cohort_attempt_rows(
    *, cohort: Cohort, user_ids: list[int] | None = None
) -> tuple[int, Iterator[tuple[object, ...]]]:
    """(how many, an iterator over) every attempt of the cohort's learners in its course;
    with `user_ids`, of those learners only (the dashboard's filter)."""
    from quizzes.models import Attempt

    attempts = Attempt.objects.filter(
        quiz__module__course_id=cohort.course_id, user__enrolments__cohort=cohort
    )
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=user_ids)
    iterator = (
        attempts.order_by(
            "user__full_name", "user__username", "quiz__module__position", "quiz_id", "number"
        )
        .values_list(
            "user__full_name",
            "user__username",
            "user__email",
            "quiz__module__position",
            "quiz__module__title",
            "quiz__title",
            "number",
            "state",
            "started_at",
            "submitted_at",
            "submitted_by_system",
            "graded_at",
            "score",
            "max_score",
            "percent",
            "passed",
        )
        .iterator(chunk_size=2000)
    )
    rows = (((full_name.strip() or username), *rest) for full_name, username, *rest in iterator)
    return attempts.count(), rows


# Download links of exports: signed, and good for this long after the page showed them.
EXPORT_LINK_MAX_AGE = timedelta(minutes=30)


_EXPORT_SIGNER_SALT = "courses.cohort-export"


def cohort_exports_recent(*, cohort: Cohort, limit: int = 5) -> list[CohortExport]:
    return list(
        CohortExport.objects.filter(cohort=cohort)
        .select_related("filter")
        .order_by("-created_at")[:limit]
    )


def export_filter_of(export: CohortExport) -> CohortExportFilter | None:
    """The dashboard filter the export applies; None: every learner, by name."""
    try:
        return export.filter
    except CohortExportFilter.DoesNotExist:
        return None


def cohort_export_of(*, cohort: Cohort, export_id: int) -> CohortExport:
    export = CohortExport.objects.filter(pk=export_id, cohort=cohort).first()
    if export is None:
        raise NotFound("No such export.")
    return export


def cohort_export_download_token(*, export: CohortExport) -> str:
    return signing.TimestampSigner(salt=_EXPORT_SIGNER_SALT).sign(str(export.pk))


def cohort_export_download_url(*, export: CohortExport, api: bool = False) -> str | None:
    """A fresh signed link to a ready export's file: the page's, or the API's."""
    if export.status != CohortExport.Status.READY:
        return None
    name = "api:cohort-export-download" if api else "cohort-export-download"
    return reverse(name, args=[cohort_export_download_token(export=export)])


def cohort_export_for_download(*, user: User | AnonymousUser, token: str) -> CohortExport:
    """The ready export a signed link names, while the link is fresh and the user may see it."""
    try:
        export_id = signing.TimestampSigner(salt=_EXPORT_SIGNER_SALT).unsign(
            token, max_age=EXPORT_LINK_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ApplicationError(
            "This download link has expired. Open the cohort's page for a fresh one.",
            code="link_expired",
            status=410,
        ) from None
    except signing.BadSignature:
        raise NotFound("No such export.") from None
    export = CohortExport.objects.select_related("cohort").filter(pk=int(export_id)).first()
    if export is None or export.status != CohortExport.Status.READY:
        raise NotFound("No such export.")
    cohort_for_viewer(user=user, cohort_id=export.cohort_id)  # raises unless they may see it
    return export
