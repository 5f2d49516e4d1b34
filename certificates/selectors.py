"""Reads for certificates: a learner's own, and public verification."""

from lms.errors import NotFound

from .models import Certificate, normalise_code


def certificates_of(*, user):
    return (
        Certificate.objects.filter(enrolment__user=user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("enrolment__course")
        .order_by("-created_at")
    )


def certificate_for_download(*, user, certificate_id: int) -> Certificate:
    """A ready certificate of the caller's own (staff: anyone's); otherwise 'not found'."""
    certificate = Certificate.objects.select_related("enrolment").filter(pk=certificate_id).first()
    if certificate is None or not (user.is_staff or certificate.enrolment.user_id == user.pk):
        raise NotFound("No such certificate.")
    if certificate.status != Certificate.Status.READY or not certificate.pdf:
        raise NotFound("This certificate's PDF is not ready.", code="certificate_not_ready")
    return certificate


def certificate_verify(*, code: str) -> Certificate | None:
    """The certificate a typed code names, or None. Malformed codes are simply unknown."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return Certificate.objects.filter(code=canonical).first()
