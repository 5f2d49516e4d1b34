"""Forms of the course authoring pages. They parse input into types; every rule (bounds,
credit, competencies) is the authoring services', whose refusals show beside the fields."""

from typing import Any, cast

from django import forms
from django.forms.models import fields_for_model

from certificates.models import CertificateBranding
from courses.models import (
    IMAGE_ALT_MAX_CHARS,
    LESSON_MINUTES_MAX,
    Competency,
    Course,
    CreditType,
    Lesson,
    Module,
)
from courses.services.authoring import BRANDING_FIELDS

SLUG_HELP = "Part of the page's address; left empty, it is made from the title."


def _optional_slug(model: type[Course] | type[Module] | type[Lesson]) -> forms.SlugField:
    return forms.SlugField(
        max_length=model._meta.get_field("slug").max_length,
        required=False,
        help_text=SLUG_HELP,
    )


class CourseCreateForm(forms.Form):
    title = fields_for_model(Course, fields=["title"])["title"]
    slug = _optional_slug(Course)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CourseSettingsForm(forms.Form):
    """The course's fields and its certificate branding's text, in one form."""

    COURSE = (
        "title",
        "slug",
        "summary",
        "about",
        "pass_mark_percent",
    )
    CREDIT = (
        "accredited_provider",
        "credit_type",
        "max_credits",
        "learning_format",
        "designation_statement",
        "accreditation_statement",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Course, fields=[*self.COURSE, *self.CREDIT]))
        self.fields.update(fields_for_model(CertificateBranding, fields=list(BRANDING_FIELDS)))
        self.fields["slug"].help_text = "Part of the course's address: changing it breaks links."
        self.fields["pass_mark_percent"].label = "Pass threshold (%)"
        self.fields["about"].label = "About this course (Markdown)"
        self.fields["about"].widget = forms.Textarea(attrs={"rows": 12})
        for name in ("summary", "designation_statement", "accreditation_statement"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 3})
        credit_type = cast(forms.ChoiceField, self.fields["credit_type"])  # a choices field
        credit_type.choices = [("", "No credit"), *CreditType.choices]
        self.fields["max_credits"].label = "Maximum credits"
        self.fields["max_credits"].help_text = "In steps of 0.25; 0 when the course awards none."

    def course_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in (*self.COURSE, *self.CREDIT)}

    def branding_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in BRANDING_FIELDS}


class ModuleForm(forms.Form):
    title = fields_for_model(Module, fields=["title"])["title"]
    slug = _optional_slug(Module)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    objectives = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, with a verb a learner can be checked against "
        "(“Use SBAR to hand over a deteriorating patient”).",
    )
    competencies = forms.MultipleChoiceField(
        choices=Competency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="ACGME competencies",
    )
    required = forms.BooleanField(
        required=False,
        initial=True,
        label="Required to complete the course",
    )


class LessonForm(forms.Form):
    title = fields_for_model(Lesson, fields=["title"])["title"]
    slug = _optional_slug(Lesson)
    estimated_minutes = forms.IntegerField(
        min_value=1, max_value=LESSON_MINUTES_MAX, initial=10, label="Estimated minutes"
    )
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Headings with ##, lists with -, links as [text](https://...). "
        "The preview shows it as learners will.",
    )


class LessonFilesForm(forms.Form):
    """An image and a file to add as the lesson is saved (in the same form, so the text typed
    so far is saved with them, not lost)."""

    image = forms.FileField(
        required=False,
        label="Image",
        help_text="PNG, JPEG, WebP or GIF, at most 5 MB; it is added at the end of the text.",
    )
    alt_text = forms.CharField(
        required=False,
        max_length=IMAGE_ALT_MAX_CHARS,
        label="Alt text of the image",
        help_text="What the image shows, for learners who cannot see it (required).",
    )
    attachment = forms.FileField(
        required=False,
        label="File for download",
        help_text="PDF, Word, PowerPoint or Excel, at most 20 MB.",
    )
