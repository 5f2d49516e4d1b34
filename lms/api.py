"""API plumbing: every error leaves as {"error": {"code", "message", "details"}}."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lms.errors import ApplicationError, invalid_fields

# Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (files are uploaded as multipart).
TOO_LARGE = (
    f"The request is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g} MB, "
    "the most a request may carry."
)


def _error(
    code: str,
    message: str,
    details: Mapping[str, object] | None,
    http_status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return Response(body, status=http_status, headers=headers)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = invalid_fields(exc)
    if isinstance(exc, RequestDataTooBig):
        return _error("too_large", TOO_LARGE, {}, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, ApplicationError):
        return _error(exc.code, exc.message, exc.details, exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    # DRF's handler answers only its own exceptions (Http404 and PermissionDenied became them).
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        details = response.data if isinstance(response.data, dict) else {"non_field": response.data}
        return _error("invalid", "The request is not valid.", details, response.status_code)
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    code = getattr(detail, "code", None) or exc.default_code
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate")}
    return _error(
        code, str(detail), {}, response.status_code or status.HTTP_400_BAD_REQUEST, headers
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for every URL: the error shape under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "Not found.", "details": {}}}, status=404
        )
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "server_error",
                    "message": "Something went wrong on our side; it has been logged.",
                    "details": {},
                }
            },
            status=500,
        )
    return django_server_error(request)
