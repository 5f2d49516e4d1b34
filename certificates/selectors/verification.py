"""Public verification of a certificate by its code, and its earlier checksums."""

from certificates.models import (
    Certificate,
    CertificateEvent,
    normalise_code,
)


def certificate_verify(*, code: str) -> Certificate | None:
    """The certificate a typed code names, or None. Malformed codes are simply unknown."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return Certificate.objects.select_related("superseded_by").filter(code=canonical).first()


def earlier_checksums(*, certificate: Certificate) -> list[str]:
    """Checksums of files this certificate had before a re-render, newest first.

    A PDF downloaded before a re-render still verifies against them.
    """
    seen = (
        CertificateEvent.objects.filter(
            certificate=certificate, kind=CertificateEvent.Kind.RENDERED
        )
        .exclude(sha256__in=["", certificate.sha256])
        .order_by("-at", "-id")
        .values_list("sha256", flat=True)
    )
    return list(dict.fromkeys(seen))
