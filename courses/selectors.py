"""Reads for courses: the catalogue, a course outline, and a learner's progress."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from lms.errors import NotFound

from .models import (
    Cohort,
    Course,
    Enrolment,
    LessonProgress,
    Module,
    ModuleDueDate,
    ModuleProgress,
)


def courses_visible_to(*, user) -> QuerySet[Course]:
    """Published courses, plus drafts the user teaches (staff see all)."""
    if user.is_authenticated and user.is_staff:
        return Course.objects.all()
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    if user.is_authenticated:
        return (published | Course.objects.filter(instructors=user)).distinct()
    return published


def course_detail(*, user, slug: str) -> Course:
    from quizzes.models import Quiz

    course = (
        courses_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.prefetch_related(
                    "lessons", Prefetch("quizzes", queryset=Quiz.objects.order_by("id"))
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if course is None:
        raise NotFound("No such course.")
    return course


def enrolment_of(*, user, course: Course) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def lessons_read_ids(*, enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )


def module_progress_by_module(*, enrolment: Enrolment | None) -> dict[int, ModuleProgress]:
    if enrolment is None:
        return {}
    return {p.module_id: p for p in ModuleProgress.objects.filter(enrolment=enrolment)}


def progress_of(*, user) -> QuerySet[Enrolment]:
    """Every enrolment of the user with its modules' progress, for 'my progress'."""
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related(
            Prefetch(
                "module_progress",
                queryset=ModuleProgress.objects.select_related("module").order_by(
                    "module__position"
                ),
            )
        )
        .order_by("-enrolled_at")
    )


def cohort_for_viewer(*, user, cohort_id: int) -> Cohort:
    """The cohort if `user` directs it, teaches its course, or is staff; otherwise not found."""
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound("No such cohort.")
    if (
        user.is_staff
        or cohort.directors.filter(pk=user.pk).exists()
        or cohort.course.instructors.filter(pk=user.pk).exists()
    ):
        return cohort
    raise NotFound("No such cohort.")


@dataclass
class ProgressCell:
    module_id: int
    status: str
    best_score_percent: Decimal | None
    attempts: int


@dataclass
class LearnerRow:
    user_id: int
    name: str
    enrolment_status: str
    completed_at: object
    cells: list[ProgressCell]


@dataclass
class ModuleSummary:
    id: int
    position: int
    title: str
    required: bool
    due_on: object
    completion_rate: float
    average_score_percent: Decimal | None


@dataclass
class CohortProgress:
    cohort: Cohort
    modules: list[ModuleSummary]
    learners: list[LearnerRow]
    completed: int = 0

    @property
    def completion_rate(self) -> float:
        return round(self.completed / len(self.learners), 4) if self.learners else 0.0


def cohort_progress(*, cohort: Cohort, today=None) -> CohortProgress:
    """Learners by modules from the progress read model, in a fixed number of queries.

    A cell is overdue when its module's due date has passed and it is not passed.
    """
    today = today or timezone.localdate()
    modules = list(Module.objects.filter(course_id=cohort.course_id).order_by("position"))
    due = dict(ModuleDueDate.objects.filter(cohort=cohort).values_list("module_id", "due_on"))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    rows = ModuleProgress.objects.filter(enrolment__cohort=cohort).values_list(
        "enrolment_id", "module_id", "status", "best_score_percent", "attempts_count"
    )
    by_enrolment: dict[int, dict[int, tuple]] = {}
    for enrolment_id, module_id, status, best, attempts in rows:
        by_enrolment.setdefault(enrolment_id, {})[module_id] = (status, best, attempts)

    passed_counts = dict.fromkeys((m.id for m in modules), 0)
    scores: dict[int, list[Decimal]] = {m.id: [] for m in modules}
    learners, completed = [], 0
    for enrolment in enrolments:
        cells = []
        progress = by_enrolment.get(enrolment.id, {})
        for module in modules:
            status, best, attempts = progress.get(
                module.id, (ModuleProgress.Status.NOT_STARTED, None, 0)
            )
            if status == ModuleProgress.Status.PASSED:
                passed_counts[module.id] += 1
            elif module.id in due and due[module.id] < today:
                status = "overdue"
            if best is not None:
                scores[module.id].append(best)
            cells.append(ProgressCell(module.id, status, best, attempts))
        if enrolment.status == Enrolment.Status.COMPLETED:
            completed += 1
        learners.append(
            LearnerRow(
                user_id=enrolment.user_id,
                name=enrolment.user.get_full_name(),
                enrolment_status=enrolment.status,
                completed_at=enrolment.completed_at,
                cells=cells,
            )
        )
    summaries = [
        ModuleSummary(
            id=m.id,
            position=m.position,
            title=m.title,
            required=m.required,
            due_on=due.get(m.id),
            completion_rate=round(passed_counts[m.id] / len(enrolments), 4) if enrolments else 0.0,
            average_score_percent=(
                round(sum(scores[m.id]) / len(scores[m.id]), 2) if scores[m.id] else None
            ),
        )
        for m in modules
    ]
    return CohortProgress(cohort=cohort, modules=summaries, learners=learners, completed=completed)
