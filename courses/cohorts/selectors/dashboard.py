"""The director's dashboard from the progress read model, in a fixed number of queries."""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from courses.models import (
    Cohort,
    Competency,
    Enrolment,
    Module,
    ModuleDueDate,
    ModuleProgress,
)

NOT_STARTED = ModuleProgress.Status.NOT_STARTED


PASSED = ModuleProgress.Status.PASSED


FAILED = ModuleProgress.Status.FAILED


OVERDUE = "overdue"


CELL_STATUSES = [NOT_STARTED, ModuleProgress.Status.IN_PROGRESS, PASSED, FAILED, OVERDUE]


CELL_STATUS_LABELS = {**dict(ModuleProgress.Status.choices), OVERDUE: "Overdue"}


SCORE_BINS = 10  # score distribution: 0-9 %, 10-19 %, ..., 90-100 %


# A progress row as the dashboard reads it: (status, best score, attempts, last attempt passed).
_RawCell = tuple[str, Decimal | None, int, bool | None]


@dataclass(slots=True)
class ProgressCell:
    module_id: int
    status: str
    best_score_percent: Decimal | None
    attempts: int


@dataclass(slots=True)
class RiskReason:
    code: str  # "overdue", "failed_last_attempt" or "inactive"
    message: str
    module_id: int | None = None


@dataclass
class LearnerRow:
    user_id: int
    enrolment_id: int
    name: str
    email: str
    enrolment_status: str
    completed_at: datetime | None
    cells: list[ProgressCell]
    modules_passed: int = 0
    # Share of the required modules passed (all modules if none is required), in percent.
    progress_percent: float = 0.0
    average_score_percent: Decimal | None = None
    last_activity_at: datetime | None = None
    risks: list[RiskReason] = field(default_factory=list)
    # ACGME competency code -> share of the modules tagged with it that the learner passed.
    competencies: dict[str, float] = field(default_factory=dict)

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)


@dataclass
class ModuleSummary:
    id: int
    position: int
    title: str
    required: bool
    due_on: date | None
    completion_rate: float
    average_score_percent: Decimal | None
    competencies: list[str] = field(default_factory=list)
    pass_mark_percent: int | None = None
    passed: int = 0
    overdue: int = 0
    failed: int = 0
    score_histogram: list[int] = field(default_factory=lambda: [0] * SCORE_BINS)

    @property
    def sort_key(self) -> str:
        return f"module-{self.id}"


@dataclass
class CompetencySummary:
    code: str
    label: str
    module_ids: list[int]
    share: float  # of learner x tagged-module cells, passed


@dataclass
class TimelinePoint:
    day: date
    modules_passed_share: float
    completed_share: float


@dataclass
class CohortProgress:
    cohort: Cohort
    modules: list[ModuleSummary]
    learners: list[LearnerRow]
    completed: int = 0
    today: date | None = None
    competencies: list[CompetencySummary] = field(default_factory=list)
    timeline: list[TimelinePoint] = field(default_factory=list)

    @property
    def learner_count(self) -> int:
        return len(self.learners)

    @property
    def completion_rate(self) -> float:
        return round(self.completed / len(self.learners), 4) if self.learners else 0.0

    @property
    def at_risk(self) -> list[LearnerRow]:
        return [row for row in self.learners if row.risks]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def cohort_progress(
    *, cohort: Cohort, today: date | None = None, only_user_id: int | None = None
) -> CohortProgress:
    """The director's dashboard from the progress read model, in a fixed number of queries.

    Learners by modules (status, best score, attempts); per module the completion rate, the
    average best score and the score distribution; who is at risk and why; the ACGME
    competency roll-up; completions over time. A cell is overdue when its module's due date
    has passed and it is not passed. `only_user_id` narrows it to one learner (their page).

    Seven queries whatever the size. The cells' query carries no dates (parsing 40,000
    timestamps costs more than the rest): last activity and passes by day come aggregated.
    """
    return _cohort_progress(cohort, today, only_user_id)


def _cohort_progress(
    cohort: Cohort, today: date | None, only_user_id: int | None
) -> CohortProgress:
    from quizzes.models import Quiz

    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    modules = list(Module.objects.filter(course_id=cohort.course_id).order_by("position"))
    due = dict(ModuleDueDate.objects.filter(cohort=cohort).values_list("module_id", "due_on"))
    pass_marks: dict[int, int] = {}
    for module_id, mark in Quiz.objects.filter(module__course_id=cohort.course_id).values_list(
        "module_id", "pass_mark_percent"
    ):
        pass_marks[module_id] = max(mark, pass_marks.get(module_id, 0))
    enrolment_filter = Q(cohort=cohort)
    progress_filter = Q(enrolment__cohort=cohort)
    if only_user_id is not None:
        enrolment_filter &= Q(user_id=only_user_id)
        progress_filter &= Q(enrolment__user_id=only_user_id)
    enrolments = list(
        Enrolment.objects.filter(enrolment_filter)
        .order_by("user__full_name", "user__username")
        .values_list(
            "id",
            "user_id",
            "user__full_name",
            "user__username",
            "user__email",
            "status",
            "enrolled_at",
            "completed_at",
        )
    )
    # No ordering: the model's default (by module position) would join and sort for nothing.
    progress = ModuleProgress.objects.filter(progress_filter).order_by()
    # A not-started row says nothing the default does not: leave it in the database.
    rows = progress.exclude(status=NOT_STARTED).values_list(
        "enrolment_id", "module_id", "status", "best_score_percent", "attempts_count",
        "last_attempt_passed",
    )  # fmt: skip
    last_activity_of = dict(
        progress.filter(last_activity_at__isnull=False)
        .values("enrolment_id")
        .annotate(last=Max("last_activity_at"))
        .values_list("enrolment_id", "last")
    )
    passes_by_day = dict(
        progress.filter(passed_at__isnull=False)
        .annotate(day=TruncDate("passed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )

    n = len(modules)
    index = {m.id: i for i, m in enumerate(modules)}
    by_enrolment: dict[int, list[_RawCell | None]] = {}
    for enrolment_id, module_id, status, best, attempts, last_passed in rows:
        raw = by_enrolment.get(enrolment_id)
        if raw is None:
            raw = by_enrolment[enrolment_id] = [None] * n
        raw[index[module_id]] = (status, best, attempts, last_passed)

    ids = [m.id for m in modules]
    # Sets of modules as bit masks (bit i: the module at index i): a learner's passes against
    # the required modules or a competency's modules is then one AND and a bit count.
    required = [i for i, m in enumerate(modules) if m.required] or list(range(n))
    required_mask = sum(1 << i for i in required)
    tagged: dict[str, list[int]] = {}
    for i, m in enumerate(modules):
        for code in m.competencies:
            tagged.setdefault(code, []).append(i)
    codes = [c for c in Competency.values if c in tagged]
    tagged_masks = [(c, sum(1 << i for i in tagged[c]), len(tagged[c])) for c in codes]
    overdue_message = [
        f"Overdue: {m.title} (due {due[m.id]:%-d %b %Y})"
        if m.id in due and due[m.id] < today
        else None
        for m in modules
    ]
    # Untouched cells and per-module reasons are alike for every learner: one shared,
    # read-only instance per module instead of one per learner and module.
    overdue_reason = [
        RiskReason(OVERDUE, message, mid) if message else None
        for message, mid in zip(overdue_message, ids, strict=True)
    ]
    failed_reason = [
        RiskReason("failed_last_attempt", f"Failed the last attempt: {m.title}", m.id)
        for m in modules
    ]
    untouched = [ProgressCell(mid, NOT_STARTED, None, 0) for mid in ids]
    untouched_overdue = [ProgressCell(mid, OVERDUE, None, 0) for mid in ids]
    nothing: list[_RawCell | None] = [None] * n

    passed_count, overdue_count, failed_count = [0] * n, [0] * n, [0] * n
    score_sum, score_count = [Decimal(0)] * n, [0] * n
    histograms = [[0] * SCORE_BINS for _ in modules]
    inactive_before = today - timedelta(days=cohort.inactivity_days)
    cohort_started = datetime.combine(cohort.start_date, datetime.min.time(), tzinfo=tz)
    learners, completed_days, completed = [], [], 0
    for (
        enrolment_id,
        user_id,
        full_name,
        username,
        email,
        e_status,
        enrolled_at,
        done_at,
    ) in enrolments:
        raw = by_enrolment.get(enrolment_id, nothing)
        is_complete = e_status == Enrolment.Status.COMPLETED
        cells, risks, passed = [], [], 0
        best_sum, best_count = Decimal(0), 0
        for i in range(n):
            cell = raw[i]
            if cell is None:
                if overdue_message[i] is None:
                    cells.append(untouched[i])
                else:
                    overdue_count[i] += 1
                    if not is_complete:
                        # Set wherever overdue_message is: the cast only narrows the type.
                        risks.append(cast(RiskReason, overdue_reason[i]))
                    cells.append(untouched_overdue[i])
                continue
            status, best, attempts, last_passed = cell
            if status == PASSED:
                passed |= 1 << i
                passed_count[i] += 1
            else:
                if overdue_message[i] is not None:
                    overdue_count[i] += 1
                    if not is_complete:
                        risks.append(cast(RiskReason, overdue_reason[i]))  # as above
                    status = OVERDUE
                if last_passed is False:
                    failed_count[i] += 1
                    if not is_complete:
                        risks.append(failed_reason[i])
            if best is not None:
                best_sum += best
                best_count += 1
                score_sum[i] += best
                score_count[i] += 1
                histograms[i][min(int(best) // 10, SCORE_BINS - 1)] += 1
            cells.append(ProgressCell(ids[i], status, best, attempts))
        last_activity = last_activity_of.get(enrolment_id)
        if is_complete:
            completed += 1
            if done_at is not None:
                completed_days.append(done_at.astimezone(tz).date())
        else:
            since = max(t for t in (last_activity, enrolled_at, cohort_started) if t is not None)
            since_day = since.astimezone(tz).date()
            if since_day < inactive_before:
                days = (today - since_day).days
                risks.append(
                    RiskReason(
                        "inactive",
                        f"No activity for {days} days"
                        if last_activity is not None
                        else f"No activity since joining, {days} days ago",
                    )
                )
        learners.append(
            LearnerRow(
                user_id=user_id,
                enrolment_id=enrolment_id,
                name=full_name.strip() or username,
                email=email,
                enrolment_status=e_status,
                completed_at=done_at,
                cells=cells,
                modules_passed=passed.bit_count(),
                progress_percent=round(
                    (passed & required_mask).bit_count() * 100 / len(required), 1
                )
                if required
                else 0.0,
                average_score_percent=round(best_sum / best_count, 2) if best_count else None,
                last_activity_at=last_activity,
                risks=risks,
                competencies={
                    code: round((passed & mask).bit_count() / size, 4)
                    for code, mask, size in tagged_masks
                },
            )
        )

    count = len(learners)
    summaries = [
        ModuleSummary(
            id=m.id,
            position=m.position,
            title=m.title,
            required=m.required,
            due_on=due.get(m.id),
            completion_rate=_share(passed_count[i], count),
            average_score_percent=round(score_sum[i] / score_count[i], 2)
            if score_count[i]
            else None,
            competencies=[c for c in m.competencies if c in tagged],
            pass_mark_percent=pass_marks.get(m.id),
            passed=passed_count[i],
            overdue=overdue_count[i],
            failed=failed_count[i],
            score_histogram=histograms[i],
        )
        for i, m in enumerate(modules)
    ]
    labels = dict(Competency.choices)
    competencies = [
        CompetencySummary(
            code=code,
            label=labels[code],
            module_ids=[ids[i] for i in tagged[code]],
            share=round(sum(r.competencies[code] for r in learners) / count, 4) if count else 0.0,
        )
        for code in codes
    ]
    return CohortProgress(
        cohort=cohort,
        modules=summaries,
        learners=learners,
        completed=completed,
        today=today,
        competencies=competencies,
        timeline=_timeline(
            cohort, today, passes_by_day, completed_days, cells=count * n, people=count
        ),
    )


def _timeline(
    cohort: Cohort,
    today: date,
    passes_by_day: dict[date, int],
    completed_days: list[date],
    *,
    cells: int,
    people: int,
) -> list[TimelinePoint]:
    """Cumulative shares, week by week from the cohort's start to today (or its end)."""
    last = min(today, cohort.end_date)
    pass_days = sorted(passes_by_day)
    cumulative, total = [], 0
    for day in pass_days:
        total += passes_by_day[day]
        cumulative.append(total)
    completed_days = sorted(completed_days)
    days = []
    day = cohort.start_date
    while day < last:
        days.append(day)
        day += timedelta(weeks=1)
    days.append(max(last, cohort.start_date))
    points = []
    for d in days:
        k = bisect_right(pass_days, d)
        points.append(
            TimelinePoint(
                day=d,
                modules_passed_share=_share(cumulative[k - 1] if k else 0, cells),
                completed_share=_share(bisect_right(completed_days, d), people),
            )
        )
    return points
