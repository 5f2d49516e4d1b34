"""A certificate's history: one event row per thing that happened to it."""

from accounts.models import User
from certificates.models import (
    Certificate,
    CertificateEvent,
)


def event_record(
    certificate: Certificate,
    kind: str,
    *,
    actor: User | None = None,
    sha256: str = "",
    note: str = "",
) -> CertificateEvent:
    """Record that `kind` happened to the certificate (by `actor`, with its checksum or a note)."""
    return CertificateEvent.objects.create(
        certificate=certificate, kind=kind, actor=actor, sha256=sha256, note=note
    )
