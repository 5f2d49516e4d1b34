"""The certificate API: credit claims, name changes, verification, cohort jobs and the ZIP."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.cache import cache
from django.http import StreamingHttpResponse
from rest_framework.test import APIClient

from certificates.models import Certificate, CertificateBatch, CreditClaim
from certificates.services.corrections import (
    certificate_revoke,
    name_change_approve,
    name_change_request_create,
)
from certificates.services.issue import certificate_issue
from tests.api.helpers import ISSUE_CERTIFICATE, assert_error, sent_tasks
from tests.certificates.conftest import claim, complete
from tests.conftest import api_client_for
from tests.factories import UserFactory, enrol

pytestmark = pytest.mark.django_db

PERSONAS = ["learner", "other_learner", "instructor", "director", "outsider"]


@pytest.fixture
def staff(db):
    return UserFactory(username="registrar", full_name="Registrar", is_staff=True)


@pytest.fixture
def ready(completed) -> Certificate:
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None
    return certificate


# --- credit claims ----------------------------------------------------------------------------


def test_the_learner_sees_the_credit_they_may_claim(learner, course, unclaimed):
    response = api_client_for(learner).get("/api/v1/me/credit-claims/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "course": course.slug,
            "course_title": course.title,
            "credit_type": "AMA PRA Category 1 Credit\u2122",
            "max_credits": "2.00",
            "claimed_credits": None,
            "claimed_at": None,
        }
    ]


def test_claiming_credit_through_the_api_issues_the_certificate(
    learner, course, unclaimed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client_for(learner).post(
            "/api/v1/me/credit-claims/",
            {"course": course.slug, "credits": "1.75", "attested": True},
            format="json",
        )

    assert response.status_code == 201, response.content
    assert response.json()["claimed_credits"] == "1.75"
    assert sent_tasks(callbacks) == [(ISSUE_CERTIFICATE, (unclaimed.id,))]
    listed = api_client_for(learner).get("/api/v1/me/certificates/").json()["results"]
    assert [(c["status"], c["credits_claimed"]) for c in listed] == [("pending", "1.75")]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"credits": "2.25", "attested": True}, 400, "invalid_credits"),
        ({"credits": "0.3", "attested": True}, 400, "invalid_credits"),
        ({"credits": "-1", "attested": True}, 400, "invalid_credits"),
        ({"credits": "lots", "attested": True}, 400, "invalid_credits"),
        ({"credits": "1", "attested": False}, 400, "attestation_required"),
        ({"credits": "1"}, 400, "invalid"),
        ({"attested": True}, 400, "invalid"),
        ({"course": "no-such-course", "credits": "1", "attested": True}, 404, "not_found"),
    ],
)
def test_a_bad_claim_gets_a_clear_error_and_changes_nothing(
    learner, course, unclaimed, unchanged, body, status, code
):
    payload = {"course": course.slug, **body}

    response = unchanged(
        lambda: api_client_for(learner).post("/api/v1/me/credit-claims/", payload, format="json")
    )

    assert_error(response, status, code)


def test_a_second_claim_is_a_conflict(learner, course, completed, unchanged):
    response = unchanged(
        lambda: api_client_for(learner).post(
            "/api/v1/me/credit-claims/",
            {"course": course.slug, "credits": "1", "attested": True},
            format="json",
        )
    )

    assert_error(response, 409, "already_claimed")


def test_claiming_needs_an_account(course, unclaimed, unchanged):
    response = unchanged(
        lambda: APIClient().post(
            "/api/v1/me/credit-claims/", {"course": course.slug, "credits": "1", "attested": True}
        )
    )

    assert response.status_code in (401, 403)


# --- name changes -----------------------------------------------------------------------------


def test_the_owner_asks_for_a_name_change(learner, ready):
    response = api_client_for(learner).post(
        f"/api/v1/certificates/{ready.id}/name-change/",
        {"name": "Alexandra Rivera", "reason": "Legal name"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["requested_name"] == "Alexandra Rivera"
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize("persona", ["other_learner", "instructor", "director", "outsider"])
def test_nobody_else_asks_for_a_name_change(request, persona, ready, unchanged):
    client = api_client_for(request.getfixturevalue(persona))

    response = unchanged(
        lambda: client.post(
            f"/api/v1/certificates/{ready.id}/name-change/", {"name": "X"}, format="json"
        )
    )

    assert_error(response, 404, "not_found")


def test_a_blank_name_is_refused(learner, ready, unchanged):
    response = unchanged(
        lambda: api_client_for(learner).post(
            f"/api/v1/certificates/{ready.id}/name-change/", {"name": "  "}, format="json"
        )
    )

    assert_error(response, 400, "name_required")


# --- verification -----------------------------------------------------------------------------


def _verify(code: str):
    return APIClient().get(f"/api/v1/certificates/verify/{code}/")


def test_a_revoked_certificate_says_so_with_the_date_and_never_the_reason(ready, staff):
    certificate_revoke(certificate_id=ready.id, reason="SECRET: forged attendance", actor=staff)
    ready.refresh_from_db()

    response = _verify(ready.code)

    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["revoked_on"]) == ("revoked", ready.revoked_at.date().isoformat())
    assert "SECRET" not in response.content.decode()


def test_a_superseded_certificate_points_to_its_successor(learner, ready, staff):
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="Alexandra Rivera"
    )
    new = name_change_approve(request_id=request.id, actor=staff)

    body = _verify(ready.code).json()

    assert (body["result"], body["superseded_by"], body["superseded_by_url"]) == (
        "superseded",
        new.code,
        f"https://lms.example.org/verify/{new.code}/",
    )
    assert body["learner_name"] == "Alex Rivera"  # what the old version stated
    assert _verify(new.code).json()["result"] == "pending"


def test_a_valid_certificate_shows_its_statements_and_checksum(ready):
    body = _verify(ready.code).json()

    assert (body["result"], body["sha256"], body["credits_claimed"]) == (
        "valid",
        ready.sha256,
        "1.75",
    )


def test_verification_is_rate_limited_per_client(ready, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"verify": "3/min"},
    }
    cache.clear()
    try:
        statuses = [
            APIClient(REMOTE_ADDR="203.0.113.7")
            .get(f"/api/v1/certificates/verify/{ready.code}/")
            .status_code
            for _ in range(4)
        ]
        other_client = APIClient(REMOTE_ADDR="198.51.100.2").get(
            f"/api/v1/certificates/verify/{ready.code}/"
        )
        limited = APIClient(REMOTE_ADDR="203.0.113.7").get(
            f"/api/v1/certificates/verify/{ready.code}/"
        )
    finally:
        cache.clear()

    assert statuses == [200, 200, 200, 429]
    assert other_client.status_code == 200
    assert_error(limited, 429, "throttled")
    assert int(limited["Retry-After"]) > 0


# --- cohort jobs and the ZIP ------------------------------------------------------------------


@pytest.fixture
def cohort_member(cohort, learner, course):
    enrolment = complete(enrol(learner, course))
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    claim(enrolment)
    return enrolment


def test_a_director_queues_a_job_and_follows_it(director, cohort, cohort_member):
    client = api_client_for(director)

    response = client.post(
        f"/api/v1/cohorts/{cohort.id}/certificate-batches/", {"kind": "issue"}, format="json"
    )

    assert response.status_code == 202, response.content
    batch = response.json()
    assert (batch["status"], batch["kind"], batch["percent"]) == ("pending", "issue", 0)
    followed = client.get(f"/api/v1/certificate-batches/{batch['id']}/")
    assert followed.status_code == 200
    assert followed.json()["id"] == batch["id"]


@pytest.mark.parametrize("persona", ["learner", "instructor", "outsider"])
def test_others_cannot_see_or_queue_a_cohorts_jobs(request, persona, cohort, director, unchanged):
    batch = CertificateBatch.objects.create(cohort=cohort, kind="issue", requested_by=director)
    client = api_client_for(request.getfixturevalue(persona))

    queued = unchanged(
        lambda: client.post(
            f"/api/v1/cohorts/{cohort.id}/certificate-batches/", {"kind": "issue"}, format="json"
        )
    )
    seen = client.get(f"/api/v1/certificate-batches/{batch.id}/")
    zipped = client.get(f"/api/v1/cohorts/{cohort.id}/certificates.zip")

    assert_error(queued, 404, "not_found")
    assert_error(seen, 404, "not_found")
    assert_error(zipped, 404, "not_found")


def test_a_bad_kind_and_a_second_job_are_refused(director, cohort, unchanged):
    client = api_client_for(director)
    url = f"/api/v1/cohorts/{cohort.id}/certificate-batches/"

    bad = unchanged(lambda: client.post(url, {"kind": "delete"}, format="json"))
    first = client.post(url, {"kind": "issue"}, format="json")
    second = unchanged(lambda: client.post(url, {"kind": "rerender"}, format="json"))

    assert_error(bad, 400, "invalid")
    assert first.status_code == 202
    error = assert_error(second, 409, "batch_running")
    assert error["details"] == {"batch_id": first.json()["id"]}


def test_the_cohort_zip_holds_every_ready_certificate_and_a_manifest(
    director, staff, cohort, cohort_member, other_learner, course
):
    ready = certificate_issue(enrolment_id=cohort_member.id)
    assert ready is not None
    revoked_enrolment = complete(enrol(other_learner, course))
    revoked_enrolment.cohort = cohort
    revoked_enrolment.save(update_fields=["cohort"])
    CreditClaim.objects.create(enrolment=revoked_enrolment, credits="1")
    revoked = certificate_issue(enrolment_id=revoked_enrolment.id)
    assert revoked is not None
    certificate_revoke(certificate_id=revoked.id, reason="Issued in error.", actor=staff)

    response = api_client_for(director).get(f"/api/v1/cohorts/{cohort.id}/certificates.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="certificates-pgy-1-residents-2026.zip"'
    )
    assert isinstance(response, StreamingHttpResponse)
    body = response.getvalue()
    assert int(response["Content-Length"]) == len(body)
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.namelist() == [f"alex-rivera-{ready.code}.pdf", "manifest.csv"]
    pdf = archive.read(f"alex-rivera-{ready.code}.pdf")
    assert hashlib.sha256(pdf).hexdigest() == ready.sha256
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [(r["learner"], r["code"], r["sha256"], r["credits"]) for r in rows] == [
        ("Alex Rivera", ready.code, ready.sha256, "1.75")
    ]


def test_the_zip_manifest_writes_a_formula_like_name_as_text(director, cohort, cohort_member):
    cohort_member.user.full_name = '=HYPERLINK("https://attacker.example","Alex")'
    cohort_member.user.save(update_fields=["full_name"])
    ready = certificate_issue(enrolment_id=cohort_member.id)
    assert ready is not None

    response = api_client_for(director).get(f"/api/v1/cohorts/{cohort.id}/certificates.zip")

    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    # Escaped as the cohort exports escape it: a leading apostrophe keeps it text.
    assert [r["learner"] for r in rows] == ['\'=HYPERLINK("https://attacker.example","Alex")']
