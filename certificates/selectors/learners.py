"""A learner's certificates, the credit they may claim, and their downloads."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from certificates.models import (
    Certificate,
    CreditClaim,
    NameChangeRequest,
)
from courses.models import Course, Enrolment
from lms.errors import NotFound


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    """The caller's current certificates (superseded versions are history, not listed)."""
    return (
        Certificate.objects.filter(enrolment__user=user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("enrolment__course")
        .prefetch_related(
            Prefetch(
                "name_change_requests",
                queryset=NameChangeRequest.objects.filter(status=NameChangeRequest.Status.PENDING),
                to_attr="open_name_changes",
            )
        )
        .order_by("-created_at")
    )


def awaits_claim(enrolment: Enrolment) -> bool:
    """A completed enrolment in a course with credit whose learner has not claimed yet."""
    return (
        enrolment.course.awards_credit
        and not CreditClaim.objects.filter(enrolment_id=enrolment.id).exists()
    )


def _awards_credit() -> Q:
    return Q(course__max_credits__gt=0) & ~Q(course__credit_type="")


def claims_awaiting(*, user: User) -> QuerySet[Enrolment]:
    """Completed enrolments in courses with credit that the learner has yet to claim."""
    return (
        Enrolment.objects.filter(
            _awards_credit(),
            user=user,
            status=Enrolment.Status.COMPLETED,
            credit_claim__isnull=True,
        )
        .select_related("course")
        .order_by("-completed_at")
    )


def credit_enrolments_of(*, user: User) -> QuerySet[Enrolment]:
    """Completed enrolments in courses with credit, claimed or not, with their claims."""
    return (
        Enrolment.objects.filter(_awards_credit(), user=user, status=Enrolment.Status.COMPLETED)
        .select_related("course", "credit_claim")
        .order_by("-completed_at")
    )


def claimable_course(*, user: User, slug: str) -> tuple[Course, Enrolment]:
    """The course whose credit the caller may claim now; otherwise 'not found'."""
    enrolment = (
        Enrolment.objects.select_related("course")
        .filter(user=user, course__slug=slug, status=Enrolment.Status.COMPLETED)
        .first()
    )
    if enrolment is None or not enrolment.course.awards_credit:
        raise NotFound("You have no credit to claim for this course.", code="nothing_to_claim")
    return enrolment.course, enrolment


def certificate_of_learner(*, user: User, certificate_id: int) -> Certificate:
    certificate = (
        Certificate.objects.filter(pk=certificate_id, enrolment__user=user)
        .select_related("enrolment__course")
        .first()
    )
    if certificate is None:
        raise NotFound("No such certificate.")
    return certificate


def certificate_for_download(*, user: User, certificate_id: int) -> Certificate:
    """A ready certificate of the caller's own (staff: anyone's); otherwise 'not found'."""
    certificate = Certificate.objects.select_related("enrolment").filter(pk=certificate_id).first()
    if certificate is None or not (user.is_staff or certificate.enrolment.user_id == user.pk):
        raise NotFound("No such certificate.")
    if certificate.status != Certificate.Status.READY or not certificate.pdf:
        raise NotFound("This certificate's PDF is not ready.", code="certificate_not_ready")
    return certificate
