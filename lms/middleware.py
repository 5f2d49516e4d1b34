from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone

from lms.api import not_found
from lms.errors import ApplicationError
from lms.time_zones import zone_or_site


class UserTimeZoneMiddleware:
    """Dates and times a logged-in person sees are in the time zone of their profile
    (User.time_zone); without one, the site's (TIME_ZONE). After AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone_name = getattr(user, "time_zone", "") if user is not None else ""
        if zone_name:
            timezone.activate(zone_or_site(zone_name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ApplicationErrorPageMiddleware:
    """On pages (not the API), a broken rule becomes a page that says what went wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        template = "partials/error.html" if request.headers.get("HX-Request") else "error.html"
        return render(request, template, {"error": exception}, status=exception.status)


class SiteNotFoundPageMiddleware:
    """With DEBUG on (`make run`), a 404 is still the site's own page, not Django's debug page.

    Django answers a 404 with its technical page under DEBUG, which lists every URL pattern of
    the project. This middleware, last in the list, answers an address no pattern matches and a
    view's Http404 with the handler production uses (`lms.api.not_found`: the site's 404.html,
    or the API's error shape under /api/). It does nothing with DEBUG off, where Django calls
    that handler itself, and it leaves every other error, the debug page of a 500 included,
    to Django.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            # An unknown address fails in URL resolution, before any middleware hook but this.
            try:
                resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
            except Resolver404 as exception:
                return not_found(request, exception)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return not_found(request, exception)
        return None
