"""Certificates in headless Chromium, rendered by a real Celery worker against Redis and
PostgreSQL: the learner claims credit and watches the certificate become ready, copies the
verify link, downloads the PDF; a name change supersedes it; a director issues a cohort's
certificates as one job with a progress bar and downloads them as one ZIP."""

import subprocess
import zipfile
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from certificates.models import Certificate, CreditClaim, NameChangeRequest
from certificates.services.corrections import name_change_approve
from courses.models import Cohort, Enrolment
from tests.browser.conftest import worker_paused
from tests.browser.test_learner_flow import log_in, mark_page, page_was_kept
from tests.factories import UserFactory, build_course, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE_TITLE = "Leading Interprofessional Rounds"
WORKER_TIMEOUT_MS = 60_000


def _completed(user, course, cohort=None) -> Enrolment:
    enrolment = enrol(user, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at="2026-11-25T14:30:00Z", cohort=cohort
    )
    enrolment.refresh_from_db()
    return enrolment


def _look_at(pdf_path, artifacts_dir, name: str) -> None:
    """Keep the first page as a PNG in test-artifacts/, for a person to look at."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf_path), str(artifacts_dir / name)],
        check=True,
    )


def test_learner_claims_credit_and_the_certificate_appears_without_a_reload(
    page: Page, live_server, celery_worker, settings, artifacts_dir
):
    settings.SITE_URL = live_server.url
    course = build_course(modules=1, questions=1, title=COURSE_TITLE)
    learner = UserFactory(username="zoe", full_name="Zoë Ångström-Nuñez")
    enrolment = _completed(learner, course)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    log_in(page, "zoe")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My certificates").click()
    expect(page.get_by_role("heading", name="Credit to claim")).to_be_visible()
    page.get_by_role("link", name=f"Claim credit for {COURSE_TITLE}").click()
    expect(page.get_by_role("heading", name="Claim credit", level=1)).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("AMA PRA Category 1 Credit")

    # The claim is made while the worker is held: the list says "being prepared", then
    # (worker released) refreshes itself until the certificate is ready.
    with worker_paused(celery_worker):
        page.get_by_label("Credits to claim (up to 2.00, in steps of 0.25)").fill("1.5")
        page.get_by_label("I claim only the credit commensurate").check()
        page.get_by_role("button", name="Claim credit and issue my certificate").click()
        expect(page.get_by_role("status")).to_contain_text("Credit claimed.")
        row = page.get_by_role("row").filter(has_text=COURSE_TITLE)
        expect(row).to_contain_text("Being prepared")
        mark_page(page)
    expect(row.get_by_role("link", name="Download PDF")).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    expect(row).to_contain_text("1.50 AMA PRA Category 1 Credit")
    assert page_was_kept(page), "My certificates reloaded instead of refreshing in place"
    assert CreditClaim.objects.get(enrolment=enrolment).credits == 1.5
    certificate = Certificate.objects.get(enrolment=enrolment)
    verify_url = f"{live_server.url}/verify/{certificate.code}/"
    page.screenshot(path=str(artifacts_dir / "certificates-ready.png"), full_page=True)

    # Copy the verify link.
    row.get_by_role("button", name="Copy verify link").click()
    expect(row.get_by_role("button", name="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == verify_url

    # Download: a PDF with the name, the credit claimed and the code.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == certificate.download_name
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Zoë Ångström-Nuñez" in text
    assert "Credit claimed: 1.50 AMA PRA Category 1 Credit\u2122" in text
    assert certificate.code in text
    _look_at(download.path(), artifacts_dir, "certificate-page")

    # A name change: requested on the page, approved by staff, reissued by the worker.
    row.get_by_role("link", name="Request a name change").click()
    page.get_by_label("Name as it should appear on the certificate").fill("Zoë Ångström")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status")).to_contain_text("Name change requested.")
    expect(row).to_contain_text("waiting for staff")
    staff = UserFactory(username="registrar", is_staff=True)
    new = name_change_approve(request_id=NameChangeRequest.objects.get().id, actor=staff)
    page.reload()
    expect(row).to_contain_text("Version 2")
    expect(row.get_by_role("link", name="Download PDF")).to_be_visible(timeout=WORKER_TIMEOUT_MS)

    # The old code says superseded and leads to the new one, which is valid.
    page.goto(verify_url)
    expect(page.get_by_role("status")).to_contain_text("Superseded.")
    page.get_by_role("link", name=f"verify the current version ({new.code})").click()
    expect(page).to_have_url(f"{live_server.url}/verify/{new.code}/")
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    expect(page.locator("dl.facts")).to_contain_text("Zoë Ångström")
    new.refresh_from_db()
    expect(page.locator("dl.facts")).to_contain_text(new.sha256)


def test_director_issues_a_cohorts_certificates_with_a_progress_bar_and_a_zip(
    page: Page, live_server, celery_worker, settings, artifacts_dir, tmp_path
):
    settings.SITE_URL = live_server.url
    course = build_course(modules=1, questions=1, title=COURSE_TITLE)
    director = UserFactory(username="okafor", full_name="Dr. Samuel Okafor")
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    cohort.directors.add(director)
    names = ["Amara Nwosu", "李小龙", "محمد عبد الله", "Priya Raman"]
    for n, name in enumerate(names):
        enrolment = _completed(UserFactory(username=f"resident{n}", full_name=name), course, cohort)
        CreditClaim.objects.create(enrolment=enrolment, credits="2.00")

    log_in(page, "okafor")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cohort certificates"
    ).click()
    page.get_by_role("link", name="PGY-1 residents 2026").click()
    expect(page.get_by_role("heading", name="Certificates: PGY-1 residents 2026")).to_be_visible()
    mark_page(page)

    # One job for the cohort; the progress bar follows it to the end without a reload.
    page.get_by_role("button", name="Issue missing certificates").click()
    progress = page.locator("#batch-progress")
    expect(progress.locator(".batch-status")).to_have_text("Done", timeout=WORKER_TIMEOUT_MS)
    expect(progress).to_contain_text("4 of 4 done.")
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    learners = page.locator("#learners tbody tr")
    expect(learners).to_have_count(4)
    for n in range(4):
        expect(learners.nth(n).get_by_role("cell").nth(2)).to_have_text("Ready")
    assert page_was_kept(page)
    page.screenshot(path=str(artifacts_dir / "cohort-certificates.png"), full_page=True)
    assert set(Certificate.objects.values_list("status", flat=True)) == {"ready"}

    # The ZIP holds every ready certificate and a manifest.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all ready certificates (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == "certificates-pgy-1-residents-2026.zip"
    archive = zipfile.ZipFile(download.path())
    pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert len(pdfs) == 4 and "manifest.csv" in archive.namelist()
    arabic = next(n for n in pdfs if n.startswith("محمد"))
    (tmp_path / "arabic.pdf").write_bytes(archive.read(arabic))
    _look_at(tmp_path / "arabic.pdf", artifacts_dir, "certificate-arabic")
    text = PdfReader(tmp_path / "arabic.pdf").pages[0].extract_text()
    assert "محمد عبد الله" in text
