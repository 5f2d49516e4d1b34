"""Cohort-wide jobs: staff and the cohort's directors issue or re-render, one job at a time."""

from unittest import mock

import pytest

from certificates.models import Certificate, CertificateBatch, CertificateBranding
from certificates.rendering import render_certificate
from certificates.selectors.verification import earlier_checksums
from certificates.services.batches import certificate_batch_create, certificate_batch_run
from certificates.services.issue import certificate_issue
from lms.errors import ApplicationError, Conflict, PermissionDenied
from tests.api.helpers import sent_tasks
from tests.certificates.conftest import claim, complete
from tests.factories import UserFactory, enrol

pytestmark = pytest.mark.django_db

RUN_BATCH = "tasks.certificates.run_certificate_batch"


@pytest.fixture
def staff(db):
    return UserFactory(username="registrar", full_name="Registrar", is_staff=True)


def _member(cohort, username: str, *, completed=True, claimed=True):
    user = UserFactory(username=username, full_name=username.title())
    enrolment = enrol(user, cohort.course)
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    if completed:
        complete(enrolment)
        if claimed:
            claim(enrolment)
    return enrolment


@pytest.fixture
def members(cohort):
    """Three certifiable learners, one awaiting their claim, one still studying."""
    return {
        "ready": _member(cohort, "amara"),
        "pending": _member(cohort, "bo"),
        "missing": _member(cohort, "chen"),
        "unclaimed": _member(cohort, "dana", claimed=False),
        "active": _member(cohort, "eli", completed=False),
    }


@pytest.mark.parametrize("persona", ["staff", "director"])
def test_staff_and_the_cohorts_directors_queue_one_job(
    request, cohort, persona, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(persona)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = certificate_batch_create(user=user, cohort=cohort, kind="issue")

    assert (batch.status, batch.kind, batch.requested_by) == ("pending", "issue", user)
    assert sent_tasks(callbacks) == [(RUN_BATCH, (batch.id,))]


@pytest.mark.parametrize("persona", ["learner", "instructor", "outsider", "other_director"])
def test_nobody_else_may_queue_a_job(request, cohort, persona, unchanged):
    if persona == "other_director":
        user = UserFactory(username="okonkwo", full_name="Dr. Ada Okonkwo")
        other = cohort.course.cohorts.create(
            name="PGY-2 residents 2026", start_date=cohort.start_date, end_date=cohort.end_date
        )
        other.directors.add(user)
    else:
        user = request.getfixturevalue(persona)

    unchanged(
        lambda: certificate_batch_create(user=user, cohort=cohort, kind="issue"),
        PermissionDenied,
        "permission_denied",
    )


def test_a_second_job_while_one_is_open_is_refused(cohort, director, unchanged):
    first = certificate_batch_create(user=director, cohort=cohort, kind="issue")

    error = unchanged(
        lambda: certificate_batch_create(user=director, cohort=cohort, kind="rerender"),
        Conflict,
        "batch_running",
    )

    assert error.details == {"batch_id": first.id}


def test_an_unknown_kind_of_job_is_refused(cohort, director, unchanged):
    unchanged(
        lambda: certificate_batch_create(user=director, cohort=cohort, kind="delete"),
        ApplicationError,
        "invalid_kind",
    )


def test_an_issue_job_certifies_every_claimed_completion_and_counts(cohort, director, members):
    certificate_issue(enrolment_id=members["ready"].id)
    Certificate.objects.create(
        enrolment=members["pending"],
        learner_name="Bo",
        course_title=cohort.course.title,
        completed_on=members["pending"].completed_at.date(),
    )
    batch = certificate_batch_create(user=director, cohort=cohort, kind="issue")

    done = certificate_batch_run(batch_id=batch.id)
    assert done is not None

    assert (done.status, done.total, done.succeeded, done.failed) == ("done", 2, 2, 0)
    assert (done.percent, done.started_at is not None, done.finished_at is not None) == (
        100,
        True,
        True,
    )
    statuses = dict(Certificate.objects.values_list("enrolment__user__username", "status"))
    assert statuses == {"amara": "ready", "bo": "ready", "chen": "ready"}


def test_a_failed_item_is_counted_and_the_job_carries_on(cohort, director, members):
    batch = certificate_batch_create(user=director, cohort=cohort, kind="issue")
    calls = []

    def flaky(certificate):
        calls.append(certificate.learner_name)
        if len(calls) == 1:
            raise RuntimeError("font cache exploded")
        return render_certificate(certificate)

    with mock.patch("certificates.services.issue.render_certificate", side_effect=flaky):
        done = certificate_batch_run(batch_id=batch.id)
        assert done is not None

    assert (done.status, done.total, done.succeeded, done.failed) == ("done", 3, 2, 1)
    assert done.last_error == "RuntimeError: font cache exploded"
    assert sorted(Certificate.objects.values_list("status", flat=True)) == [
        "failed",
        "ready",
        "ready",
    ]


def test_a_rerender_job_renders_ready_certificates_again_keeping_their_codes(
    cohort, staff, members
):
    first = certificate_issue(enrolment_id=members["ready"].id)
    assert first is not None
    branding = CertificateBranding(course=cohort.course, signatory_name="Eleanor Whitaker, MD")
    branding.save()
    batch = certificate_batch_create(user=staff, cohort=cohort, kind="rerender")

    done = certificate_batch_run(batch_id=batch.id)
    assert done is not None

    assert (done.status, done.total, done.succeeded) == ("done", 1, 1)
    again = Certificate.objects.get(pk=first.pk)
    assert (again.code, again.status, again.version) == (first.code, "ready", 1)
    assert again.sha256 != first.sha256  # the signatory now appears on it
    assert earlier_checksums(certificate=again) == [first.sha256]
    with again.pdf.open("rb") as f:
        assert b"%PDF" in f.read(8)


def test_running_a_finished_job_again_changes_nothing(cohort, director, members):
    batch = certificate_batch_create(user=director, cohort=cohort, kind="issue")
    certificate_batch_run(batch_id=batch.id)
    before = list(Certificate.objects.order_by("id").values_list("id", "sha256", "rendered_at"))

    again = certificate_batch_run(batch_id=batch.id)
    assert again is not None

    assert again.status == "done"
    assert (
        list(Certificate.objects.order_by("id").values_list("id", "sha256", "rendered_at"))
        == before
    )


def test_a_redelivered_running_job_starts_over_and_finishes(cohort, director, members):
    batch = certificate_batch_create(user=director, cohort=cohort, kind="issue")
    CertificateBatch.objects.filter(pk=batch.pk).update(status="running", total=3, succeeded=1)

    done = certificate_batch_run(batch_id=batch.id)
    assert done is not None

    assert (done.status, done.total, done.succeeded, done.failed) == ("done", 3, 3, 0)
