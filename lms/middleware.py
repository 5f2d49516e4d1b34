from django.shortcuts import render

from lms.errors import ApplicationError


class ApplicationErrorPageMiddleware:
    """On pages (not the API), a broken rule becomes a page that says what went wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        template = "partials/error.html" if request.headers.get("HX-Request") else "error.html"
        return render(request, template, {"error": exception}, status=exception.status)
