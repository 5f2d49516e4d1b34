"""The OpenAPI schema documents, for every operation, the error shape of each status it answers
with: the statuses follow from the view (its methods, permissions, path and throttles), and a
view that can refuse for the state of things names that conflict (`conflict`, a 409), and one
whose body names a row it looks up says so (`not_found`, a 404)."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from lms.api import TOO_LARGE


class ErrorBody(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable, for programs: `not_found`, `attempt_closed`...")
    message = serializers.CharField(help_text="For people: says what to do.")
    details = serializers.DictField(
        help_text="Each problem under the field (or item) it concerns; empty when there is none."
    )


class ErrorOutput(serializers.Serializer[Any]):
    """Every 4xx and 5xx of the API."""

    error = ErrorBody()


BODY_METHODS = ("POST", "PUT", "PATCH")


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status, description in self.error_statuses():
            error = OpenApiResponse(response=ErrorOutput, description=description)
            responses.setdefault(
                str(status),
                # drf-spectacular's own builder, as for the success responses (it is untyped).
                self._get_response_for_code(  # type: ignore[no-untyped-call]
                    error, str(status), ["application/json"], direction
                ),
            )
        return responses

    def error_statuses(self) -> list[tuple[int, str]]:
        view, method = self.view, self.method
        statuses = []
        if method in BODY_METHODS:
            statuses.append((400, "Not valid: `details` names each problem (`invalid`)."))
        if not all(isinstance(p, AllowAny) for p in view.get_permissions()):
            statuses.append(
                (403, "Not signed in (`not_authenticated`) or not allowed (`permission_denied`).")
            )
        not_found: str = getattr(view, "not_found", "")
        if "{" in self.path:
            statuses.append((404, "No such item, or none the caller may see (`not_found`)."))
        elif method == "GET" and getattr(view, "paginator", None) and self._is_list_view():
            statuses.append((404, "No such page: past the last, or not a number (`not_found`)."))
        elif method in BODY_METHODS and not_found:
            statuses.append((404, not_found))
        conflict = getattr(view, "conflict", "")
        if conflict and method in BODY_METHODS:
            statuses.append((409, conflict))
        if method in BODY_METHODS:
            statuses.append((413, TOO_LARGE + " (`too_large`)"))
        if view.get_throttles():
            statuses.append((429, "Too many requests: try again after `Retry-After` seconds."))
        return statuses
