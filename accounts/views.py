from typing import Any, cast

from django.contrib.auth import views as auth_views
from django.shortcuts import render, resolve_url
from django.urls import reverse

from accounts.models import User
from courses.selectors.learning import landing_page_for
from lms.throttles import ClientRateThrottle


class LoginThrottle(ClientRateThrottle):
    """Log-in POSTs per client, at the API token endpoint's rate."""

    scope = "auth"


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        """A safe `next`, except the site's root: opening the site is no wish for My learning
        (log-in required sends everyone from / with next=/)."""
        url = super().get_redirect_url(*args, **kwargs)
        return "" if url == reverse("dashboard") else url

    def get_default_redirect_url(self) -> str:
        """Without a `next`: the page made for the person's role (My learning for learners)."""
        if self.next_page:
            return resolve_url(self.next_page)
        # Called once the user is logged in (or, with redirect_authenticated_user, is already).
        return resolve_url(landing_page_for(user=cast(User, self.request.user)))

    def post(self, request, *args, **kwargs):
        throttle = LoginThrottle()
        if not throttle.allow_request(request, self):
            wait = max(1, round(throttle.wait() or 60))
            response = render(
                request, "registration/login_throttled.html", {"wait": wait}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)
