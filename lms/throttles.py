"""Per-client rate limits shared by pages and the API, counted in Django's cache."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """A limit per client address (X-Forwarded-For as far as NUM_PROXIES trusts it).

    Subclasses name a `scope` of REST_FRAMEWORK's DEFAULT_THROTTLE_RATES; pages without a
    DRF view use them too (`allow_request(request, None)`).
    """

    def get_rate(self):
        # Read at each request, not at import: settings may change (tests, reloads).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
