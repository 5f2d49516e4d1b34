"""A quiz's results: who may see them, and every attempt, filtered, in a bounded number of queries.

The page, its CSV download and the API read the same rows through `quiz_results`, filtered by
`results_filter_from` (one validation for the page's form and the API's query parameters).
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.dateparse import parse_date

from accounts.models import User
from courses.models import Cohort, Enrolment
from lms.errors import ApplicationError, PermissionDenied
from quizzes.models import Attempt, Quiz
from quizzes.selectors.access import is_course_staff

MAX_SEARCH = 100  # characters of a name search kept; longer is no name anyone types
MAX_ID = 2**31 - 1  # the largest primary key the database stores (a larger one names nothing)
PASSED, FAILED = "passed", "failed"
OUTCOMES = (PASSED, FAILED)
_STATE_LABELS: dict[str, str] = dict(Attempt.State.choices)


def require_results_access(*, user: User | AnonymousUser, quiz: Quiz) -> None:
    """Who may read a quiz's results and item analysis: its course's instructors, its
    teaching assistants (who see results but do not edit) and staff.

    The one place the rule lives: the pages, the CSV, the API and the item analysis ask here.
    """
    if not is_course_staff(user=user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors and teaching assistants can see this quiz's results.",
            code="not_course_staff",
        )


@dataclass(frozen=True)
class ResultsFilter:
    """Which attempts to show; empty values filter nothing. Dates are days in the site's zone."""

    state: str = ""
    outcome: str = ""  # PASSED or FAILED: graded attempts that passed, or did not
    cohort_id: int | None = None
    started_from: date | None = None
    started_to: date | None = None
    q: str = ""

    @property
    def is_empty(self) -> bool:
        return self == ResultsFilter()

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (for the CSV link and the pages' next/previous)."""
        params = {
            "state": self.state,
            "outcome": self.outcome,
            "cohort": str(self.cohort_id or ""),
            "from": self.started_from.isoformat() if self.started_from else "",
            "to": self.started_to.isoformat() if self.started_to else "",
            "q": self.q,
        }
        return {key: value for key, value in params.items() if value}


def results_filter_from(params: Mapping[str, str], *, quiz: Quiz) -> ResultsFilter:
    """The filter in query parameters `state`, `outcome`, `cohort`, `from`, `to` and `q`.

    Raises ApplicationError with a message per parameter it cannot read.
    """
    errors: dict[str, list[str]] = {}
    state = params.get("state", "").strip()
    if state and state not in Attempt.State.values:
        errors["state"] = [f"Choose one of: {', '.join(Attempt.State.values)}."]
    outcome = params.get("outcome", "").strip()
    if outcome and outcome not in OUTCOMES:
        errors["outcome"] = [f"Choose one of: {', '.join(OUTCOMES)}."]
    cohort_id = None
    cohort = params.get("cohort", "").strip()
    if cohort:
        known = cohort.isdecimal() and int(cohort) <= MAX_ID
        if not known or not cohorts_of_quiz(quiz=quiz).filter(pk=cohort).exists():
            errors["cohort"] = ["No such cohort in this course."]
        else:
            cohort_id = int(cohort)
    days: dict[str, date | None] = {}
    for key in ("from", "to"):
        text = params.get(key, "").strip()
        try:
            days[key] = parse_date(text) if text else None
        except ValueError:
            days[key] = None
        if text and days[key] is None:
            errors[key] = ["Enter a date as YYYY-MM-DD."]
    q = " ".join(params.get("q", "").split())[:MAX_SEARCH]
    if any(ord(c) < 32 or ord(c) == 127 for c in q):
        errors["q"] = ["The search contains a control character (such as a NUL byte)."]
    start, end = days.get("from"), days.get("to")
    if start and end and start > end:
        errors["to"] = ["The end of the range is before its start."]
    if errors:
        raise ApplicationError("Some filters could not be read.", details=errors)
    return ResultsFilter(
        state=state,
        outcome=outcome,
        cohort_id=cohort_id,
        started_from=start,
        started_to=end,
        q=q,
    )


def cohorts_of_quiz(*, quiz: Quiz) -> QuerySet[Cohort]:
    """The cohorts of the quiz's course, by name: the choices of the cohort filter."""
    return Cohort.objects.filter(course_id=quiz.module.course_id).order_by("name")


def results_filter_description(chosen: ResultsFilter, *, cohorts: list[Cohort]) -> str:
    """The filter in words, as the page and the CSV's first line say it."""
    names = {c.id: c.name for c in cohorts}
    parts = []
    if chosen.state:
        parts.append(f"state {_STATE_LABELS.get(chosen.state, chosen.state).lower()}")
    if chosen.outcome:
        parts.append(chosen.outcome)
    if chosen.cohort_id is not None:
        parts.append(f"cohort {names.get(chosen.cohort_id, chosen.cohort_id)}")
    if chosen.started_from:
        parts.append(f"started from {chosen.started_from:%-d %B %Y}")
    if chosen.started_to:
        parts.append(f"started until {chosen.started_to:%-d %B %Y}")
    if chosen.q:
        parts.append(f"name or e-mail containing “{chosen.q}”")
    return ", ".join(parts) if parts else "every attempt"


@dataclass(frozen=True)
class ResultRow:
    attempt_id: int
    learner: str
    email: str
    cohort: str  # empty: not in a cohort
    number: int
    state: str
    state_label: str
    started_at: datetime
    submitted_at: datetime | None
    score: Decimal | None
    max_score: Decimal | None
    percent: Decimal | None
    passed: bool | None


_FIELDS = (
    "id",
    "user__full_name",
    "user__username",
    "user__email",
    "learner_cohort",
    "number",
    "state",
    "started_at",
    "submitted_at",
    "score",
    "max_score",
    "percent",
    "passed",
)


def quiz_results(*, quiz: Quiz, chosen: ResultsFilter) -> QuerySet[Attempt, tuple[Any, ...]]:
    """The quiz's attempts matching `chosen`, by learner then attempt, as tuples of `_FIELDS`.

    One query for any number of rows (the learner's cohort in the quiz's course is a
    subquery on the enrolment, which is unique per learner and course); `result_rows` turns
    them into ResultRow.
    """
    enrolment = Enrolment.objects.filter(user=OuterRef("user"), course_id=quiz.module.course_id)
    attempts = Attempt.objects.filter(quiz=quiz).annotate(
        learner_cohort=Subquery(enrolment.values("cohort__name")[:1]),
        learner_cohort_id=Subquery(enrolment.values("cohort_id")[:1]),
    )
    if chosen.state:
        attempts = attempts.filter(state=chosen.state)
    if chosen.outcome:
        attempts = attempts.filter(state=Attempt.State.GRADED, passed=chosen.outcome == PASSED)
    if chosen.cohort_id is not None:
        attempts = attempts.filter(learner_cohort_id=chosen.cohort_id)
    if chosen.started_from:
        attempts = attempts.filter(started_at__date__gte=chosen.started_from)
    if chosen.started_to:
        attempts = attempts.filter(started_at__date__lte=chosen.started_to)
    if chosen.q:
        attempts = attempts.filter(
            Q(user__full_name__icontains=chosen.q)
            | Q(user__first_name__icontains=chosen.q)
            | Q(user__last_name__icontains=chosen.q)
            | Q(user__username__icontains=chosen.q)
            | Q(user__email__icontains=chosen.q)
        )
    return attempts.order_by("user__full_name", "user__username", "user_id", "number").values_list(
        *_FIELDS
    )


def result_row(values: tuple[Any, ...]) -> ResultRow:
    """A row of `quiz_results` (its values, in `_FIELDS` order) as a ResultRow."""
    (attempt_id, full_name, username, email, cohort, number, state, *times_and_scores) = values
    started_at, submitted_at, score, max_score, percent, passed = times_and_scores
    return ResultRow(
        attempt_id=attempt_id,
        learner=(full_name or "").strip() or username,
        email=email or "",
        cohort=cohort or "",
        number=number,
        state=state,
        state_label=_STATE_LABELS.get(state, state),
        started_at=started_at,
        submitted_at=submitted_at,
        score=score,
        max_score=max_score,
        percent=percent,
        passed=passed,
    )


def result_rows(rows: Iterable[tuple[Any, ...]]) -> list[ResultRow]:
    return [result_row(values) for values in rows]


def iter_result_rows(*, quiz: Quiz, chosen: ResultsFilter) -> Iterator[ResultRow]:
    """Every matching row, read from the database in chunks (for the CSV of a large quiz)."""
    for values in quiz_results(quiz=quiz, chosen=chosen).iterator(chunk_size=2000):
        yield result_row(values)
