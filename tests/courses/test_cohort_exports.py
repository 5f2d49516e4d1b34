"""Cohort exports: the status row, claims that survive a killed worker, the files' contents."""

import csv
import io
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from courses.cohorts import export_files as exports
from courses.cohorts.selectors.exports import EXPORT_STALE_AFTER, cohort_exports_stuck
from courses.cohorts.services.exports import cohort_export_build, cohort_export_request
from courses.models import CohortExport
from lms.celery import app
from lms.errors import NotFound
from tasks.config import STUCK_AFTER
from tasks.housekeeping import clear_expired_sessions, delete_expired_exports
from tasks.reports import build_cohort_export, send_cohort_invitation, sweep_stuck_exports
from tests.api.helpers import sent_tasks
from tests.cohorts import add_learners, at, days_ago, set_progress

pytestmark = pytest.mark.django_db

BUILD = "tasks.reports.build_cohort_export"
RECENT = days_ago(1)  # recent activity: nobody is at risk for inactivity


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def residents(cohort):
    enrolments = add_learners(cohort, 3)
    m1, m2 = cohort.course.modules.order_by("position")
    set_progress(
        enrolments[0], m1, status="passed", best=91.5, attempts=1, last_passed=True,
        passed_at=at(2026, 8, 3), activity=at(2026, 8, 3),
    )  # fmt: skip
    set_progress(
        enrolments[0], m2, status="in_progress", attempts=0, activity=RECENT,
    )  # fmt: skip
    return enrolments


def request(director, cohort, kind="matrix", format="csv") -> CohortExport:
    return cohort_export_request(actor=director, cohort=cohort, kind=kind, format=format)


def csv_rows(export: CohortExport) -> list[list[str]]:
    with export.file.open("rb") as f:
        return list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"))))


def test_the_matrix_as_csv(director, cohort, residents):
    export = cohort_export_build(export_id=request(director, cohort).id)
    assert export is not None

    assert (export.status, export.rows_done, export.rows_total) == ("ready", 3, 3)
    assert export.finished_at is not None
    rows = csv_rows(export)
    assert rows[0] == [
        "Learner", "Email", "Enrolment", "Completed on", "Modules passed", "Progress (%)",
        "Average best score (%)", "Last activity", "At risk",
        "M1 Module 1: status", "M1 Module 1: best score (%)", "M1 Module 1: attempts",
        "M2 Module 2: status", "M2 Module 2: best score (%)", "M2 Module 2: attempts",
        "Interpersonal and Communication Skills (% of modules passed)",
    ]  # fmt: skip
    assert rows[1] == [
        "Amara Nwosu", "resident0@hospital.example.org", "In progress", "", "1", "50.0",
        "91.50", f"{RECENT:%Y-%m-%d %H:%M}", "",
        "Passed", "91.50", "1", "In progress", "", "0", "50.0",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["Amara Nwosu", "Benjamin Cohen", "Chloé Dubois"]


def test_the_matrix_as_xlsx(director, cohort, residents):
    export = cohort_export_build(export_id=request(director, cohort, format="xlsx").id)
    assert export is not None

    with export.file.open("rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()))
    sheet = workbook["Progress matrix"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b is True
    assert [c.value for c in sheet[2]][:7] == [
        "Amara Nwosu",
        "resident0@hospital.example.org",
        "In progress",
        None,
        1,
        50,
        91.5,
    ]
    assert sheet["H2"].value == timezone.make_naive(RECENT)
    assert sheet.max_row == 4


def test_names_that_look_like_formulas_stay_text(director, cohort, residents):
    user = residents[1].user
    user.full_name = '=HYPERLINK("http://evil.example","Click")'
    user.save()
    for format in ("csv", "xlsx"):
        export = cohort_export_build(export_id=request(director, cohort, format=format).id)
        assert export is not None
        if format == "csv":
            names = [r[0] for r in csv_rows(export)]
        else:
            with export.file.open("rb") as f:
                sheet = load_workbook(io.BytesIO(f.read()))["Progress matrix"]
            names = [c.value for c in sheet["A"]]
            assert all(c.data_type != "f" for c in sheet["A"])
        assert '\'=HYPERLINK("http://evil.example","Click")' in names


def test_building_twice_changes_nothing_the_second_time(director, cohort, residents):
    export = cohort_export_build(export_id=request(director, cohort).id)
    assert export is not None
    name, finished = export.file.name, export.finished_at

    again = cohort_export_build(export_id=export.id)
    assert again is not None

    assert (again.status, again.file.name, again.finished_at, again.runs) == (
        "ready",
        name,
        finished,
        1,
    )


def test_progress_is_reported_every_so_many_rows(director, cohort, monkeypatch):
    add_learners(cohort, 5)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    reported = []
    export = request(director, cohort)

    exports.write_export(export, io.BytesIO(), on_progress=lambda *p: reported.append(p))

    assert reported == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_a_failed_build_records_the_error_and_is_claimed_again_by_the_retry(
    director, cohort, residents
):
    export = request(director, cohort)
    with (
        mock.patch.object(exports, "_write_csv", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        cohort_export_build(export_id=export.id)
    export.refresh_from_db()
    assert (export.status, export.error, export.file.name) == (
        "failed",
        "OSError: disk full",
        "",
    )

    retried = cohort_export_build(export_id=export.id)
    assert retried is not None
    assert (retried.status, retried.error, retried.runs) == ("ready", "", 2)


def test_a_running_export_abandoned_by_its_worker_is_taken_over(director, cohort, residents):
    export = request(director, cohort)
    # A worker claimed it and was killed: the row says running, and stopped moving.
    CohortExport.objects.filter(pk=export.id).update(status="running", runs=1)
    left = cohort_export_build(export_id=export.id)
    assert left is not None and left.status == "running"  # still fresh: left

    CohortExport.objects.filter(pk=export.id).update(
        updated_at=timezone.now() - EXPORT_STALE_AFTER - timedelta(seconds=1)
    )
    taken = cohort_export_build(export_id=export.id)
    assert taken is not None
    assert (taken.status, taken.runs) == ("ready", 2)


def test_a_run_that_lost_its_claim_keeps_nothing(director, cohort, residents, media):
    export = request(director, cohort)
    original = exports.write_export

    def slow_write(export_row, fileobj, *, on_progress):
        original(export_row, fileobj, on_progress=on_progress)
        # Meanwhile another worker took the export over.
        CohortExport.objects.filter(pk=export_row.pk).update(runs=7)

    with mock.patch("courses.cohorts.services.exports.write_export", side_effect=slow_write):
        result = cohort_export_build(export_id=export.id)
        assert result is not None

    assert (result.status, result.file.name) == ("running", "")
    assert not list((media / "exports").rglob("*.csv"))


def test_the_sweeper_re_enqueues_lost_exports(
    director, cohort, residents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fresh = request(director, cohort)
        lost = request(director, cohort, kind="attempts")
        abandoned = request(director, cohort, format="xlsx")
    assert [args for _, args in sent_tasks(callbacks)] == [
        (fresh.id,),
        (lost.id,),
        (abandoned.id,),
    ]
    old = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    CohortExport.objects.filter(pk=lost.pk).update(created_at=old)
    CohortExport.objects.filter(pk=abandoned.pk).update(
        status="running", runs=1, updated_at=timezone.now() - EXPORT_STALE_AFTER * 2
    )

    assert sorted(cohort_exports_stuck(older_than=old + timedelta(seconds=1))) == sorted(
        [lost.id, abandoned.id]
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_stuck_exports()
    assert sorted(args for _, args in sent_tasks(callbacks)) == sorted(
        [(lost.id,), (abandoned.id,)]
    )


def test_the_tasks_call_the_services(director, cohort, residents):
    export = request(director, cohort)
    build_cohort_export(export.id)
    export.refresh_from_db()
    assert export.status == "ready"
    from lms.celery import app

    assert app.amqp.router.route({}, build_cohort_export.name)["queue"].name == "reports"
    assert app.amqp.router.route({}, send_cohort_invitation.name)["queue"].name == "reports"


def test_an_export_of_a_cohort_the_user_does_not_follow_is_refused(outsider, cohort):
    with pytest.raises(NotFound):
        cohort_export_request(actor=outsider, cohort=cohort, kind="matrix", format="csv")
    assert not CohortExport.objects.exists()


def test_exports_past_their_keeping_time_go_with_their_files(director, cohort, residents, settings):
    settings.EXPORT_FILE_KEEP_DAYS = 7
    old = cohort_export_build(export_id=request(director, cohort).id)
    recent = cohort_export_build(export_id=request(director, cohort, format="xlsx").id)
    assert old is not None and recent is not None
    CohortExport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    old_path, recent_path = Path(old.file.path), Path(recent.file.path)

    delete_expired_exports.run()

    assert not CohortExport.objects.filter(pk=old.pk).exists()
    assert not old_path.exists()
    assert CohortExport.objects.filter(pk=recent.pk).exists() and recent_path.exists()


def test_beat_clears_sessions_and_expired_exports_daily():
    for entry, task in (
        ("clear-expired-sessions", clear_expired_sessions),
        ("delete-expired-exports", delete_expired_exports),
    ):
        assert app.conf.beat_schedule[entry]["task"] == task.name
        assert app.conf.beat_schedule[entry]["schedule"] == timedelta(days=1)


def test_clear_expired_sessions_removes_only_expired_ones():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    alive, expired = SessionStore(), SessionStore()
    alive.create()
    expired.set_expiry(-60)
    expired.create()
    clear_expired_sessions.run()
    assert set(Session.objects.values_list("session_key", flat=True)) == {alive.session_key}
