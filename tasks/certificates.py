from certificates.services import certificate_issue

from .base import lms_task


@lms_task(soft_time_limit=120, time_limit=180, autoretry_for=(Exception,))
def issue_certificate(enrolment_id: int) -> None:
    # Rendering errors are retried too: the certificate row shows "failed" meanwhile.
    certificate_issue(enrolment_id=enrolment_id)
