"""What a director does about what they see: reminders, due-date extensions, a new learner's
grace period, valid rows of a roster, filtered exports and the certificate job's account."""

from decimal import Decimal

import pytest

from courses.models import Enrolment
from tests.cohorts import add_learners, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


# --- the cohort's certificate job ---------------------------------------------------------------


@pytest.fixture
def credit_cohort(cohort):
    """A course that awards credit; 15 residents completed it without claiming, 2 still study."""
    from certificates.models import CertificateBatch  # noqa: F401  (the app's models load)

    course = cohort.course
    course.credit_type = "ama_pra_1"
    course.max_credits = Decimal("2.00")
    course.save()
    enrolments = add_learners(cohort, 17)
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[:15]]).update(
        status="completed", completed_at=days_ago(3)
    )
    return cohort


def test_a_job_that_included_nobody_says_what_it_did_and_why(as_user, director, credit_cohort):
    from certificates.models import CertificateBatch
    from certificates.services.batches import certificate_batch_create, certificate_batch_run

    batch = certificate_batch_create(user=director, cohort=credit_cohort, kind="issue")
    certificate_batch_run(batch_id=batch.id)

    client = as_user(director)
    for html in (
        client.get(f"/certificate-batches/{batch.id}/progress/").text,
        client.get(f"/cohorts/{credit_cohort.id}/certificates/").text,
    ):
        assert "0 of 0 done" not in html
        assert (
            "Nobody was included: no learner was waiting for a certificate the job could issue."
        ) in html
        assert (
            "15 learners have completed but have not claimed their credit yet; certificates "
            "are issued once they claim."
        ) in html
        assert "2 learners have not completed the course yet." in html
    assert CertificateBatch.objects.get().status == "done"


def test_a_job_that_issued_certificates_counts_them(director, credit_cohort):
    from certificates.models import CertificateBatch, CreditClaim
    from certificates.selectors.batches import batch_outcome, cohort_certificate_standing

    first = Enrolment.objects.filter(cohort=credit_cohort, status="completed").first()
    assert first is not None
    CreditClaim.objects.create(enrolment=first, credits="2.00")
    batch = CertificateBatch(
        cohort=credit_cohort, kind="issue", status="done", total=1, succeeded=1
    )
    standing = cohort_certificate_standing(cohort=credit_cohort)
    assert (standing.learners, standing.to_issue, standing.awaiting_claim) == (17, 1, 14)

    outcome = batch_outcome(batch, standing)

    assert outcome.done == "Issued 1 certificate."
    assert outcome.left_out[0].startswith("14 learners have completed but have not claimed")


def test_re_rendering_asks_for_confirmation_first_without_javascript(
    as_user, director, credit_cohort
):
    from certificates.models import CertificateBatch

    client = as_user(director)
    url = f"/cohorts/{credit_cohort.id}/certificates/batches/"

    asked = client.post(url, {"kind": "rerender"})

    assert asked.status_code == 200
    assert "Re-render 0 ready certificates?" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    assert not CertificateBatch.objects.exists()

    client.post(url, {"kind": "rerender", "confirm": "yes"})
    assert CertificateBatch.objects.get().kind == "rerender"


def test_the_rerender_button_asks_in_a_dialog_with_htmx(as_user, director, credit_cohort):
    html = as_user(director).get(f"/cohorts/{credit_cohort.id}/certificates/").text
    assert 'hx-confirm="Re-render all 0 ready certificates of PGY-1 residents 2026?' in html
    assert 'hx-vals=\'{"confirm": "yes"}\'' in html


def test_the_dashboard_links_to_the_cohorts_certificates(as_user, director, cohort):
    html = as_user(director).get(f"/cohorts/{cohort.id}/").text
    assert f'href="/cohorts/{cohort.id}/certificates/">Certificates</a>' in html
