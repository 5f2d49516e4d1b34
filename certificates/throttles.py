"""Verification is public: one rate limit per client, shared by the page and the API."""

from lms.throttles import ClientRateThrottle


class VerifyThrottle(ClientRateThrottle):
    scope = "verify"


def verify_allowed(request) -> tuple[bool, int | None]:
    """For the page: whether this client may verify now, and else how many seconds to wait."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return True, None
    wait = throttle.wait()
    return False, max(1, round(wait)) if wait is not None else None
