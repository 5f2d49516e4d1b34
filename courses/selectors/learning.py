"""A learner's own enrolments and progress: what they have done, what comes next, and the
page each person lands on."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Prefetch

from accounts.models import User
from courses.cohorts.selectors.access import cohorts_visible_to, may_create_cohort
from courses.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
    PublishStatus,
)
from lms.errors import PermissionDenied
from quizzes.models import Attempt, Quiz
from quizzes.scoring import kept_percent
from quizzes.selectors.quiz_settings import quiz_settings_for
from quizzes.selectors.review import modules_with_hidden_scores


def enrolment_for(*, user: User, course: Course, lock: bool = False) -> Enrolment:
    queryset = Enrolment.objects.select_for_update() if lock else Enrolment.objects
    try:
        return queryset.get(user=user, course=course)
    except Enrolment.DoesNotExist:
        raise PermissionDenied("Enrol in this course first.", code="not_enrolled") from None


def enrolment_of(*, user: User | AnonymousUser, course: Course) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def lessons_read_ids(*, enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )


# Shown to a learner instead of passed/failed while a quiz's review options hide their score.
RESULT_HIDDEN = "result_hidden"


def hide_unreviewed_results(
    *, user: User, rows: list[ModuleProgress], hidden: set[int] | None = None
) -> list[ModuleProgress]:
    """Blank the scores and pass/fail of modules whose quiz hides the score from `user` now.

    The progress read model holds the real figures (directors see them); a learner must not
    learn through it what the quiz's review options keep from them. `hidden`: those modules'
    ids, when the caller has them already.
    """
    if hidden is None:
        hidden = modules_with_hidden_scores(user=user, module_ids={r.module_id for r in rows})
    for row in rows:
        if row.module_id in hidden:
            row.score_percent = row.best_score_percent = None
            if row.status in (ModuleProgress.Status.PASSED, ModuleProgress.Status.FAILED):
                row.status = RESULT_HIDDEN
    return rows


def module_progress_by_module(*, enrolment: Enrolment | None) -> dict[int, ModuleProgress]:
    """The learner's own progress by module, as they may see it."""
    if enrolment is None:
        return {}
    rows = list(
        ModuleProgress.objects.filter(enrolment=enrolment, module__status=PublishStatus.PUBLISHED)
    )
    hide_unreviewed_results(user=enrolment.user, rows=rows)
    return {p.module_id: p for p in rows}


def progress_of(*, user: User) -> list[Enrolment]:
    """Every enrolment of the user with its modules' progress, for 'my progress'."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "cohort")  # the cohort: its zone ends the due dates
        .prefetch_related(
            Prefetch(
                "module_progress",
                queryset=ModuleProgress.objects.filter(module__status=PublishStatus.PUBLISHED)
                .select_related("module")
                .order_by("module__position"),
            )
        )
        .order_by("-enrolled_at")
    )
    rows = [row for enrolment in enrolments for row in enrolment.module_progress.all()]
    hide_unreviewed_results(user=user, rows=rows)  # the prefetched rows are the ones shown
    return enrolments


# --- what comes next, and how far along the learner is ------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The lesson to read or the quiz to pass next: the first one, in module order, that is
    not done yet."""

    kind: Literal["lesson", "quiz"]
    id: int
    title: str
    module_title: str
    # Nothing done in the course yet: the page offers "Start" rather than "Resume".
    first: bool


@dataclass(frozen=True)
class CourseProgress:
    """Modules passed out of those that count: the required ones, or all of them if none is
    required (the rule the director's dashboard and course completion use)."""

    passed: int
    counted: int
    of_required: bool  # the counted modules are the required ones (not: every one, none is)

    @property
    def percent(self) -> int:
        return round(self.passed * 100 / self.counted) if self.counted else 0


@dataclass(frozen=True)
class LearningState:
    """Where a learner stands in one course they are enrolled in."""

    progress: CourseProgress
    next_step: NextStep | None
    # Nothing left to do now, though the course is not complete: results are on their way
    # (being graded, or shown when the quiz's review opens).
    waiting_for_results: bool


# Attempts that wait for a grade: the learner has nothing to do on that quiz until it comes.
_AWAITING_GRADE = (Attempt.State.SUBMITTED, Attempt.State.NEEDS_REVIEW)


@dataclass
class _QuizFacts:
    """What the next-step rule reads of one learner's attempts at one quiz."""

    open: bool = False
    awaiting_grade: bool = False
    graded: bool = False
    percents: list[Decimal] = field(default_factory=list)  # graded attempts', in order

    def passed(self, quiz: Quiz) -> bool:
        """The quiz's score by its grading method reaches its pass mark (as progress counts)."""
        kept = kept_percent(self.percents, quiz.grading_method)
        return kept is not None and kept >= quiz.pass_mark_percent


def learning_states(*, enrolments: list[Enrolment]) -> dict[int, LearningState]:
    """Overall progress and the next step of each enrolment (all of one learner), by id.

    Seven queries, however many enrolments: modules, their lessons and quizzes, the progress
    rows, the lessons read, the attempts, and the quizzes whose review hides the score.
    """
    if not enrolments:
        return {}
    user = enrolments[0].user
    modules_by_course: dict[int, list[Module]] = defaultdict(list)
    # Drafts are not there for learners: no next step into one, no part of their progress.
    for module in (
        Module.objects.filter(
            course_id__in={e.course_id for e in enrolments}, status=PublishStatus.PUBLISHED
        )
        .prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.filter(status=PublishStatus.PUBLISHED).order_by("position"),
            ),
            Prefetch(
                "quizzes",
                queryset=Quiz.objects.filter(status=PublishStatus.PUBLISHED).order_by("id"),
            ),
        )
        .order_by("course_id", "position")
    ):
        modules_by_course[module.course_id].append(module)
    rows = list(ModuleProgress.objects.filter(enrolment__in=enrolments))
    hidden = modules_with_hidden_scores(user=user, module_ids={r.module_id for r in rows})
    hide_unreviewed_results(user=user, rows=rows, hidden=hidden)
    status: dict[tuple[int, int], str] = {(r.enrolment_id, r.module_id): r.status for r in rows}
    read: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, lesson_id in LessonProgress.objects.filter(
        enrolment__in=enrolments
    ).values_list("enrolment_id", "lesson_id"):
        read[enrolment_id].add(lesson_id)
    quizzes: dict[int, _QuizFacts] = defaultdict(_QuizFacts)
    for quiz_id, state, percent in (
        Attempt.objects.filter(
            user=user, quiz__module__course_id__in={e.course_id for e in enrolments}
        )
        .order_by("quiz_id", "number")
        .values_list("quiz_id", "state", "percent")
    ):
        facts = quizzes[quiz_id]
        facts.open |= state == Attempt.State.IN_PROGRESS
        facts.awaiting_grade |= state in _AWAITING_GRADE
        if state == Attempt.State.GRADED:
            facts.graded = True
            if percent is not None:
                facts.percents.append(percent)
    states = {}
    for enrolment in enrolments:
        modules = modules_by_course[enrolment.course_id]
        statuses = {m.pk: status.get((enrolment.pk, m.pk), "") for m in modules}
        step = _next_step(modules, statuses, read[enrolment.pk], quizzes, hidden)
        completed = enrolment.status == Enrolment.Status.COMPLETED
        states[enrolment.pk] = LearningState(
            progress=_course_progress(modules, statuses, completed=completed),
            next_step=step,
            waiting_for_results=step is None and not completed,
        )
    return states


def learning_state(*, enrolment: Enrolment) -> LearningState:
    return learning_states(enrolments=[enrolment])[enrolment.pk]


def _course_progress(
    modules: list[Module], statuses: dict[int, str], *, completed: bool
) -> CourseProgress:
    counted = [m for m in modules if m.required] or modules
    # A completed course has every counted module passed, so a hidden result there tells the
    # learner nothing their completion does not.
    passed = [
        m
        for m in counted
        if statuses[m.pk] == ModuleProgress.Status.PASSED
        or (completed and statuses[m.pk] == RESULT_HIDDEN)
    ]
    return CourseProgress(
        passed=len(passed), counted=len(counted), of_required=any(m.required for m in modules)
    )


def _next_step(
    modules: list[Module],
    statuses: dict[int, str],
    read: set[int],
    quizzes: dict[int, _QuizFacts],
    hidden: set[int],
) -> NextStep | None:
    """The first unread lesson or unpassed quiz, in module order (lessons, then quizzes, as
    the course page lists them), skipping modules passed or whose result is hidden."""
    first = not read and not any(q.pk in quizzes for m in modules for q in m.quizzes.all())
    for module in modules:
        if statuses[module.pk] in (ModuleProgress.Status.PASSED, RESULT_HIDDEN):
            continue
        lesson = next((lesson for lesson in module.lessons.all() if lesson.pk not in read), None)
        if lesson is not None:
            return NextStep("lesson", lesson.pk, lesson.title, module.title, first)
        quiz = _quiz_to_take(list(module.quizzes.all()), quizzes, scores_hidden=module.pk in hidden)
        if quiz is not None:
            return NextStep("quiz", quiz.pk, quiz.title, module.title, first)
    return None


def _quiz_to_take(
    module_quizzes: list[Quiz], attempts: dict[int, _QuizFacts], *, scores_hidden: bool
) -> Quiz | None:
    """Of a module not passed whose lessons are all read, the quiz to take next.

    An attempt in progress comes first; a quiz waiting for its grade has nothing to do. Where
    the score is hidden, a graded quiz counts as done either way, so the link gives nothing
    away. Otherwise the first quiz whose score (by its grading method) is below its pass mark.
    """
    facts = {q.pk: attempts.get(q.pk, _QuizFacts()) for q in module_quizzes}
    takeable = [q for q in module_quizzes if not facts[q.pk].awaiting_grade or facts[q.pk].open]
    if scores_hidden:
        takeable = [q for q in takeable if facts[q.pk].open or not facts[q.pk].graded]
        return takeable[0] if takeable else None
    quiz = next((q for q in takeable if facts[q.pk].open), None)
    return quiz or next((q for q in takeable if not facts[q.pk].passed(q)), None)


def modules_with_attempts_left(*, user: User, modules: list[Module]) -> set[int]:
    """The modules one of whose quizzes still allows the learner another attempt (their
    override counted): a failed module there is "not passed yet", not the last word."""
    used = dict(
        Attempt.objects.filter(user=user, quiz__module__in=modules)
        .values("quiz_id")
        .annotate(last=Max("number"))
        .values_list("quiz_id", "last")
    )
    left = set()
    for module in modules:
        for quiz in module.quizzes.all():
            allowed = quiz_settings_for(quiz=quiz, user=user).attempts_allowed
            if allowed is None or used.get(quiz.pk, 0) < allowed:
                left.add(module.pk)
    return left


# --- where each person lands after logging in ---------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """What else than learning a person does here: the pages made for it."""

    teaches: bool  # an instructor or teaching assistant of a course: /teach/
    directs: bool  # directs a cohort, or may create one (program directors): /cohorts/
    sees_cohorts: bool  # directs, or teaches a course that has cohorts: /cohorts/


def roles_of(*, user: User) -> Roles:
    directs = user.directed_cohorts.exists() or may_create_cohort(user)
    return Roles(
        teaches=user.taught_courses.exists() or user.assisted_courses.exists(),
        directs=directs,
        sees_cohorts=directs or cohorts_visible_to(user=user).exists(),
    )


def landing_page_for(*, user: User) -> str:
    """The name of the page `user` lands on after logging in.

    Learners, staff and anyone enrolled in a course land on My learning; a program director
    enrolled in nothing on their cohorts, an instructor enrolled in nothing on Teaching.
    """
    if user.is_staff or Enrolment.objects.filter(user=user).exists():
        return "dashboard"
    roles = roles_of(user=user)
    if roles.directs:
        return "cohorts"
    if roles.teaches:
        return "teach"
    return "dashboard"
