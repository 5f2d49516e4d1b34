"""Beat's sweep for certificates: lost e-mails and lost batch messages are sent again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateBatch
from certificates.services.issue import certificate_issue
from lms.celery import app
from tasks.certificates import (
    notify_certificate_ready,
    run_certificate_batch,
    sweep_certificate_work,
)
from tasks.config import Queues
from tasks.enqueue import NOTIFY_CERTIFICATE_READY, RUN_CERTIFICATE_BATCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """The sweep as beat runs it: outside a transaction, so what it sends leaves at once."""

    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sweep_certificate_work.run()

    return run


@pytest.fixture
def delays(sends):
    """The two tasks the sweep sends: the sweep's choice is under test, not the broker."""
    return sends[NOTIFY_CERTIFICATE_READY], sends[RUN_CERTIFICATE_BATCH]


def _ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def test_a_ready_certificate_left_unmailed_is_mailed_again(completed, delays, run_sweep):
    notify, run = delays
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None
    Certificate.objects.filter(pk=certificate.pk).update(rendered_at=_ago(minutes=10))

    run_sweep()

    notify.assert_called_once_with(certificate.id)
    run.assert_not_called()


@pytest.mark.parametrize(
    "change",
    [
        {"rendered_at": "fresh"},  # its own message may still be on its way
        {"rendered_at": "two days ago"},  # given up: the page still shows it
        {"notified_at": "now"},
        {"email": ""},
    ],
    ids=["fresh", "given-up", "already-mailed", "no-address"],
)
def test_the_sweep_leaves_other_certificates_alone(completed, delays, change, run_sweep):
    notify, _ = delays
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None
    rendered = {"fresh": timezone.now(), "two days ago": _ago(days=2)}.get(
        change.get("rendered_at"), _ago(minutes=10)
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        rendered_at=rendered, notified_at=timezone.now() if "notified_at" in change else None
    )
    if "email" in change:
        completed.user.email = ""
        completed.user.save(update_fields=["email"])

    run_sweep()

    notify.assert_not_called()


def test_a_batch_no_worker_took_is_enqueued_again(cohort, director, delays, run_sweep):
    _, run = delays
    lost = CertificateBatch.objects.create(cohort=cohort, kind="issue", requested_by=director)
    CertificateBatch.objects.filter(pk=lost.pk).update(created_at=_ago(minutes=10))

    run_sweep()

    run.assert_called_once_with(lost.id)


def test_a_batch_whose_worker_died_is_enqueued_again_but_not_a_running_one(
    cohort, director, delays, run_sweep
):
    _, run = delays
    dead = CertificateBatch.objects.create(
        cohort=cohort, kind="issue", requested_by=director, status="running"
    )
    CertificateBatch.objects.filter(pk=dead.pk).update(started_at=_ago(hours=1))
    other = cohort.course.cohorts.create(
        name="PGY-2", start_date=cohort.start_date, end_date=cohort.end_date
    )
    CertificateBatch.objects.create(
        cohort=other,
        kind="issue",
        requested_by=director,
        status="running",
        started_at=_ago(minutes=3),
    )

    run_sweep()

    run.assert_called_once_with(dead.id)


def test_fresh_and_finished_batches_are_left_alone(cohort, director, delays, run_sweep):
    _, run = delays
    CertificateBatch.objects.create(cohort=cohort, kind="issue", requested_by=director)
    CertificateBatch.objects.create(
        cohort=cohort, kind="issue", requested_by=director, status="done"
    )

    run_sweep()

    run.assert_not_called()


@pytest.mark.parametrize(
    "task", [notify_certificate_ready, run_certificate_batch, sweep_certificate_work]
)
def test_certificate_tasks_run_on_the_certificates_queue_and_acknowledge_late(task):
    assert app.amqp.router.route({}, task.name)["queue"].name == Queues.CERTIFICATES
    assert task.acks_late is True
    assert task.soft_time_limit < task.time_limit


def test_beat_sweeps_certificate_work_every_minute():
    entry = app.conf.beat_schedule["sweep-certificate-work"]
    assert (entry["task"], entry["schedule"]) == (sweep_certificate_work.name, timedelta(minutes=1))
