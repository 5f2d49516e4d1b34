"""Per-client rate limits shared by pages and the API, counted in Django's cache."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.views import View
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class ClientRateThrottle(SimpleRateThrottle):
    """A limit per client address (X-Forwarded-For as far as NUM_PROXIES trusts it).

    Subclasses name a `scope` of REST_FRAMEWORK's DEFAULT_THROTTLE_RATES; pages without a
    DRF view use them too (`allow_request(request, None)`).
    """

    if TYPE_CHECKING:
        # What the pages rely on: a Django request and any view or none do (only the client's
        # address is read).
        def allow_request(
            self, request: HttpRequest | Request, view: APIView | View | None
        ) -> bool: ...

    def get_rate(self) -> str | None:
        # Read at each request, not at import: settings may change (tests, reloads).
        rates: dict[str, str | None] = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]  # the stubs type the rates as numbers; DRF's are "N/period" strings
        return rates.get(self.scope) if self.scope is not None else None

    def get_cache_key(self, request: Request, view: APIView | View | None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
