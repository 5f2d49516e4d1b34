"""Verification is public: one rate limit per client, shared by the page and the API."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class VerifyThrottle(SimpleRateThrottle):
    """Counts in Django's cache (Redis in production: one count across web processes)."""

    scope = "verify"

    def get_rate(self):
        # Read at each request, not at import: settings may change (tests, reloads).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        # The client's address (X-Forwarded-For as far as NUM_PROXIES trusts it).
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def verify_allowed(request) -> tuple[bool, int | None]:
    """For the page: whether this client may verify now, and else how many seconds to wait."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return True, None
    wait = throttle.wait()
    return False, max(1, round(wait)) if wait is not None else None
