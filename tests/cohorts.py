"""Helpers for cohort tests: learners in bulk, progress written straight into the read model.

Writing ModuleProgress rows directly is for tests of the dashboard's reading logic; the tests
of the services that keep the read model go through attempts and lessons instead.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from courses.models import Enrolment, ModuleProgress
from tests.factories import UserFactory, enrol

RESIDENTS = [
    "Amara Nwosu",
    "Benjamin Cohen",
    "Chloé Dubois",
    "Daniel Kim",
    "Elena Petrova",
    "Farid Haddad",
    "Grace O'Connor",
    "Hiroshi Tanaka",
    "Isabel Ortiz",
    "Jamal Washington",
]


def add_learners(cohort, count: int, *, prefix: str = "resident") -> list[Enrolment]:
    """`count` learners enrolled in the cohort's course and placed in the cohort."""
    enrolments = []
    for n in range(count):
        name = RESIDENTS[n % len(RESIDENTS)]
        suffix = f" {n // len(RESIDENTS) + 1}" if count > len(RESIDENTS) else ""
        user = UserFactory(
            username=f"{prefix}{n}",
            full_name=f"{name}{suffix}",
            email=f"{prefix}{n}@hospital.example.org",
        )
        enrolment = enrol(user, cohort.course)
        enrolment.cohort = cohort
        enrolment.save(update_fields=["cohort"])
        enrolments.append(enrolment)
    return enrolments


def set_progress(
    enrolment,
    module,
    *,
    status: str,
    best=None,
    attempts: int = 0,
    last_passed=None,
    passed_at=None,
    activity=None,
) -> None:
    ModuleProgress.objects.filter(enrolment=enrolment, module=module).update(
        status=status,
        best_score_percent=Decimal(str(best)) if best is not None else None,
        attempts_count=attempts,
        last_attempt_passed=last_passed,
        passed_at=passed_at,
        last_activity_at=activity,
    )


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    """A moment `days` before now, to the minute: for activity that must count as recent."""
    return timezone.now().replace(second=0, microsecond=0) - timedelta(days=days)
