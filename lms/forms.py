"""What pages share about forms."""

from collections.abc import Callable

from django import forms

from lms.errors import ApplicationError


def show_service_error(
    form: forms.BaseForm,
    error: ApplicationError,
    field_name: Callable[[str], str] = str,
) -> None:
    """Show a service's refusal on the form: beside each field it names, else above the form.

    `field_name` maps a key of the error's details to the form's field (the due-dates form
    names its fields `module_<id>`).
    """
    placed = False
    for key, problems in (error.details or {}).items():
        name = field_name(str(key))
        if name in form.fields and isinstance(problems, list):
            for problem in problems:
                form.add_error(name, problem)
            placed = True
    if not placed:
        form.add_error(None, error.message)
