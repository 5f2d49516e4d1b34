"""The one application error type. Services raise it; views and the API turn it into a reply."""

from collections.abc import Mapping
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model


class ApplicationError(Exception):
    """A rule was broken by the caller's request. `code` is stable; `message` is for people."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details: Mapping[str, object] = details or {}
        if status is not None:
            self.status = status


class _ErrorOptions(TypedDict, total=False):
    """The keyword arguments of ApplicationError, for its subclasses' `**kwargs`."""

    code: str
    status: int | None
    details: Mapping[str, object] | None


class NotFound(ApplicationError):
    status = 404

    def __init__(self, message: str = "Not found.", **kwargs: Unpack[_ErrorOptions]) -> None:
        kwargs.setdefault("code", "not_found")
        super().__init__(message, **kwargs)


class PermissionDenied(ApplicationError):
    status = 403

    def __init__(
        self, message: str = "You do not have access to this.", **kwargs: Unpack[_ErrorOptions]
    ) -> None:
        kwargs.setdefault("code", "permission_denied")
        super().__init__(message, **kwargs)


class Conflict(ApplicationError):
    status = 409

    def __init__(self, message: str, **kwargs: Unpack[_ErrorOptions]) -> None:
        kwargs.setdefault("code", "conflict")
        super().__init__(message, **kwargs)


def invalid_fields(error: DjangoValidationError) -> ApplicationError:
    """A model's validation error (`full_clean`) as the error pages and the API show: each
    field's messages under its name."""
    details = error.message_dict if hasattr(error, "error_dict") else {"non_field": error.messages}
    return ApplicationError("The request is not valid.", code="invalid", details=details)


def validate_model(instance: Model, *, exclude: list[str] | None = None) -> None:
    """`full_clean` the instance (its fields' bounds, choices and constraints), raising the
    ApplicationError that pages show beside each field and the API as its error shape."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as error:
        raise invalid_fields(error) from error
