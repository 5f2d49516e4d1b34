"""Fixtures for the certificate tests: completed enrolments, a cohort, and 'nothing changed'."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import segno
from PIL import Image

from certificates.models import (
    CreditClaim,
)
from certificates.rendering import QR_SCALE, verify_url
from courses.models import Cohort, Enrolment
from tests.factories import enrol

COMPLETED_AT = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://lms.example.org"
    return settings.MEDIA_ROOT


def page_images(page) -> list[tuple[Image.Image, bool]]:
    """Each image on a PDF page, and whether it asks viewers to smooth it (PDF/A forbids it)."""
    images = []
    for image in page.images:
        interpolate = image.indirect_reference.get_object().get("/Interpolate")
        images.append((image.image, interpolate is not None and interpolate.value))
    return images


def branding_image_sizes(page, certificate) -> list[tuple[int, int]]:
    """The sizes of the images on the page other than the certificate's QR code, which must
    be there exactly once (known by its size)."""
    width, height = segno.make(verify_url(certificate.code), error="m").symbol_size(
        scale=QR_SCALE, border=0
    )
    assert isinstance(width, int) and isinstance(height, int)  # a whole scale: whole pixels
    qr_size = (width, height)
    sizes = sorted(image.size for image, _ in page_images(page))
    sizes.remove(qr_size)
    assert qr_size not in sizes
    return sizes


def complete(enrolment: Enrolment) -> Enrolment:
    """Mark an enrolment completed, as the grading services do when the last module passes."""
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=COMPLETED_AT
    )
    enrolment.refresh_from_db()
    return enrolment


def claim(enrolment: Enrolment, credits: str = "1.75") -> CreditClaim:
    return CreditClaim.objects.create(enrolment=enrolment, credits=Decimal(credits))


@pytest.fixture
def unclaimed(learner, course) -> Enrolment:
    """Completed, in a course with credit (2.00 AMA PRA Category 1), not yet claimed."""
    return complete(enrol(learner, course))


@pytest.fixture
def completed(unclaimed) -> Enrolment:
    """Completed and claimed (1.75 credits): ready to be certified."""
    claim(unclaimed)
    return unclaimed


@pytest.fixture
def cohort(course, director) -> Cohort:
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    cohort.directors.add(director)
    return cohort
