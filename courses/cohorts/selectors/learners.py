"""A cohort's learners filtered and sorted, and one learner's attempts."""

import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from courses.cohorts.selectors.dashboard import CohortProgress, LearnerRow, ModuleSummary
from courses.models import (
    Cohort,
    DueDateExtension,
    Enrolment,
)
from lms.errors import ApplicationError, NotFound

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

    from quizzes.models import Attempt

# Filtering, searching and sorting the matrix: in memory, over rows already computed, so the
# page and the API stay at the same number of queries whatever the cohort's size.
SHOW_CHOICES = {
    "all": "All learners",
    "at_risk": "At risk",
    "overdue": "Overdue",
    "failed": "Failed the last attempt",
    "inactive": "Inactive",
    "completed": "Completed the course",
    "not_completed": "Not completed",
}


SORT_CHOICES = {
    "name": "Name",
    "progress": "Progress",
    "score": "Average best score",
    "activity": "Last activity",
    "risk": "Risk",
}


def _folded(text: str) -> str:
    """Lower case without accents: a search for "zoe" finds "Zoë"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _sort_key(
    sort: str, module_index: dict[int, int]
) -> "Callable[[LearnerRow], SupportsRichComparison]":
    name: Callable[[LearnerRow], str] = lambda r: _folded(r.name)  # noqa: E731
    if sort == "name":
        return name
    if sort == "progress":
        return lambda r: (r.progress_percent, r.modules_passed, name(r))
    if sort == "score":
        return lambda r: (r.average_score_percent is not None, r.average_score_percent or 0)
    if sort == "activity":
        return lambda r: (r.last_activity_at is not None, r.last_activity_at or datetime.min)
    if sort == "risk":
        return lambda r: (len(r.risks), name(r))
    index = module_index[int(sort.removeprefix("module-"))]
    return lambda r: (
        r.cells[index].best_score_percent is not None,
        r.cells[index].best_score_percent or 0,
    )


def learners_filter_check(*, show: str, sort: str, module_ids: Iterable[int]) -> None:
    """Refuse a `show` or `sort` the matrix does not know (see cohort_learners_matching)."""
    key = sort.removeprefix("-")
    errors = {}
    if show not in SHOW_CHOICES:
        errors["show"] = [f"Choose one of: {', '.join(SHOW_CHOICES)}."]
    module_key = key.removeprefix("module-")
    if key not in SORT_CHOICES and not (
        key.startswith("module-") and module_key.isdecimal() and int(module_key) in module_ids
    ):
        errors["sort"] = [
            f"Choose one of: {', '.join(SORT_CHOICES)}, or module-<id>; add - to reverse."
        ]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], details=errors)


def learners_filter_description(
    *, q: str, show: str, sort: str, modules: Iterable[ModuleSummary]
) -> str:
    """The filter in words, as a file states it: 'Show: At risk; search: “chloe”; ...'."""
    parts = [f"Show: {SHOW_CHOICES.get(show, show)}"]
    if q.strip():
        parts.append(f"search (name or e-mail): “{q.strip()}”")
    key = sort.removeprefix("-")
    if key.startswith("module-"):
        titles = {f"module-{m.id}": f"best score in M{m.position} {m.title}" for m in modules}
        order = titles.get(key, key)
    else:
        order = SORT_CHOICES.get(key, key)
    parts.append(f"sorted by {order}{' (descending)' if sort.startswith('-') else ''}")
    return "; ".join(parts)


def cohort_learners_matching(
    progress: CohortProgress, *, q: str = "", show: str = "all", sort: str = "name"
) -> list[LearnerRow]:
    """The matrix's rows searched (name or e-mail), filtered and sorted.

    `sort` is a key of SORT_CHOICES or `module-<id>` (best score in that module), with a
    leading "-" for descending order.
    """
    module_index = {m.id: i for i, m in enumerate(progress.modules)}
    key = sort.removeprefix("-")
    learners_filter_check(show=show, sort=sort, module_ids=module_index)
    rows = progress.learners
    needle = _folded(q.strip())
    if needle:
        rows = [r for r in rows if needle in _folded(r.name) or needle in r.email.casefold()]
    if show == "at_risk":
        rows = [r for r in rows if r.risks]
    elif show in ("overdue", "inactive"):
        rows = [r for r in rows if any(x.code == show for x in r.risks)]
    elif show == "failed":
        rows = [r for r in rows if any(x.code == "failed_last_attempt" for x in r.risks)]
    elif show == "completed":
        rows = [r for r in rows if r.enrolment_status == Enrolment.Status.COMPLETED]
    elif show == "not_completed":
        rows = [r for r in rows if r.enrolment_status != Enrolment.Status.COMPLETED]
    return sorted(rows, key=_sort_key(key, module_index), reverse=sort.startswith("-"))


def cohort_learner_attempts(*, cohort: Cohort, user_id: int) -> "QuerySet[Attempt]":
    """A learner's attempts at the cohort's course's quizzes, module by module."""
    from quizzes.models import Attempt

    if not Enrolment.objects.filter(cohort=cohort, user_id=user_id).exists():
        raise NotFound("No such learner in this cohort.")
    return (
        Attempt.objects.filter(user_id=user_id, quiz__module__course_id=cohort.course_id)
        .select_related("quiz__module")
        .order_by("quiz__module__position", "quiz_id", "number")
    )


def learner_extensions(*, enrolment_id: int) -> "dict[int, DueDateExtension]":
    """A learner's due-date extensions by module id, with who granted them."""
    return {
        e.module_id: e
        for e in DueDateExtension.objects.filter(enrolment_id=enrolment_id).select_related(
            "granted_by"
        )
    }
