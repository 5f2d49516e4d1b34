"""Authentication: Django's model backend behind django-axes' lockout check, as one backend."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class LockoutModelBackend(AxesStandaloneBackend, ModelBackend):
    """Refuse an account and address that failed too often, else authenticate as usual.

    One backend rather than axes' two (its standalone check, then ModelBackend): with a single
    backend, `login(request, user)` needs no `backend` argument (the invitation's set-password
    page logs the learner in that way), and the permission checks stay ModelBackend's.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is not None:
            # Raises AxesBackendPermissionDenied (a PermissionDenied) when locked out: Django's
            # authenticate() then stops and sends user_login_failed, which axes records.
            AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        # Without a request (the shell, management commands) there is no client to count.
        return ModelBackend.authenticate(self, request, username, password, **kwargs)
