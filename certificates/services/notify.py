"""The learner's e-mail that their certificate is ready."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateEvent,
)
from certificates.rendering import verify_url
from certificates.services.events import event_record


@transaction.atomic
def certificate_notify(*, certificate_id: int) -> bool:
    """E-mail the learner that their certificate is ready, once. True if a mail was sent."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrolment__user")
        .filter(pk=certificate_id)
        .first()
    )
    if (
        certificate is None
        or certificate.notified_at
        or certificate.status != Certificate.Status.READY
    ):
        return False
    user = certificate.enrolment.user
    if not user.email:
        return False
    context = {
        "certificate": certificate,
        "name": user.get_full_name(),
        "verify_url": verify_url(certificate.code),
        "certificates_url": settings.SITE_URL + reverse("my-certificates"),
    }
    send_mail(
        subject=f"Your certificate for {certificate.course_title} is ready",
        message=render_to_string("certificates/email/ready.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    certificate.notified_at = timezone.now()
    certificate.save(update_fields=["notified_at"])
    event_record(certificate, CertificateEvent.Kind.EMAILED, note=user.email)
    return True
