"""Account pages' forms: parse and shape; the rules are in accounts/services/."""

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from accounts.models import User
from accounts.services.names import FULL_NAME_MAX
from accounts.services.passwords import password_reset_email_allowed
from lms.time_zones import time_zone_choices
from tasks.enqueue import SEND_PASSWORD_RESET, enqueue


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the addresses matched in any case, invited learners included (their
    link never came or expired: this sets their first password), and a limit per address.

    Unknown addresses get nothing and the same page as known ones (PasswordResetView).
    """

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str) -> Any:
        return User._default_manager.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Django calls this once per account; a worker sends the e-mail, and retries it if the
        # mail server refuses (accounts.services.passwords.password_reset_mail_send).
        enqueue(SEND_PASSWORD_RESET, context["user"].pk)

    def save(self, *args: Any, **kwargs: Any) -> None:
        request = kwargs.get("request")
        if request is not None and not password_reset_email_allowed(
            request, self.cleaned_data["email"]
        ):
            return  # the address was sent enough links for now; the page says the same
        super().save(*args, **kwargs)


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label="Full name, as printed on your certificates",
        max_length=FULL_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    time_zone = forms.ChoiceField(
        label="Show dates and times in",
        required=False,
        help_text="Due dates, deadlines and the times on your attempts are shown in this zone.",
    )
    reminder_emails = forms.BooleanField(
        label="E-mail me reminders of due dates, and from my program director about "
        "unfinished modules",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label="Full name, as it should appear on your certificates",
        max_length=FULL_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="It is also your username for logging in.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "The two passwords differ: type the same one twice.")
        return data
