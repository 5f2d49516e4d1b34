"""Reads for certificates: a learner's own, credit to claim, public verification, cohorts."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from courses.models import Cohort, Course, Enrolment
from lms.errors import NotFound

from .models import (
    Certificate,
    CertificateBatch,
    CertificateEvent,
    NameChangeRequest,
    normalise_code,
)


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


# --- cohorts --------------------------------------------------------------------------------


def cohorts_managed_by(*, user: User) -> QuerySet[Cohort]:
    cohorts = Cohort.objects.select_related("course").order_by("-start_date", "name")
    return cohorts if user.is_staff else cohorts.filter(directors=user)


def cohort_for_certificates(*, user: User, cohort_id: int) -> Cohort:
    """The cohort if `user` is staff or directs it; otherwise 'not found'."""
    cohort = cohorts_managed_by(user=user).filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound("No such cohort.")
    return cohort


@dataclass
class CohortCertificateRow:
    name: str
    enrolment_status: str
    awaiting_claim: bool
    certificate: Certificate | None


def cohort_certificate_rows(*, cohort: Cohort) -> list[CohortCertificateRow]:
    """Each learner of the cohort with their current certificate, in three queries."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("user", "credit_claim")
        .order_by("user__full_name", "user__username")
    )
    current = {
        c.enrolment_id: c
        for c in Certificate.objects.filter(enrolment__cohort=cohort).exclude(
            status=Certificate.Status.SUPERSEDED
        )
    }
    credit = cohort.course.awards_credit
    rows = []
    for enrolment in enrolments:
        claimed = hasattr(enrolment, "credit_claim")
        rows.append(
            CohortCertificateRow(
                name=enrolment.user.get_full_name(),
                enrolment_status=enrolment.get_status_display(),
                awaiting_claim=(
                    credit and not claimed and enrolment.status == Enrolment.Status.COMPLETED
                ),
                certificate=current.get(enrolment.id),
            )
        )
    return rows


def cohort_ready_certificates(*, cohort: Cohort) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        enrolment__cohort=cohort, status=Certificate.Status.READY
    ).order_by("learner_name", "id")


def latest_batch(*, cohort: Cohort) -> CertificateBatch | None:
    return CertificateBatch.objects.filter(cohort=cohort).order_by("-created_at", "-id").first()


def batch_for_viewer(*, user: User, batch_id: int) -> CertificateBatch:
    batch = (
        CertificateBatch.objects.select_related("cohort__course")
        .filter(pk=batch_id, cohort__in=cohorts_managed_by(user=user))
        .first()
    )
    if batch is None:
        raise NotFound("No such certificate job.")
    return batch
