"""The person behind the current request, for audit rows written by signals (which are not
handed the request). Request-scoped, like the request id: nothing outlives the request."""

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from accounts.models import User

current_actor: ContextVar[User | None] = ContextVar("current_actor", default=None)


class AuditActorMiddleware:
    """After AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = current_actor.set(user if isinstance(user, User) else None)
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
