"""Credit claims: the learner attests and claims continuing-education credit."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from accounts.models import User
from certificates.models import (
    ATTESTATION,
    CREDIT_STEP,
    CreditClaim,
)
from certificates.services.issue import certificate_request
from courses.models import Course, Enrolment
from lms.errors import ApplicationError, Conflict, NotFound


def _credit_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_credits", details={"credits": [message]})


def _parse_credits(credits: object, maximum: Decimal) -> Decimal:
    try:
        value = Decimal(str(credits).strip())
    except (InvalidOperation, ValueError):
        raise _credit_error("Enter the credits as a number, such as 1.75.") from None
    if not value.is_finite() or value <= 0:
        raise _credit_error("Claim more than 0 credits.")
    if value > maximum:
        raise _credit_error(f"Claim at most {maximum} credits, the maximum for this course.")
    if value % CREDIT_STEP:
        raise _credit_error("Claim credits in quarter steps (0.25, 0.5, 0.75 ...).")
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def credit_claim_create(
    *, user: User, course: Course, credits: object, attested: object
) -> CreditClaim:
    """The learner claims credit for a completed course; then the certificate is issued.

    A claim is made once: it is what the certificate prints and what auditors see.
    """
    enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    if enrolment is None:
        raise NotFound("You are not enrolled in this course.", code="not_enrolled")
    if not course.awards_credit:
        raise ApplicationError("This course awards no credit to claim.", code="no_credit")
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise Conflict("Complete the course before claiming its credit.", code="not_completed")
    if CreditClaim.objects.filter(enrolment=enrolment).exists():
        raise Conflict("You have already claimed credit for this course.", code="already_claimed")
    value = _parse_credits(credits, course.max_credits)
    if attested is not True:
        raise ApplicationError(
            "Confirm that you claim only the credit your participation supports.",
            code="attestation_required",
            details={"attested": [ATTESTATION]},
        )
    claim = CreditClaim.objects.create(enrolment=enrolment, credits=value)
    certificate_request(enrolment=enrolment)
    return claim
