"""Password reset: who may ask how often, and what a completed reset clears."""

import hashlib

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
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
