"""Password reset: who may ask how often, the e-mail with its link, what a completed reset
clears."""

import hashlib

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from lms.mail import mail_render, mail_send
from lms.throttles import ClientRateThrottle


class PasswordResetAddressThrottle(ClientRateThrottle):
    """Reset requests per client address (ACCOUNTS_PASSWORD_RESET_RATE)."""

    scope = "password_reset"

    def get_rate(self) -> str | None:
        return str(settings.ACCOUNTS_PASSWORD_RESET_RATE)


class PasswordResetEmailThrottle(SimpleRateThrottle):
    """Reset e-mails per address typed (ACCOUNTS_PASSWORD_RESET_EMAIL_RATE), whether or not an
    account uses it, so the limit says nothing about which addresses have accounts."""

    scope = "password_reset_email"

    def __init__(self, email: str) -> None:
        self.email = email.strip().lower()
        super().__init__()

    def get_rate(self) -> str | None:
        return str(settings.ACCOUNTS_PASSWORD_RESET_EMAIL_RATE)

    def get_cache_key(self, request, view) -> str:  # type: ignore[no-untyped-def]
        digest = hashlib.sha256(self.email.encode()).hexdigest()  # no address kept in the cache
        return self.cache_format % {"scope": self.scope, "ident": digest}


def password_reset_address_allowed(request: HttpRequest) -> tuple[bool, int]:
    """Whether this client may ask for a reset now, and else how many seconds to wait."""
    throttle = PasswordResetAddressThrottle()
    if throttle.allow_request(request, None):
        return True, 0
    return False, max(1, round(throttle.wait() or 60))


def password_reset_email_allowed(request: HttpRequest, email: str) -> bool:
    """Counts one reset e-mail to this address; False once its limit is reached."""
    return PasswordResetEmailThrottle(email).allow_request(request, None)  # type: ignore[arg-type]


def password_reset_completed(*, user: User) -> None:
    """A new password set through the e-mailed link (proof of the mailbox) ends any lockout of
    the account, from every address: the person can log in at once."""
    AxesProxyHandler.reset_attempts(username=user.get_username())


def password_reset_mail_send(*, user_id: int) -> bool:
    """E-mail an active account the link that sets a new password. True if a mail was sent.

    Sent by a worker (PasswordResetForm enqueues it), so a mail server that refuses is retried
    rather than lost while the page says a link is on its way. The link is made here: it stays
    valid until the password changes or PASSWORD_RESET_TIMEOUT passes.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.SITE_URL,  # never the request's Host header
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("registration/password_reset_subject.txt", context)
    message = mail_render(
        template="registration/password_reset_email",
        context=context,
        subject="".join(subject.splitlines()),
        to=[user.email],
    )
    mail_send(message)  # MailNotSent (an OSError): the task retries with backoff
    return True
