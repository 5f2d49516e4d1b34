"""The director's dashboard from the progress read model, in a fixed number of queries."""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate

from courses.models import (
    Cohort,
    Competency,
    DueDateExtension,
    Enrolment,
    Module,
    ModuleDueDate,
    ModuleProgress,
)
from courses.selectors.due_dates import NEW_LEARNER_GRACE_DAYS, cohort_today, grace_ends_on

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
    # Module id -> the learner's own due date, where a director extended it.
    extended_due: dict[int, date] = field(default_factory=dict)
    # While they are new (NEW_LEARNER_GRACE_DAYS): the last day nothing is overdue for them.
    grace_until: date | None = None

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
    competency roll-up; completions over time. A cell is overdue when the learner's due date
    for its module has passed and it is not passed: the cohort's due date, or the learner's
    extension; a learner who joined less than NEW_LEARNER_GRACE_DAYS ago has nothing overdue.
    `only_user_id` narrows it to one learner (their page).

    Eight queries whatever the size. The cells' query carries no dates (parsing 40,000
    timestamps costs more than the rest): last activity and passes by day come aggregated.
    """
    return _cohort_progress(cohort, today, only_user_id)


# An enrolment as the dashboard reads it: id, user id, full name, username, e-mail, status,
# enrolled at, completed at.
_EnrolmentRow = tuple[int, int, str, str, str, str, datetime, datetime | None]


@dataclass
class _CohortReads:
    """Everything the dashboard reads, in eight queries."""

    modules: list[Module]
    due: dict[int, date]
    pass_marks: dict[int, int]
    enrolments: list[_EnrolmentRow]
    # Each enrolment's cells by module index; None where the row is not started (or missing).
    cells_of: dict[int, list[_RawCell | None]]
    last_activity_of: dict[int, datetime]
    passes_by_day: dict[date, int]
    # Enrolment id -> module id -> that learner's extended due date.
    extensions: dict[int, dict[int, date]]


def _cohort_reads(cohort: Cohort, only_user_id: int | None, tz: tzinfo) -> _CohortReads:
    from quizzes.models import Quiz

    # Drafts are not part of the course for its learners yet: no column, no due date.
    modules = list(
        Module.objects.filter(course_id=cohort.course_id, status=Module.Status.PUBLISHED).order_by(
            "position"
        )
    )
    due = dict(
        ModuleDueDate.objects.filter(cohort=cohort, module__in=modules).values_list(
            "module_id", "due_on"
        )
    )
    pass_marks: dict[int, int] = {}
    for module_id, mark in Quiz.objects.filter(
        module__in=modules, status=Quiz.Status.PUBLISHED
    ).values_list("module_id", "pass_mark_percent"):
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
    progress = ModuleProgress.objects.filter(progress_filter, module__in=modules).order_by()
    # A not-started row says nothing the default does not: leave it in the database.
    rows = progress.exclude(status=NOT_STARTED).values_list(
        "enrolment_id", "module_id", "status", "best_score_percent", "attempts_count",
        "last_attempt_passed",
    )  # fmt: skip
    index = {m.id: i for i, m in enumerate(modules)}
    cells_of: dict[int, list[_RawCell | None]] = {}
    for enrolment_id, module_id, status, best, attempts, last_passed in rows:
        raw = cells_of.get(enrolment_id)
        if raw is None:
            raw = cells_of[enrolment_id] = [None] * len(modules)
        raw[index[module_id]] = (status, best, attempts, last_passed)
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
    extension_filter = Q(enrolment__cohort=cohort, module__in=modules)
    if only_user_id is not None:
        extension_filter &= Q(enrolment__user_id=only_user_id)
    extensions: dict[int, dict[int, date]] = {}
    for enrolment_id, module_id, due_on in (
        DueDateExtension.objects.filter(extension_filter)
        .order_by()
        .values_list("enrolment_id", "module_id", "due_on")
    ):
        extensions.setdefault(enrolment_id, {})[module_id] = due_on
    return _CohortReads(
        modules,
        due,
        pass_marks,
        enrolments,
        cells_of,
        last_activity_of,
        passes_by_day,
        extensions,
    )


@dataclass
class _ModulePlan:
    """What is alike for every learner, per module index, built once per dashboard.

    Sets of modules are bit masks (bit i: the module at index i): a learner's passes against
    the required modules or a competency's modules is then one AND and a bit count. Untouched
    cells and per-module reasons are shared, read-only instances, not one per learner.
    """

    ids: list[int]
    titles: list[str]
    today: date
    required_mask: int
    required_count: int
    tagged: dict[str, list[int]]  # competency code -> indexes of the modules tagged with it
    tagged_masks: list[tuple[str, int, int]]  # (code, mask, number of modules)
    overdue_reason: list[RiskReason | None]  # set where the module's due date has passed
    failed_reason: list[RiskReason]
    untouched: list[ProgressCell]
    untouched_overdue: list[ProgressCell]


def _module_plan(modules: list[Module], due: dict[int, date], today: date) -> _ModulePlan:
    ids = [m.id for m in modules]
    required = [i for i, m in enumerate(modules) if m.required] or list(range(len(modules)))
    tagged: dict[str, list[int]] = {}
    for i, m in enumerate(modules):
        for code in m.competencies:
            tagged.setdefault(code, []).append(i)
    return _ModulePlan(
        ids=ids,
        titles=[m.title for m in modules],
        today=today,
        required_mask=sum(1 << i for i in required),
        required_count=len(required),
        tagged=tagged,
        tagged_masks=[
            (c, sum(1 << i for i in tagged[c]), len(tagged[c]))
            for c in Competency.values
            if c in tagged
        ],
        overdue_reason=[
            _overdue(m.id, m.title, due[m.id], today) if m.id in due else None for m in modules
        ],
        failed_reason=[
            RiskReason("failed_last_attempt", f"Failed the last attempt: {m.title}", m.id)
            for m in modules
        ],
        untouched=[ProgressCell(mid, NOT_STARTED, None, 0) for mid in ids],
        untouched_overdue=[ProgressCell(mid, OVERDUE, None, 0) for mid in ids],
    )


def _overdue(
    module_id: int, title: str, due_on: date, today: date, *, extended: bool = False
) -> RiskReason | None:
    if due_on >= today:
        return None
    when = f"extended to {due_on:%-d %b %Y}" if extended else f"due {due_on:%-d %b %Y}"
    return RiskReason(OVERDUE, f"Overdue: {title} ({when})", module_id)


def _learner_overdue(
    plan: _ModulePlan, extended: dict[int, date] | None, in_grace: bool
) -> list[RiskReason | None]:
    """Per module index, why it is overdue for this learner (None: it is not).

    The plan's shared list serves every learner with no extension and past their grace
    period: most of them, so most rows cost nothing here.
    """
    if in_grace:
        return [None] * len(plan.ids)
    if not extended:
        return plan.overdue_reason
    reasons = list(plan.overdue_reason)
    for i, module_id in enumerate(plan.ids):
        if module_id in extended:
            reasons[i] = _overdue(
                module_id, plan.titles[i], extended[module_id], plan.today, extended=True
            )
    return reasons


@dataclass
class _ModuleTally:
    """Per module index, counted over the learners as their rows are built."""

    passed: list[int]
    overdue: list[int]
    failed: list[int]
    score_sum: list[Decimal]
    score_count: list[int]
    histograms: list[list[int]]

    @classmethod
    def empty(cls, n: int) -> "_ModuleTally":
        return cls(
            [0] * n,
            [0] * n,
            [0] * n,
            [Decimal(0)] * n,
            [0] * n,
            [[0] * SCORE_BINS for _ in range(n)],
        )


@dataclass
class _LearnerCells:
    cells: list[ProgressCell]
    risks: list[RiskReason]
    passed: int  # bit mask of the modules passed
    average_score_percent: Decimal | None


def _learner_cells(
    raw: list[_RawCell | None],
    plan: _ModulePlan,
    tally: _ModuleTally,
    overdue_reason: list[RiskReason | None],
    *,
    is_complete: bool,
) -> _LearnerCells:
    """One learner's cells, counted into the tally; a completed course carries no risks."""
    untouched = plan.untouched
    cells, risks, passed = [], [], 0
    best_sum, best_count = Decimal(0), 0
    for i, cell in enumerate(raw):
        overdue = overdue_reason[i]
        if cell is None:
            if overdue is None:
                cells.append(untouched[i])
            else:
                tally.overdue[i] += 1
                if not is_complete:
                    risks.append(overdue)
                cells.append(plan.untouched_overdue[i])
            continue
        status, best, attempts, last_passed = cell
        if status == PASSED:
            passed |= 1 << i
            tally.passed[i] += 1
        else:
            if overdue is not None:
                tally.overdue[i] += 1
                if not is_complete:
                    risks.append(overdue)
                status = OVERDUE
            if last_passed is False:
                tally.failed[i] += 1
                if not is_complete:
                    risks.append(plan.failed_reason[i])
        if best is not None:
            best_sum += best
            best_count += 1
            tally.score_sum[i] += best
            tally.score_count[i] += 1
            tally.histograms[i][min(int(best) // 10, SCORE_BINS - 1)] += 1
        cells.append(ProgressCell(plan.ids[i], status, best, attempts))
    average = round(best_sum / best_count, 2) if best_count else None
    return _LearnerCells(cells, risks, passed, average)


def _inactivity(
    last_activity: datetime | None,
    enrolled_at: datetime,
    started: datetime,
    today: date,
    inactive_before: date,
    tz: tzinfo,
) -> RiskReason | None:
    """The risk of a learner with no activity since `inactive_before`, if they are one."""
    since = max(t for t in (last_activity, enrolled_at, started) if t is not None)
    since_day = since.astimezone(tz).date()
    if since_day >= inactive_before:
        return None
    days = (today - since_day).days
    if last_activity is None:
        return RiskReason("inactive", f"No activity since joining, {days} days ago")
    return RiskReason("inactive", f"No activity for {days} days")


def _cohort_progress(
    cohort: Cohort, today: date | None, only_user_id: int | None
) -> CohortProgress:
    # The cohort's day and zone, whoever looks: a due date ends at midnight where it is.
    today = today or cohort_today(cohort)
    tz = cohort.zone
    reads = _cohort_reads(cohort, only_user_id, tz)
    modules = reads.modules
    plan = _module_plan(modules, reads.due, today)
    tally = _ModuleTally.empty(len(modules))
    nothing: list[_RawCell | None] = [None] * len(modules)
    inactive_before = today - timedelta(days=cohort.inactivity_days)
    # Joined on or after this day: still new, so nothing is overdue for them (see the constant).
    new_since = datetime.combine(
        today - timedelta(days=NEW_LEARNER_GRACE_DAYS - 1), datetime.min.time(), tzinfo=tz
    )
    cohort_started = datetime.combine(cohort.start_date, datetime.min.time(), tzinfo=tz)
    learners, completed_days = [], []
    for (
        enrolment_id,
        user_id,
        full_name,
        username,
        email,
        status,
        enrolled_at,
        done_at,
    ) in reads.enrolments:
        is_complete = status == Enrolment.Status.COMPLETED
        in_grace = enrolled_at >= new_since
        extended = reads.extensions.get(enrolment_id)
        row = _learner_cells(
            reads.cells_of.get(enrolment_id, nothing),
            plan,
            tally,
            _learner_overdue(plan, extended, in_grace),
            is_complete=is_complete,
        )
        last_activity = reads.last_activity_of.get(enrolment_id)
        if is_complete:
            if done_at is not None:
                completed_days.append(done_at.astimezone(tz).date())
        else:
            risk = _inactivity(
                last_activity, enrolled_at, cohort_started, today, inactive_before, tz
            )
            if risk is not None:
                row.risks.append(risk)
        learners.append(
            LearnerRow(
                user_id=user_id,
                enrolment_id=enrolment_id,
                name=full_name.strip() or username,
                email=email,
                enrolment_status=status,
                completed_at=done_at,
                cells=row.cells,
                modules_passed=row.passed.bit_count(),
                progress_percent=round(
                    (row.passed & plan.required_mask).bit_count() * 100 / plan.required_count, 1
                )
                if plan.required_count
                else 0.0,
                average_score_percent=row.average_score_percent,
                last_activity_at=last_activity,
                risks=row.risks,
                competencies={
                    code: round((row.passed & mask).bit_count() / size, 4)
                    for code, mask, size in plan.tagged_masks
                },
                extended_due=extended or {},
                grace_until=grace_ends_on(enrolled_at, tz) if in_grace else None,
            )
        )
    completed = sum(1 for r in learners if r.enrolment_status == Enrolment.Status.COMPLETED)
    return CohortProgress(
        cohort=cohort,
        modules=_module_summaries(reads, plan, tally, len(learners)),
        learners=learners,
        completed=completed,
        today=today,
        competencies=_competency_summaries(plan, learners),
        timeline=_timeline(
            cohort,
            today,
            reads.passes_by_day,
            completed_days,
            cells=len(learners) * len(modules),
            people=len(learners),
        ),
    )


def _module_summaries(
    reads: _CohortReads, plan: _ModulePlan, tally: _ModuleTally, count: int
) -> list[ModuleSummary]:
    return [
        ModuleSummary(
            id=m.id,
            position=m.position,
            title=m.title,
            required=m.required,
            due_on=reads.due.get(m.id),
            completion_rate=_share(tally.passed[i], count),
            average_score_percent=round(tally.score_sum[i] / tally.score_count[i], 2)
            if tally.score_count[i]
            else None,
            competencies=[c for c in m.competencies if c in plan.tagged],
            pass_mark_percent=reads.pass_marks.get(m.id),
            passed=tally.passed[i],
            overdue=tally.overdue[i],
            failed=tally.failed[i],
            score_histogram=tally.histograms[i],
        )
        for i, m in enumerate(reads.modules)
    ]


def _competency_summaries(plan: _ModulePlan, learners: list[LearnerRow]) -> list[CompetencySummary]:
    labels = dict(Competency.choices)
    count = len(learners)
    return [
        CompetencySummary(
            code=code,
            label=labels[code],
            module_ids=[plan.ids[i] for i in plan.tagged[code]],
            share=round(sum(r.competencies[code] for r in learners) / count, 4) if count else 0.0,
        )
        for code, _, _ in plan.tagged_masks
    ]


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
