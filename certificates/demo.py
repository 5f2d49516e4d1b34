"""The demo course's certificate branding: its provider's emblem and its CME director's
signature (made for the demo: the provider and the signatory are fictional)."""

from pathlib import Path

from django.core.files import File

from courses.models import Course

from .models import CertificateBranding

ASSETS = Path(__file__).resolve().parent / "demo_assets"


def demo_branding_load(*, course: Course) -> CertificateBranding:
    """Create the branding once; loading the demo again leaves it (and its files) alone."""
    branding, created = CertificateBranding.objects.get_or_create(
        course=course,
        defaults={
            "issuer_name": "Northfield Academic Medical Center",
            "signatory_name": "Eleanor Whitaker, MD, MPH",
            "signatory_title": "Director, Office of Continuing Medical Education",
        },
    )
    if created:
        with open(ASSETS / "northfield-emblem.png", "rb") as logo:
            branding.logo.save("northfield-emblem.png", File(logo), save=False)
        with open(ASSETS / "signature-e-whitaker.png", "rb") as signature:
            branding.signature.save("signature-e-whitaker.png", File(signature), save=False)
        branding.save()
    return branding
