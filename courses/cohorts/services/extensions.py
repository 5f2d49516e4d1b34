"""Due-date extensions: one learner's own due date for a module, granted by a director."""

from datetime import date

from django.db import transaction
from django.utils.formats import date_format

from accounts.models import User
from courses.cohorts.selectors.access import require_director
from courses.models import Cohort, DueDateExtension, Enrolment, Module, ModuleDueDate
from courses.selectors.due_dates import cohort_today
from lms.errors import ApplicationError, NotFound

EXTENSION_REASON_MAX = 500


def _learner_module(cohort: Cohort, user_id: int, module_id: int) -> tuple[Enrolment, Module]:
    enrolment = (
        Enrolment.objects.select_related("user").filter(cohort=cohort, user_id=user_id).first()
    )
    if enrolment is None:
        raise NotFound("No such learner in this cohort.")
    module = Module.objects.filter(pk=module_id, course_id=cohort.course_id).first()
    if module is None:
        raise ApplicationError(
            "That module is not part of this cohort's course.",
            code="unknown_module",
            details={"module": ["Choose a module of the cohort's course."]},  # the form's field
        )
    return enrolment, module


@transaction.atomic
def due_date_extension_grant(
    *,
    actor: User,
    cohort: Cohort,
    user_id: int,
    module_id: int,
    due_on: date,
    reason: str = "",
    today: date | None = None,
) -> DueDateExtension:
    """Give one learner a later due date for a module (or change the one they have).

    The new date is the learner's due date on the dashboard and their page: past it the
    module is overdue for them. It must be later than the cohort's due date, not in the past,
    and within the cohort's dates.
    """
    require_director(actor, cohort)
    today = today or cohort_today(cohort)
    enrolment, module = _learner_module(cohort, user_id, module_id)
    reason = " ".join(reason.split())
    cohort_due = (
        ModuleDueDate.objects.filter(cohort=cohort, module=module)
        .values_list("due_on", flat=True)
        .first()
    )
    problem = None
    if len(reason) > EXTENSION_REASON_MAX:
        problem = ("reason", f"The reason is longer than {EXTENSION_REASON_MAX} characters.")
    elif cohort_due is not None and due_on <= cohort_due:
        problem = (
            "due_on",
            f"{module.title} is due on {date_format(cohort_due, 'j M Y')} for the cohort: "
            "an extension must be later than that.",
        )
    elif due_on < today:
        problem = ("due_on", f"{date_format(due_on, 'j M Y')} is in the past.")
    elif due_on > cohort.end_date:
        problem = (
            "due_on",
            f"{date_format(due_on, 'j M Y')} is after the cohort ends "
            f"({date_format(cohort.end_date, 'j M Y')}).",
        )
    if problem is not None:
        raise ApplicationError(
            problem[1], code="invalid_extension", details={problem[0]: [problem[1]]}
        )
    extension, _ = DueDateExtension.objects.update_or_create(
        enrolment=enrolment,
        module=module,
        defaults={"due_on": due_on, "reason": reason, "granted_by": actor},
    )
    return extension


@transaction.atomic
def due_date_extension_remove(*, actor: User, cohort: Cohort, user_id: int, module_id: int) -> bool:
    """Take an extension back: the cohort's due date applies to the learner again."""
    require_director(actor, cohort)
    enrolment, module = _learner_module(cohort, user_id, module_id)
    deleted, _ = DueDateExtension.objects.filter(enrolment=enrolment, module=module).delete()
    return bool(deleted)
