"""Invitations to cohorts: the person invited accepts (and joins) or declines; the e-mail.

Nobody is placed in a cohort by someone else: a director's roster invites each address, and
the enrolment moves into the cohort only when its owner accepts. Accepting an invitation to a
cohort of a course they already follow in another cohort moves them (their progress goes
with them); until then they stay where they are.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.cohorts.selectors.access import require_open_course
from courses.cohorts.selectors.invitations import (
    INVITATION_VALID_DAYS,
    invitation_link_path,
    is_invitee,
    new_account_password_path,
)
from courses.models import (
    CohortInvitation,
    DueDateExtension,
    Enrolment,
    Module,
    ModuleProgress,
)
from lms.errors import ApplicationError, NotFound
from lms.mail import MailNotSent, mail_render, mail_send_or_record

INVITED = CohortInvitation.Status.INVITED


def invitation_secret() -> str:
    return secrets.token_urlsafe(32)


def _locked(invitation_id: int) -> CohortInvitation | None:
    return (
        CohortInvitation.objects.select_for_update(of=("self",))
        .select_related("cohort__course")
        .filter(pk=invitation_id)
        .first()
    )


def _answerable(user: User, invitation_id: int) -> CohortInvitation:
    """The invitation, locked, if `user` is its invitee and it still waits for an answer."""
    invitation = _locked(invitation_id)
    if invitation is None or not is_invitee(user, invitation):
        raise NotFound("No such invitation.")
    if invitation.status != INVITED:
        raise ApplicationError(
            f"You have {invitation.get_status_display().lower()} this invitation already.",
            code="invitation_answered",
        )
    return invitation


def _join(user: User, invitation: CohortInvitation) -> Enrolment:
    """Place the user's enrolment in the invitation's cohort, enrolling them if need be."""
    cohort = invitation.cohort
    require_open_course(cohort)
    enrolment = (
        Enrolment.objects.select_for_update().filter(user=user, course_id=cohort.course_id).first()
    )
    if enrolment is None:
        enrolment = Enrolment.objects.create(user=user, course_id=cohort.course_id, cohort=cohort)
        module_ids = Module.objects.filter(
            course_id=cohort.course_id, status=Module.Status.PUBLISHED
        ).values_list("id", flat=True)
        ModuleProgress.objects.bulk_create(
            [ModuleProgress(enrolment=enrolment, module_id=m) for m in module_ids]
        )
    elif enrolment.cohort_id != cohort.id:
        if enrolment.cohort_id is not None:
            # Due-date extensions were granted against the cohort they leave.
            DueDateExtension.objects.filter(enrolment=enrolment).delete()
        enrolment.cohort = cohort
        enrolment.save(update_fields=["cohort"])
    return enrolment


@transaction.atomic
def cohort_invitation_accept(*, user: User, invitation_id: int) -> CohortInvitation:
    """The invitee says yes: they join the cohort (moving from another cohort of the course)."""
    invitation = _answerable(user, invitation_id)
    _join(user, invitation)
    invitation.user = user
    invitation.status = CohortInvitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["user", "status", "responded_at"])
    return invitation


@transaction.atomic
def cohort_invitation_decline(*, user: User, invitation_id: int) -> CohortInvitation:
    """The invitee says no: the directors see 'declined' beside the address, nothing else."""
    invitation = _answerable(user, invitation_id)
    invitation.status = CohortInvitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def cohort_invitation_answer_by_link(
    *, invitation: CohortInvitation, accept: bool
) -> CohortInvitation:
    """Accept or decline from the e-mail's link, whose signed token stands for the invitee.

    An invitation to an address several accounts share is answered signed in (see
    `is_invitee`); its link alone does not say which account joins.
    """
    if invitation.user is None:
        raise ApplicationError(
            "Sign in with the account that uses this address to answer the invitation.",
            code="sign_in_to_answer",
        )
    user = invitation.user
    if not user.is_active:
        raise NotFound("No such invitation.")
    if accept:
        return cohort_invitation_accept(user=user, invitation_id=invitation.pk)
    return cohort_invitation_decline(user=user, invitation_id=invitation.pk)


@transaction.atomic
def cohort_invitations_accept_new_account(
    *, user: User, full_name: str = ""
) -> list[CohortInvitation]:
    """A new account's owner chose their password from the invitation: they join its cohort.

    An account invited without a name takes the one its owner gives here.
    """
    name = " ".join(full_name.split())
    if name and not user.full_name.strip():
        if len(name) > 200:
            raise ApplicationError("The name is longer than 200 characters.", code="invalid")
        user.full_name = name
        user.save(update_fields=["full_name"])
    accepted = []
    for invitation_id in CohortInvitation.objects.filter(
        user=user, new_account=True, status=INVITED
    ).values_list("id", flat=True):
        try:
            accepted.append(cohort_invitation_accept(user=user, invitation_id=invitation_id))
        except ApplicationError:
            continue  # the course was unpublished meanwhile: it stays on their dashboard
    return accepted


def cohort_invitation_send(*, invitation_id: int) -> bool:
    """E-mail an invitation still waiting, once: True if a mail was sent (safe to run twice).

    A new account's e-mail links to the page that sets its password (which accepts); an
    existing account's links to the page where they accept or decline. A refusal is counted on
    the invitation with the server's answer and raised as MailNotSent after the commit, for the
    task to retry.
    """
    failure: MailNotSent | None = None
    with transaction.atomic():
        invitation = _locked(invitation_id)
        if invitation is None or invitation.status != INVITED or invitation.sent_at is not None:
            return False
        user = invitation.user
        if user is not None and not user.is_active:
            return False
        cohort = invitation.cohort
        inviter = invitation.invited_by
        new_account = invitation.new_account and user is not None and not user.has_usable_password()
        context = {
            "name": user.full_name.strip() if user is not None else "",
            "cohort": cohort,
            "course": cohort.course,
            "directors": ", ".join(d.get_full_name() for d in cohort.directors.order_by("pk"))
            or "Your program director",
            "new_account": new_account,
            "username": user.username if new_account and user is not None else "",
            "password_link": settings.SITE_URL + new_account_password_path(user)
            if new_account and user is not None
            else "",
            "link": settings.SITE_URL + invitation_link_path(invitation),
            "dashboard_link": settings.SITE_URL + "/",
            "password_valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "valid_days": INVITATION_VALID_DAYS,
        }
        message = mail_render(
            template="courses/email/invitation",
            context=context,
            subject=f"You are invited to {cohort.course.title} with {cohort.name}",
            to=[invitation.email],
            reply_to=[inviter.email] if inviter is not None and inviter.email else [],
        )
        failure = mail_send_or_record(
            message, rows=CohortInvitation.objects.filter(pk=invitation.pk)
        )
        if failure is None:
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
    if failure is not None:
        raise failure
    return True
