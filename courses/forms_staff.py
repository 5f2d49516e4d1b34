"""Forms of the course staff and new-run pages: they read what was typed; the services decide."""

from django import forms

from courses.models import Course
from courses.selectors.staff import CourseStaffRole


class StaffAddForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address of their account on this site.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=CourseStaffRole.choices,
        initial=CourseStaffRole.ASSISTANT,
        help_text="Instructors edit the course; teaching assistants grade essays and see results.",
    )


class CourseCopyForm(forms.Form):
    title = forms.CharField(
        label="Title of the new run", max_length=Course._meta.get_field("title").max_length
    )
    slug = forms.SlugField(
        label="Address (slug)",
        max_length=Course._meta.get_field("slug").max_length,
        help_text="Letters, digits and hyphens: the course's page will be /courses/<slug>/.",
    )
