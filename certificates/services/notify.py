"""The learner's e-mail that their certificate is ready."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateEvent,
)
from certificates.rendering import verify_url
from certificates.services.events import event_record
from lms.mail import MailNotSent, mail_render, mail_send_or_record


def certificate_notify(*, certificate_id: int) -> bool:
    """E-mail the learner that their certificate is ready, once. True if a mail was sent.

    The certificate is marked notified, and its history says "Learner e-mailed", only after
    the mail server took the message. A refusal is recorded on the certificate (failures, when,
    the server's answer: staff see it in the admin) and raised as MailNotSent for the task to
    retry. The row stays locked while the message is sent, so two tasks never send it twice.
    """
    failure: MailNotSent | None = None
    with transaction.atomic():
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
        message = mail_render(
            template="certificates/email/ready",
            context={
                "certificate": certificate,
                "name": user.get_full_name(),
                "verify_url": verify_url(certificate.code),
                "certificates_url": settings.SITE_URL + reverse("my-certificates"),
            },
            subject=f"Your certificate for {certificate.course_title} is ready",
            to=[user.email],
        )
        failure = mail_send_or_record(
            message, rows=Certificate.objects.filter(pk=certificate.pk), prefix="notice"
        )
        if failure is None:
            certificate.notified_at = timezone.now()
            certificate.save(update_fields=["notified_at"])
            event_record(certificate, CertificateEvent.Kind.EMAILED, note=user.email)
    if failure is not None:
        raise failure  # after the commit: the failure stays recorded while the task retries
    return True
