"""Forms that parse the director's pages' input; the rules they feed are in services."""

from typing import cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from courses.cohorts.services.extensions import EXTENSION_REASON_MAX
from courses.cohorts.services.rosters import ROSTER_MAX_BYTES, roster_size_check
from lms.errors import ApplicationError
from lms.time_zones import time_zone_choices

from .models import CohortExport, Course


class CohortCreateForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none(), empty_label=None)
    name = forms.CharField(max_length=200, help_text="For example “PGY-1 residents 2026”.")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    inactivity_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        initial=14,
        label="At risk after this many days without activity",
    )
    time_zone = forms.ChoiceField(
        label="Time zone of the program",
        required=False,
        help_text="Due dates end at midnight in this zone, wherever a learner is.",
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = courses  # as declared
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = time_zone_choices()


class LearnerAddForm(forms.Form):
    email = forms.CharField(max_length=254, label="Email address")
    full_name = forms.CharField(
        max_length=200,
        required=False,
        label="Full name",
        help_text=(
            "Used only if the address has no account yet (they can give it when they accept); "
            "printed on the learner's certificate."
        ),
    )


class RosterUploadForm(forms.Form):
    roster = forms.FileField(
        label="Roster (CSV)",
        help_text=(
            "First line: email,full_name. One learner per line. "
            f"UTF-8, at most {ROSTER_MAX_BYTES // (1024 * 1024)} MB."
        ),
    )

    def clean_roster(self):
        upload = self.cleaned_data["roster"]
        try:
            roster_size_check(upload.size)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None
        return upload.read()


class RosterConfirmForm(forms.Form):
    # The previewed file travels back as text; the service checks every row again.
    roster_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    # Add the valid lines and leave the others out, instead of all or nothing.
    valid_only = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DueDatesForm(forms.Form):
    """One optional date field per module of the cohort's course."""

    def __init__(self, *args, modules, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = modules
        for module in modules:
            self.fields[f"module_{module.id}"] = forms.DateField(
                required=False,
                label=f"{module.position}. {module.title}",
                initial=current.get(module.id),
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def due_dates(self) -> dict:
        return {m.id: self.cleaned_data.get(f"module_{m.id}") for m in self.modules}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=CohortExport.Kind.choices)
    format = forms.ChoiceField(choices=CohortExport.Format.choices)
    # The dashboard's filter, carried along so the file holds what the page shows; the
    # service checks it.
    q = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    show = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    sort = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean() or {}
        data["show"] = data.get("show") or "all"
        data["sort"] = data.get("sort") or "name"
        return data


class DueDateExtensionForm(forms.Form):
    """One learner's later due date for a module of the cohort's course."""

    module = forms.TypedChoiceField(coerce=int, label="Module")
    due_on = forms.DateField(label="New due date", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        max_length=EXTENSION_REASON_MAX,
        required=False,
        label="Reason (optional)",
        help_text="For the cohort's directors, for example “parental leave in August”.",
    )

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["module"]).choices = [
            (m.id, f"{m.position}. {m.title}") for m in modules
        ]


class InvitationPasswordForm(SetPasswordForm):
    """A new learner's password, and their full name when the invitation came without one."""

    full_name = forms.CharField(
        max_length=200,
        label="Full name",
        help_text="As it should be printed on your certificates.",
    )

    field_order = ["full_name", "new_password1", "new_password2"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if user is not None and user.full_name.strip():
            del self.fields["full_name"]

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Give your full name.")
        return name
