"""A cohort's due date per module."""

from datetime import date

from django.db import transaction

from accounts.models import User
from courses.cohorts.selectors.access import require_director
from courses.models import (
    Cohort,
    Module,
    ModuleDueDate,
)
from lms.errors import ApplicationError


@transaction.atomic
def cohort_due_dates_set(
    *, actor: User, cohort: Cohort, due_dates: dict[int, date | None]
) -> dict[int, date]:
    """Set (or with None clear) modules' due dates. All are checked before any is saved."""
    require_director(actor, cohort)
    titles = dict(Module.objects.filter(course_id=cohort.course_id).values_list("id", "title"))
    unknown = sorted(m for m in due_dates if m not in titles)
    if unknown:
        raise ApplicationError(
            "Those modules are not part of this cohort's course.",
            code="unknown_module",
            details={"module_ids": unknown},
        )
    errors: dict[str, list[str]] = {}
    for module_id, due_on in due_dates.items():
        if due_on is None:
            continue
        if due_on < cohort.start_date:
            errors[str(module_id)] = [
                f"{titles[module_id]}: {due_on:%-d %b %Y} is before the cohort starts "
                f"({cohort.start_date:%-d %b %Y})."
            ]
        elif due_on > cohort.end_date:
            errors[str(module_id)] = [
                f"{titles[module_id]}: {due_on:%-d %b %Y} is after the cohort ends "
                f"({cohort.end_date:%-d %b %Y})."
            ]
    if errors:
        raise ApplicationError(
            "Due dates must fall within the cohort's dates; nothing was saved. "
            + " ".join(m for ms in errors.values() for m in ms),
            code="invalid_due_date",
            details=errors,
        )
    current = {d.module_id: d for d in ModuleDueDate.objects.filter(cohort=cohort)}
    for module_id, due_on in due_dates.items():
        existing = current.get(module_id)
        if due_on is None:
            if existing is not None:
                existing.delete()
        elif existing is None:
            ModuleDueDate.objects.create(cohort=cohort, module_id=module_id, due_on=due_on)
        elif existing.due_on != due_on:
            existing.due_on = due_on
            existing.save(update_fields=["due_on"])
    return dict(ModuleDueDate.objects.filter(cohort=cohort).values_list("module_id", "due_on"))
