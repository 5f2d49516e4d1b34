from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.forms import PasswordResetForm, ProfileForm, SignUpForm
from accounts.lockout import wait_in_words
from accounts.models import User
from accounts.selectors.profile import certified_names, name_changes_waiting
from accounts.services.calendar import calendar_token_issue
from accounts.services.passwords import password_reset_address_allowed, password_reset_completed
from accounts.services.profile import profile_update
from accounts.services.registration import account_register
from courses.selectors.learning import landing_page_for
from lms.errors import ApplicationError
from lms.forms import show_service_error


class LoginView(auth_views.LoginView):
    """The site's log-in. Failures are counted by django-axes per account and address
    (accounts/lockout.py); successes are never counted, so a whole cohort behind one hospital
    address logs in freely."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["self_registration"] = settings.ACCOUNTS_SELF_REGISTRATION
        return context

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


# --- password reset (Django's views; our form, templates and limits) ---------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")  # the form enqueues the e-mail

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed, wait = password_reset_address_allowed(request)
        if not allowed:
            response = render(
                request,
                "registration/password_reset_throttled.html",
                {"wait": wait_in_words(wait)},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["valid_days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_reset_completed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- profile ------------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    initial = {
        "full_name": user.full_name or user.get_full_name(),
        "time_zone": user.time_zone,
        "reminder_emails": user.reminder_emails,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = profile_update(user=user, **form.cleaned_data)
            except ApplicationError as error:
                show_service_error(form, error)
                status = error.status
            else:
                if result.name_requested_for:
                    messages.success(
                        request,
                        f"Your new name, “{form.cleaned_data['full_name'].strip()}”, was sent to "
                        "staff for approval: your certificate for "
                        f"{', '.join(result.name_requested_for)} will be reissued with it once "
                        "approved. Until then your account keeps its current name.",
                    )
                if result.changed:
                    messages.success(request, "Your profile is saved.")
                elif not result.name_requested_for:
                    messages.info(request, "Nothing was changed.")
                return redirect("profile")
        else:
            status = 400
    context = {
        "form": form,
        "certificates": certified_names(user),
        "waiting": name_changes_waiting(user),
        "calendar_url": settings.SITE_URL + reverse("calendar-feed", args=[user.calendar_token])
        if user.calendar_token
        else "",
    }
    return render(request, "registration/profile.html", context, status=status)


@login_required
@require_POST
def calendar_address(request: HttpRequest) -> HttpResponse:
    replaced = bool(cast(User, request.user).calendar_token)
    calendar_token_issue(user=cast(User, request.user))
    messages.success(
        request,
        "Your calendar has a new address: the old one no longer works."
        if replaced
        else "Your calendar address is ready: add it to your calendar app.",
    )
    return redirect(reverse("profile") + "#calendar")


# --- self-registration --------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
def sign_up(request: HttpRequest) -> HttpResponse:
    if not settings.ACCOUNTS_SELF_REGISTRATION:
        raise Http404("Self-registration is off.")
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        allowed, wait = password_reset_address_allowed(request)
        if not allowed:
            response = render(
                request,
                "registration/password_reset_throttled.html",
                {"wait": wait_in_words(wait), "what": "sign-ups"},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            try:
                user = account_register(
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                )
            except ApplicationError as error:
                show_service_error(form, error)
                status = error.status
            else:
                login(request, user)
                messages.success(
                    request,
                    f"Welcome, {user.get_full_name()}. Your account is ready: your username is "
                    f"{user.username}.",
                )
                return redirect("dashboard")
        else:
            status = 400
    return render(request, "registration/sign_up.html", {"form": form}, status=status)
