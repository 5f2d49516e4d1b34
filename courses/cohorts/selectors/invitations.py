"""Invitations to cohorts: the invitee's own, a cohort's as its directors see them, the link."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from courses.models import Cohort, CohortInvitation, Enrolment
from lms.errors import ApplicationError, NotFound

# An invitation's e-mail link works for this long after the invitation was (re)sent.
INVITATION_VALID_DAYS = 30

_SIGNER_SALT = "courses.cohort-invitation"


def invitation_link_token(invitation: CohortInvitation) -> str:
    """The token of the invitation's e-mail link: its id and secret, signed and dated."""
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign(f"{invitation.pk}.{invitation.token}")


def invitation_link_path(invitation: CohortInvitation) -> str:
    return reverse("cohort-invitation", args=[invitation_link_token(invitation)])


def new_account_password_path(user: User) -> str:
    """The link a new account's owner follows to choose a password (and accept)."""
    return reverse(
        "invitation-accept",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )


def invitation_from_link(*, token: str) -> CohortInvitation:
    """The invitation an e-mail link names, while the link is fresh and the invitation current.

    A link from before the invitation was sent again (new secret) names nothing any more.
    """
    try:
        value = signing.TimestampSigner(salt=_SIGNER_SALT).unsign(
            token, max_age=timedelta(days=INVITATION_VALID_DAYS)
        )
    except signing.SignatureExpired:
        raise ApplicationError(
            "This invitation link has expired. Ask the program director to invite you again.",
            code="link_expired",
            status=410,
        ) from None
    except signing.BadSignature:
        raise NotFound("No such invitation.") from None
    pk, _, secret = value.partition(".")
    invitation = (
        CohortInvitation.objects.select_related("cohort__course", "user")
        .prefetch_related("cohort__directors")
        .filter(pk=int(pk) if pk.isdecimal() else 0)
        .first()
    )
    if invitation is None or not constant_time_compare(invitation.token, secret):
        raise NotFound("No such invitation.")
    return invitation


def is_invitee(user: User | AnonymousUser, invitation: CohortInvitation) -> bool:
    """Whether `user` is the person invited: the account, or (several accounts share the
    address) an account signed in with that address."""
    if not user.is_authenticated:
        return False
    if invitation.user_id is not None:
        return invitation.user_id == user.pk
    return bool(user.email) and user.email.lower() == invitation.email


def _for_user(user: User) -> Q:
    return Q(user=user) | Q(user__isnull=True, email=(user.email or "").lower())


@dataclass
class PendingInvitation:
    """An invitation as its invitee sees it on their dashboard."""

    invitation: CohortInvitation
    directors: str
    # The cohort of the same course they are in now, which accepting leaves (None: none).
    current_cohort: Cohort | None


def invitations_pending_for(*, user: User) -> list[PendingInvitation]:
    """The invitations waiting for the user's answer, in three queries."""
    if not user.email:
        return []
    invitations = list(
        CohortInvitation.objects.filter(_for_user(user), status=CohortInvitation.Status.INVITED)
        .select_related("cohort__course")
        .prefetch_related(Prefetch("cohort__directors", queryset=User.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    if not invitations:
        return []
    current = {
        e.course_id: e.cohort
        for e in Enrolment.objects.filter(
            user=user,
            course_id__in={i.cohort.course_id for i in invitations},
            cohort__isnull=False,
        ).select_related("cohort")
    }
    return [
        PendingInvitation(
            invitation=i,
            directors=", ".join(d.get_full_name() for d in i.cohort.directors.all()),
            current_cohort=current.get(i.cohort.course_id),
        )
        for i in invitations
    ]


def invitation_of_invitee(*, user: User, invitation_id: int) -> CohortInvitation:
    """The user's own invitation (from their dashboard); anyone else's is not found."""
    invitation = (
        CohortInvitation.objects.filter(_for_user(user), pk=invitation_id)
        .select_related("cohort__course")
        .first()
    )
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def cohort_invitations_open(*, cohort: Cohort) -> QuerySet[CohortInvitation]:
    """The addresses invited and not in the cohort (waiting, or declined), as directors see
    them: address, status and dates only, never the account behind the address."""
    return (
        CohortInvitation.objects.filter(cohort=cohort)
        .exclude(status=CohortInvitation.Status.ACCEPTED)
        .only("id", "cohort_id", "email", "status", "created_at", "responded_at")
        .order_by("status", "email")
    )


def invitations_awaiting_delivery(*, older_than: datetime) -> list[int]:
    """Invitations still waiting, made before `older_than` and within their link's validity,
    whose e-mail has not gone (the task gave up, or its message was lost)."""
    return list(
        CohortInvitation.objects.filter(
            status=CohortInvitation.Status.INVITED,
            sent_at__isnull=True,
            created_at__lt=older_than,
            created_at__gte=timezone.now() - timedelta(days=INVITATION_VALID_DAYS),
        ).values_list("id", flat=True)
    )
