"""The profile: the name certificates print, the time zone, the e-mail preferences."""

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from accounts.services.names import full_name_clean
from certificates.models import Certificate, NameChangeRequest
from certificates.services.corrections import name_change_request_create
from lms.errors import ApplicationError, Conflict, validate_model


@dataclass
class ProfileChange:
    """What a save did: the fields changed, and the certificates a new name was asked for."""

    changed: list[str] = field(default_factory=list)
    name_requested_for: list[str] = field(default_factory=list)  # course titles


@transaction.atomic
def profile_update(
    *, user: User, full_name: str, time_zone: str, reminder_emails: bool
) -> ProfileChange:
    """Save the profile. Once a certificate carries the name, a new name is a request to staff
    (certificates.services.corrections), one per ready certificate, never a silent change: the
    account keeps its name until staff approve, and then follows it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    result = ProfileChange()
    name = full_name_clean(full_name)
    if name != " ".join(user.full_name.split()):
        certificates = list(
            Certificate.objects.select_for_update()
            .filter(
                enrolment__user=user,
                status__in=(
                    Certificate.Status.PENDING,
                    Certificate.Status.FAILED,
                    Certificate.Status.READY,
                ),
            )
            .order_by("course_title", "id")
        )
        if not certificates:
            user.full_name = name
            result.changed.append("full_name")
        else:
            _name_change_requests(user, certificates, name, result)
    time_zone = (time_zone or "").strip()
    if time_zone != user.time_zone:
        user.time_zone = time_zone
        result.changed.append("time_zone")
    if bool(reminder_emails) != user.reminder_emails:
        user.reminder_emails = bool(reminder_emails)
        result.changed.append("reminder_emails")
    if result.changed:
        validate_model(user, exclude=["password", "username", "email"])
        user.save(update_fields=result.changed)
    return result


def _name_change_requests(
    user: User, certificates: list[Certificate], name: str, result: ProfileChange
) -> None:
    preparing = [c for c in certificates if c.status != Certificate.Status.READY]
    if preparing:
        raise Conflict(
            f"Your certificate for {preparing[0].course_title} is being prepared with the name "
            f"“{preparing[0].learner_name}”. Once it is ready you can ask for another name here.",
            code="certificate_preparing",
            details={
                "full_name": ["Your certificate is being prepared: try again when it is ready."]
            },
        )
    waiting = NameChangeRequest.objects.filter(
        certificate__in=certificates, status=NameChangeRequest.Status.PENDING
    ).select_related("certificate")
    for request in waiting:
        raise Conflict(
            f"A change of name to “{request.requested_name}” for your certificate for "
            f"{request.certificate.course_title} is already waiting for staff. You can ask for "
            "another once they have decided.",
            code="request_pending",
            details={"full_name": ["A name change is already waiting for staff."]},
        )
    for certificate in certificates:
        if certificate.learner_name == name:
            continue  # this one already prints the name asked for
        try:
            name_change_request_create(
                user=user,
                certificate_id=certificate.id,
                requested_name=name,
                reason="Asked for on the profile page.",
            )
        except ApplicationError as error:  # the rules of corrections.py, beside the name field
            raise ApplicationError(
                error.message,
                code=error.code,
                status=error.status,
                details={"full_name": [error.message]},
            ) from error
        result.name_requested_for.append(certificate.course_title)
    if not result.name_requested_for:
        # Every certificate already prints this name: the account simply follows them.
        user.full_name = name
        result.changed.append("full_name")
