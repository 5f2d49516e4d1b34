"""What the profile page shows beside the form: the certificates that carry the name."""

from dataclasses import dataclass

from accounts.models import User
from certificates.models import Certificate, NameChangeRequest


@dataclass(frozen=True)
class NameChangeWaiting:
    course_title: str
    requested_name: str
    requested_at: object


def certified_names(user: User) -> list[Certificate]:
    """The user's current certificates (being prepared or ready): each prints their name."""
    return list(
        Certificate.objects.filter(
            enrolment__user=user,
            status__in=(
                Certificate.Status.PENDING,
                Certificate.Status.FAILED,
                Certificate.Status.READY,
            ),
        ).order_by("course_title", "id")
    )


def name_changes_waiting(user: User) -> list[NameChangeWaiting]:
    return [
        NameChangeWaiting(r.certificate.course_title, r.requested_name, r.created_at)
        for r in NameChangeRequest.objects.filter(
            certificate__enrolment__user=user, status=NameChangeRequest.Status.PENDING
        )
        .select_related("certificate")
        .order_by("created_at")
    ]
