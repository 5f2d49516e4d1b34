"""Due dates as a learner meets them: the cohort's date for each module, or their own extension,
ending at midnight in the cohort's time zone, and whether it has passed with the module undone.

The director's dashboard (courses.cohorts.selectors.dashboard) applies the same rule: the
cohort's day (`cohort_today`), the grace period of a learner who has just joined.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from courses.models import (
    Cohort,
    DueDateExtension,
    DueDateReminder,
    Enrolment,
    ModuleDueDate,
    ModuleProgress,
    PublishStatus,
)

# A learner who has just joined cannot have done modules whose due dates passed before they
# came: for this many days after joining (the day they join counts as the first), no module is
# overdue for them and so none puts them at risk. From the next day the cohort's due dates (or
# their own extensions) apply again. Two weeks is what residency programmes give a resident
# who starts late to catch up; a failed last attempt or inactivity still count meanwhile.
NEW_LEARNER_GRACE_DAYS = 14


def cohort_today(cohort: Cohort) -> date:
    """The date it is now where the cohort is: due dates end when this day changes."""
    return timezone.now().astimezone(cohort.zone).date()


def due_at(due_on: date, zone: tzinfo) -> datetime:
    """The moment a due date ends: the midnight after it, in the cohort's zone."""
    return datetime.combine(due_on + timedelta(days=1), time.min, tzinfo=zone)


def grace_ends_on(enrolled_at: datetime, zone: tzinfo) -> date:
    """The last day nothing is overdue for a learner who joined at `enrolled_at`."""
    return enrolled_at.astimezone(zone).date() + timedelta(days=NEW_LEARNER_GRACE_DAYS - 1)


@dataclass(frozen=True)
class ModuleDue:
    """One module's due date for one learner."""

    due_on: date
    due_at: datetime
    extended: bool  # their own date, granted by a director
    passed: bool  # they passed the module
    overdue: bool  # the date has passed (and they are past their grace) and it is not passed

    @property
    def zone_label(self) -> str:
        """The cohort's zone as people read it ("America/New York")."""
        return str(self.due_at.tzinfo).replace("_", " ")


def learner_due_dates(*, enrolments: list[Enrolment]) -> dict[int, dict[int, ModuleDue]]:
    """Per enrolment id, per module id, the learner's due date; modules without one (or in
    draft) are left out, and so are enrolments outside a cohort. Three queries whatever the
    number."""
    cohorts = {e.id: e.cohort for e in enrolments if e.cohort is not None}
    in_cohort = [e for e in enrolments if e.id in cohorts]
    if not in_cohort:
        return {}
    cohort_due: dict[int, dict[int, date]] = defaultdict(dict)
    # A draft module is not there for learners: it has no due date for them yet.
    for cohort_id, module_id, due_on in ModuleDueDate.objects.filter(
        cohort_id__in={c.id for c in cohorts.values()}, module__status=PublishStatus.PUBLISHED
    ).values_list("cohort_id", "module_id", "due_on"):
        cohort_due[cohort_id][module_id] = due_on
    ids = [e.id for e in in_cohort]
    extended: dict[int, dict[int, date]] = defaultdict(dict)
    for enrolment_id, module_id, due_on in DueDateExtension.objects.filter(
        enrolment_id__in=ids, module__status=PublishStatus.PUBLISHED
    ).values_list("enrolment_id", "module_id", "due_on"):
        extended[enrolment_id][module_id] = due_on
    passed = set(
        ModuleProgress.objects.filter(
            enrolment_id__in=ids, status=ModuleProgress.Status.PASSED
        ).values_list("enrolment_id", "module_id")
    )
    result: dict[int, dict[int, ModuleDue]] = {}
    for enrolment in in_cohort:
        cohort = cohorts[enrolment.id]
        zone, today = cohort.zone, cohort_today(cohort)
        new = today <= grace_ends_on(enrolment.enrolled_at, zone)
        own = extended.get(enrolment.id, {})
        dues = {**cohort_due.get(cohort.id, {}), **own}
        result[enrolment.id] = {
            module_id: _module_due(
                due_on,
                zone,
                extended=module_id in own,
                passed=(enrolment.id, module_id) in passed,
                today=today,
                new=new,
            )
            for module_id, due_on in dues.items()
        }
    return result


def _module_due(
    due_on: date, zone: tzinfo, *, extended: bool, passed: bool, today: date, new: bool
) -> ModuleDue:
    return ModuleDue(
        due_on=due_on,
        due_at=due_at(due_on, zone),
        extended=extended,
        passed=passed,
        overdue=due_on < today and not new and not passed,
    )


def learner_due_dates_for(*, enrolment: Enrolment | None) -> dict[int, ModuleDue]:
    """One enrolment's due dates by module id (none outside a cohort)."""
    if enrolment is None:
        return {}
    return learner_due_dates(enrolments=[enrolment]).get(enrolment.id, {})


def due_date_reminders_unsent(*, older_than: datetime) -> list[int]:
    """Reminders recorded before `older_than`, within a day, whose e-mail has not gone."""
    return list(
        DueDateReminder.objects.filter(
            sent_at__isnull=True,
            created_at__lt=older_than,
            created_at__gte=timezone.now() - timedelta(days=1),
        ).values_list("id", flat=True)
    )
