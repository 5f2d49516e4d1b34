from django.contrib.auth import views as auth_views
from django.shortcuts import render

from lms.throttles import ClientRateThrottle


class LoginThrottle(ClientRateThrottle):
    """Log-in POSTs per client, at the API token endpoint's rate."""

    scope = "auth"


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

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
