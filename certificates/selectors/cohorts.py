"""A cohort's certificates as its directors see them, and its batch jobs."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from certificates.models import (
    Certificate,
    CertificateBatch,
)
from courses.models import Cohort, Enrolment
from lms.errors import NotFound


def can_manage_cohort_certificates(*, user: User | AnonymousUser, cohort: Cohort) -> bool:
    return user.is_authenticated and (user.is_staff or cohort.directors.filter(pk=user.pk).exists())


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
