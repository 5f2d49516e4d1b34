from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lms.errors import ApplicationError


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
