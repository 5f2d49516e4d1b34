from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken

from lms.parsers import API_PARSERS
from lms.schema import ErrorOutput

from .lockout import lockout_wait, wait_in_words


class LockedOut(exceptions.APIException):
    """Too many failed log-ins for this account from this address: 429 with Retry-After."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, wait: int) -> None:
        super().__init__(
            "Too many failed log-ins for this account from this address. For the account's "
            f"safety, log-in is paused: try again in {wait_in_words(wait)}, or reset the "
            "password from the log-in page.",
        )
        self.wait = wait  # DRF's handler sends it as Retry-After


class TokenApi(ObtainAuthToken):
    """Username and password in, an API token out (send it as `Authorization: Token <key>`).

    Failed requests count toward the same lockout as the log-in page (django-axes, per account
    and address; accounts/backends.py); successful ones never count, so there is no throttle
    per address: a cohort behind one hospital address gets its tokens.
    """

    parser_classes = API_PARSERS  # DRF's view names its own; ours refuse too-deep JSON

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            429: OpenApiResponse(
                ErrorOutput,
                description="Too many failed log-ins for this account from this address "
                "(`locked_out`): try again after `Retry-After` seconds.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # axes marks the request it refused, or whose failure reached the limit.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(lockout_wait(request, request.data.get("username"))) from None
            raise
