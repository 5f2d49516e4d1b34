"""The certificate pages (Django's test client): each role sees its own, bad input changes
nothing. The browser tests drive the same pages in Chromium."""

import pytest
from django.core.cache import cache
from django.test import Client

from certificates.models import Certificate, CertificateBatch, CreditClaim, NameChangeRequest
from certificates.services.corrections import (
    certificate_revoke,
    name_change_approve,
    name_change_request_create,
)
from certificates.services.issue import certificate_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(username="registrar", full_name="Registrar", is_staff=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def ready(completed) -> Certificate:
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None
    return certificate


def _text(response) -> str:
    return response.content.decode()


# --- my certificates ------------------------------------------------------------------------


def test_my_certificates_offers_the_claim_for_a_completed_course(learner, course, unclaimed):
    page = _text(client_for(learner).get("/me/certificates/"))

    assert "Credit to claim" in page
    assert f'href="/me/credit/{course.slug}/"' in page


def test_my_certificates_shows_each_state_in_words(learner, ready, staff):
    response = client_for(learner).get("/me/certificates/")
    page = _text(response)
    assert "Download PDF" in page
    assert f'data-copy="https://lms.example.org/verify/{ready.code}/"' in page
    assert "hx-trigger" not in page  # nothing in progress: no polling

    Certificate.objects.filter(pk=ready.pk).update(status="pending")
    pending = _text(client_for(learner).get("/me/certificates/"))
    assert "Being prepared" in pending and "Download PDF" not in pending
    assert 'hx-trigger="every 2s"' in pending

    Certificate.objects.filter(pk=ready.pk).update(status="failed")
    assert "Being retried" in _text(client_for(learner).get("/me/certificates/"))

    Certificate.objects.filter(pk=ready.pk).update(status="ready")
    certificate_revoke(certificate_id=ready.id, reason="Issued in error.", actor=staff)
    ready.refresh_from_db()
    revoked = _text(client_for(learner).get("/me/certificates/"))
    assert f"Revoked on {ready.revoked_at:%-d %B %Y}" in revoked
    assert "Issued in error" not in revoked


def test_the_list_refreshes_itself_as_a_fragment_while_in_progress(learner, ready):
    Certificate.objects.filter(pk=ready.pk).update(status="pending")

    fragment = _text(client_for(learner).get("/me/certificates/", headers={"HX-Request": "true"}))

    assert fragment.startswith('<div id="certificate-list"')
    assert "<html" not in fragment


def test_my_certificates_needs_an_account():
    response = Client().get("/me/certificates/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/me/certificates/")


# --- claiming credit --------------------------------------------------------------------------


def test_the_claim_page_states_the_maximum_and_the_attestation(learner, course, unclaimed):
    page = _text(client_for(learner).get(f"/me/credit/{course.slug}/"))

    assert 'max="2.00"' in page and 'step="0.25"' in page
    assert "I claim only the credit commensurate with the extent of my participation" in page


def test_claiming_on_the_page_issues_the_certificate(learner, course, unclaimed):
    response = client_for(learner).post(
        f"/me/credit/{course.slug}/", {"credits": "1.5", "attested": "on"}
    )

    assert (response.status_code, response["Location"]) == (302, "/me/certificates/")
    assert str(CreditClaim.objects.get(enrolment=unclaimed).credits) == "1.50"
    assert Certificate.objects.get(enrolment=unclaimed).status == "pending"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"credits": "2.5", "attested": "on"}, "Claim at most 2.00 credits"),
        ({"credits": "1.3", "attested": "on"}, "quarter steps"),
        ({"credits": "1"}, "Confirm that you claim only the credit"),
    ],
)
def test_a_bad_claim_on_the_page_says_why_and_changes_nothing(
    learner, course, unclaimed, form, message, unchanged
):
    client = client_for(learner)  # logging in writes the log-in time: before the action

    response = unchanged(lambda: client.post(f"/me/credit/{course.slug}/", form))

    assert response.status_code == 400
    assert message in _text(response)
    assert f'value="{form["credits"]}"' in _text(response)  # what they typed is kept


@pytest.mark.parametrize("persona", ["other_learner", "instructor", "director", "outsider"])
def test_nobody_else_has_credit_to_claim(request, persona, course, unclaimed, unchanged):
    client = client_for(request.getfixturevalue(persona))

    response = unchanged(
        lambda: client.post(f"/me/credit/{course.slug}/", {"credits": "1", "attested": "on"})
    )

    assert response.status_code == 404


# --- name change ------------------------------------------------------------------------------


def test_requesting_a_name_change_on_the_page(learner, ready):
    response = client_for(learner).post(
        f"/certificates/{ready.id}/name-change/", {"name": "Alexandra Rivera", "reason": "Typo"}
    )

    assert response.status_code == 302
    assert NameChangeRequest.objects.get().requested_name == "Alexandra Rivera"
    page = _text(client_for(learner).get("/me/certificates/"))
    assert "Name change to &ldquo;Alexandra Rivera&rdquo; waiting for staff" in page


def test_a_blank_name_on_the_page_is_refused(learner, ready):
    response = client_for(learner).post(f"/certificates/{ready.id}/name-change/", {"name": ""})

    assert response.status_code == 400
    assert "Enter the name as it should appear" in _text(response)
    assert not NameChangeRequest.objects.exists()


def test_another_learners_certificate_has_no_name_change_page(other_learner, ready):
    assert (
        client_for(other_learner).get(f"/certificates/{ready.id}/name-change/").status_code == 404
    )


# --- verification -----------------------------------------------------------------------------


def test_the_verify_page_shows_the_statements_and_the_checksum(ready):
    page = _text(Client().get(f"/verify/{ready.code}/"))

    assert "Valid." in page
    assert ready.sha256 in page
    assert "1.75 AMA PRA Category 1 Credit" in page


def test_the_verify_page_says_revoked_with_the_date_only(ready, staff):
    certificate_revoke(certificate_id=ready.id, reason="SECRET reason", actor=staff)
    ready.refresh_from_db()

    page = _text(Client().get(f"/verify/{ready.code}/"))

    assert f"Revoked</strong> on {ready.revoked_at:%-d %B %Y}" in page
    assert "SECRET" not in page


def test_the_verify_page_links_a_superseded_version_to_the_current_one(learner, ready, staff):
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="Alexandra Rivera"
    )
    new = name_change_approve(request_id=request.id, actor=staff)

    page = _text(Client().get(f"/verify/{ready.code}/"))

    assert "Superseded." in page
    assert f'href="https://lms.example.org/verify/{new.code}/"' in page


def test_the_verify_page_is_rate_limited_per_client(ready, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"verify": "2/min"},
    }
    cache.clear()
    try:
        client = Client(REMOTE_ADDR="203.0.113.9")
        statuses = [client.get(f"/verify/{ready.code}/").status_code for _ in range(2)]
        limited = client.get(f"/verify/{ready.code}/")
        api = client.get(f"/api/v1/certificates/verify/{ready.code}/")  # one count for both
        elsewhere = Client(REMOTE_ADDR="198.51.100.3").get(f"/verify/{ready.code}/")
    finally:
        cache.clear()

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert "Too many verifications from your address" in _text(limited)
    assert int(limited["Retry-After"]) > 0
    assert api.status_code == 429
    assert elsewhere.status_code == 200


# --- cohorts ----------------------------------------------------------------------------------


def test_a_director_sees_their_cohort_and_queues_a_job_with_htmx(director, cohort, completed):
    completed.cohort = cohort
    completed.save(update_fields=["cohort"])
    client = client_for(director)

    assert "PGY-1 residents 2026" in _text(client.get("/cohorts/certificates/"))
    page = _text(client.get(f"/cohorts/{cohort.id}/certificates/"))
    assert "Alex Rivera" in page and "Issue missing certificates" in page

    fragment = client.post(
        f"/cohorts/{cohort.id}/certificates/batches/",
        {"kind": "issue"},
        headers={"HX-Request": "true"},
    )

    batch = CertificateBatch.objects.get()
    assert fragment.status_code == 200
    assert f'hx-get="/certificate-batches/{batch.id}/progress/"' in _text(fragment)
    assert '<progress max="100" value="0"' in _text(fragment)


def test_the_progress_fragment_stops_polling_when_the_job_is_done(director, cohort):
    batch = CertificateBatch.objects.create(
        cohort=cohort, kind="issue", requested_by=director, status="done", total=4, succeeded=4
    )

    fragment = _text(client_for(director).get(f"/certificate-batches/{batch.id}/progress/"))

    assert '<progress max="100" value="100"' in fragment
    assert "4 of 4 done." in fragment
    assert "hx-get" not in fragment


@pytest.mark.parametrize("persona", ["learner", "instructor", "outsider"])
def test_others_see_no_cohort_certificate_pages(request, persona, cohort, director):
    batch = CertificateBatch.objects.create(cohort=cohort, kind="issue", requested_by=director)
    client = client_for(request.getfixturevalue(persona))

    assert client.get(f"/cohorts/{cohort.id}/certificates/").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/certificates.zip").status_code == 404
    assert client.get(f"/certificate-batches/{batch.id}/progress/").status_code == 404
    response = client.post(f"/cohorts/{cohort.id}/certificates/batches/", {"kind": "issue"})
    assert response.status_code == 404
    assert CertificateBatch.objects.count() == 1
    assert "PGY-1" not in _text(client.get("/cohorts/certificates/"))


def test_the_cohort_page_reads_in_the_same_number_of_queries_for_any_cohort_size(
    director, cohort, course
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.certificates.conftest import claim, complete
    from tests.factories import enrol

    def add_learners(count: int, start: int) -> None:
        for n in range(start, start + count):
            enrolment = complete(enrol(UserFactory(username=f"resident{n}"), course))
            enrolment.cohort = cohort
            enrolment.save(update_fields=["cohort"])
            claim(enrolment)
            certificate_issue(enrolment_id=enrolment.id)

    def queries() -> int:
        client = client_for(director)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cohorts/{cohort.id}/certificates/").status_code == 200
        return len(captured)

    add_learners(1, 0)
    few = queries()
    add_learners(4, 1)

    assert queries() == few


# --- the admin: revoke and approve --------------------------------------------------------------


def test_staff_revoke_in_the_admin_after_giving_a_reason(ready):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(admin)
    url = "/admin/certificates/certificate/"
    chosen = {"action": "revoke", "_selected_action": [ready.id]}

    asks = client.post(url, chosen)
    assert asks.status_code == 200 and "Revoke certificates" in _text(asks)
    assert Certificate.objects.get().status == "ready"

    blank = client.post(url, {**chosen, "apply": "Revoke", "reason": ""})
    assert "This field is required" in _text(blank)
    assert Certificate.objects.get().status == "ready"

    done = client.post(url, {**chosen, "apply": "Revoke", "reason": "Duplicate record."})
    assert done.status_code == 302
    certificate = Certificate.objects.get()
    assert (certificate.status, certificate.revoked_reason) == ("revoked", "Duplicate record.")


def test_staff_approve_a_name_change_in_the_admin(learner, ready):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    request = name_change_request_create(
        user=learner, certificate_id=ready.id, requested_name="Alexandra Rivera"
    )

    response = client_for(admin).post(
        "/admin/certificates/namechangerequest/",
        {"action": "approve", "_selected_action": [request.id]},
    )

    assert response.status_code == 302
    assert sorted(Certificate.objects.values_list("version", "status", "learner_name")) == [
        (1, "superseded", "Alex Rivera"),
        (2, "pending", "Alexandra Rivera"),
    ]


def test_the_admin_never_deletes_a_certificate(ready):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)

    response = client_for(admin).get(f"/admin/certificates/certificate/{ready.id}/delete/")

    assert response.status_code == 403
    assert Certificate.objects.count() == 1
