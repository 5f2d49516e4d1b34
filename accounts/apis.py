from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from lms.parsers import API_PARSERS

from .views import LoginThrottle


class TokenApi(ObtainAuthToken):
    """Username and password in, an API token out (send it as `Authorization: Token <key>`)."""

    # Password guessing is limited per client, as on the log-in page.
    throttle_classes = [LoginThrottle]
    parser_classes = API_PARSERS  # DRF's view names its own; ours refuse too-deep JSON

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
