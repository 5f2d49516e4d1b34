"""The `reports` queue's account e-mails: the password reset link."""

from accounts.services.passwords import password_reset_mail_send

from .base import lms_task


@lms_task(soft_time_limit=60, time_limit=90)
def send_password_reset(user_id: int) -> None:
    # A mail server that refuses raises MailNotSent (an OSError): retried with backoff.
    password_reset_mail_send(user_id=user_id)
