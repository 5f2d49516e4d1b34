"""What a cohort's certificate job did, and why learners were left out, in words for directors."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from certificates.models import Certificate, CertificateBatch, CreditClaim
from courses.models import Cohort, Enrolment


@dataclass
class CohortCertificateStanding:
    """Where the cohort's learners stand for a certificate, counted in one query."""

    learners: int = 0
    studying: int = 0  # not completed the course yet
    certified: int = 0  # hold a ready certificate
    revoked: int = 0  # their certificate was revoked: never issued again by a job
    awaiting_claim: int = 0  # completed, but have not claimed their credit yet
    to_issue: int = 0  # completed, nothing stops a certificate: what an issue job takes


def _learners(n: int) -> str:
    return f"{n} learner{'s' if n != 1 else ''}"


def _have(n: int) -> str:
    return "have" if n != 1 else "has"


def cohort_certificate_standing(*, cohort: Cohort) -> CohortCertificateStanding:
    credit = cohort.course.awards_credit
    certificates = Certificate.objects.filter(enrolment=OuterRef("pk"))
    enrolments = Enrolment.objects.filter(cohort=cohort).annotate(
        has_ready=Exists(certificates.filter(status=Certificate.Status.READY)),
        has_revoked=Exists(certificates.filter(status=Certificate.Status.REVOKED)),
        has_claim=Exists(CreditClaim.objects.filter(enrolment=OuterRef("pk"))),
    )
    completed = Q(status=Enrolment.Status.COMPLETED, has_ready=False, has_revoked=False)
    counts = enrolments.aggregate(
        learners=Count("pk"),
        studying=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
        certified=Count("pk", filter=Q(has_ready=True)),
        revoked=Count("pk", filter=Q(has_revoked=True, has_ready=False)),
        unclaimed=Count("pk", filter=completed & Q(has_claim=False)),
        claimed=Count("pk", filter=completed & Q(has_claim=True)),
    )
    return CohortCertificateStanding(
        learners=counts["learners"],
        studying=counts["studying"],
        certified=counts["certified"],
        revoked=counts["revoked"],
        # A course without credit issues certificates at completion: nobody waits on a claim.
        awaiting_claim=counts["unclaimed"] if credit else 0,
        to_issue=counts["claimed"] if credit else counts["unclaimed"] + counts["claimed"],
    )


@dataclass
class BatchOutcome:
    """A finished job in a sentence, and why the learners it did not touch were left out."""

    done: str
    left_out: list[str] = field(default_factory=list)


def batch_outcome(batch: CertificateBatch, standing: CohortCertificateStanding) -> BatchOutcome:
    n = batch.succeeded
    if batch.kind == CertificateBatch.Kind.RERENDER:
        if batch.total:
            done = f"Re-rendered {n} ready certificate{'s' if n != 1 else ''}"
        else:
            done = "Nothing to re-render: no learner of this cohort holds a ready certificate"
    elif batch.total:
        done = f"Issued {n} certificate{'s' if n != 1 else ''}"
    else:
        done = "Nobody was included: no learner was waiting for a certificate the job could issue"
    if batch.failed:
        done += f"; {batch.failed} failed"
    if batch.status == CertificateBatch.Status.FAILED:
        done = f"The job stopped before the end. {done}"
    left_out = []
    if standing.awaiting_claim:
        left_out.append(
            f"{_learners(standing.awaiting_claim)} {_have(standing.awaiting_claim)} completed but "
            f"{_have(standing.awaiting_claim)} not claimed their credit yet; certificates are "
            "issued once they claim."
        )
    if batch.kind == CertificateBatch.Kind.ISSUE and standing.certified:
        held = "hold" if standing.certified != 1 else "holds"
        left_out.append(f"{_learners(standing.certified)} already {held} a ready certificate.")
    if standing.studying:
        left_out.append(
            f"{_learners(standing.studying)} {_have(standing.studying)} not completed the "
            "course yet."
        )
    if standing.revoked:
        left_out.append(
            f"{_learners(standing.revoked)} {_have(standing.revoked)} a revoked certificate; "
            "a job does not issue it again."
        )
    if not standing.learners:
        left_out.append("The cohort has no learners yet.")
    return BatchOutcome(done=done + ".", left_out=left_out)
