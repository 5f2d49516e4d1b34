"""What django-axes needs from the site: the client's address and the locked-out answer.

Failures are counted per account and address together (AXES_LOCKOUT_PARAMETERS): a hospital's
residents share one address behind its network, so an address alone must never lock them out,
and one account guessed from one address is what a guesser does.
"""

from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """The address the rate limits count: REMOTE_ADDR, or X-Forwarded-For as far as
    REST_FRAMEWORK's NUM_PROXIES trusts it (the same rule as lms.throttles)."""
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # reads request.META only


def lockout_wait(request: HttpRequest, username: str | None) -> int:
    """Seconds until this account may try again from this address (at least 1)."""
    cool_off = get_cool_off(request) or timedelta(0)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_address(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return max(1, int(cool_off.total_seconds()))
    return max(1, int((last + cool_off - timezone.now()).total_seconds()))


def wait_in_words(seconds: int) -> str:
    minutes = (seconds + 59) // 60
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the site's (and the admin's) log-in page when locked out.

    The API token view answers its own lockout in the API's error shape (accounts/apis.py);
    should axes' middleware see an API request, that answer is kept.
    """
    if request.path.startswith("/api/") and original_response is not None:
        return original_response
    username = (credentials or {}).get("username") or request.POST.get("username")
    wait = lockout_wait(request, str(username) if username else None)
    response = render(
        request,
        "registration/login_locked.html",
        {"wait": wait_in_words(wait)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(wait)
    return response
