"""The demo cohort: sixty residents part-way through the flagship course.

Some have finished, most are on track, some are behind, a few failed a quiz and some never
started, so the director's dashboard is alive on first open. Everything is deterministic: each
resident's random generator is seeded with their username and every date is fixed relative to
the cohort's start, never to today. A resident already enrolled is left alone, so loading the
demo again changes nothing.

Their quiz attempts are real rows (questions frozen, answers chosen, scores that follow from
them); the progress read model is written from those attempts by the same rules as
`services.module_progress_refresh`, with the attempts' own dates instead of "now".
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.cohorts.selectors.access import PROGRAM_DIRECTORS_GROUP
from quizzes.models import Attempt, AttemptQuestion, Choice, Quiz, QuizSlot
from quizzes.services.attempts import freeze_layout

from .demo_answers import demo_response
from .models import Cohort, Enrolment, LessonProgress, Module, ModuleDueDate, ModuleProgress

RESIDENTS = [
    "Amara Nwosu", "Benjamin Cohen", "Chloé Dubois", "Daniel Kim", "Elena Petrova",
    "Farid Haddad", "Grace O'Connor", "Hiroshi Tanaka", "Isabel Ortiz", "Jamal Washington",
    "Katarzyna Nowak", "Liam Murphy", "Mei-Ling Chen", "Nikhil Patel", "Olivia Bennett",
    "Pedro Álvarez", "Quinn Harper", "Rania Aziz", "Samuel Adeyemi", "Tara Singh",
    "Uchenna Okeke", "Valentina Rossi", "William Zhang", "Ximena Morales", "Yusuf Demir",
    "Zainab Bello", "Aaron Goldberg", "Beatriz Santos", "Connor Walsh", "Divya Krishnan",
    "Emeka Obi", "Fatima Rahman", "Gabriel Silva", "Hannah Schmidt", "Ibrahim Khalil",
    "Julia Novak", "Kenji Watanabe", "Laila Hassan", "Marcus Johnson", "Nadia Rahimi",
    "Oscar Lindqvist", "Priya Menon", "Rafael Herrera", "Sofia Karlsson", "Thomas Nguyen",
    "Ayesha Siddiqui", "Victor Popescu", "Wen Li", "Yara Khoury", "Zoe Papadopoulos",
    "Adriana Costa", "Brandon Lee", "Camila Reyes", "Dmitri Volkov", "Esther Mensah",
    "Felipe Ramírez", "Gemma Thompson", "Hassan Ali", "Ingrid Johansson", "Jorge Castillo",
]  # fmt: skip

# How the sixty are doing, in the order of RESIDENTS (interleaved, so sorting by name mixes them).
PROFILES = ["done", "on_track", "behind", "on_track", "failing", "done", "on_track", "stalled",
            "done", "on_track", "behind", "not_started", "on_track", "done", "failing",
            "on_track", "behind", "done", "on_track", "stalled"] * 3  # fmt: skip

# Module slug -> weeks after the cohort starts that it is due (required modules only).
DUE_WEEKS = {
    "effective-communication": 6,
    "team-collaboration": 11,
    "ethics": 16,
    "healthcare-management": 23,
}
# The flagship package's modules (content/leadership-in-medicine/course.yaml), in order.
COURSE_MODULES = (
    "continuous-learning",
    "effective-communication",
    "team-collaboration",
    "ethics",
    "healthcare-management",
    "clinical-leadership",
    "mentorship",
    "medical-education",
    "challenges-and-rewards",
)
# The demo's "now", relative to the cohort: the last day anyone did anything.
LAST_ACTIVITY_DAYS = 145


def _username(full_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    return ".".join(ascii_name.lower().replace("'", "").replace("-", "").split())


def _plan(profile: str, rng: random.Random) -> dict[str, str]:
    """What happened in each module: passed, failed, in_progress or nothing (absent)."""
    if profile == "done":
        # Every module of the flagship course is required: finishing it is passing all nine.
        plan = dict.fromkeys(COURSE_MODULES, "passed")
    elif profile == "on_track":
        plan = {m: "passed" for m in ("effective-communication", "team-collaboration", "ethics")}
        plan["healthcare-management"] = "in_progress"
        if rng.random() < 0.5:
            plan["continuous-learning"] = "passed"
    elif profile == "behind":
        plan = {"effective-communication": "passed"}
        plan["team-collaboration"] = "passed" if rng.random() < 0.5 else "in_progress"
    elif profile == "failing":
        # Failed the module they are on: past its due date (overdue) or not yet due (failed).
        order = ["effective-communication", "team-collaboration", "ethics", "healthcare-management"]
        stop = rng.choice([1, 2, 3, 3])
        plan = dict.fromkeys(order[:stop], "passed")
        plan[order[stop]] = "failed"
    elif profile == "stalled":
        plan = {"effective-communication": "passed" if rng.random() < 0.5 else "in_progress"}
    else:
        plan = {}
    return plan


def _at(day: date, rng: random.Random) -> datetime:
    moment = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _scores(outcome: str, rng: random.Random, questions: int) -> list[int]:
    """Right answers (out of the quiz's questions) of each attempt, in order."""
    return [round(fifths * questions / 5) for fifths in _fifths(outcome, rng)]


def _fifths(outcome: str, rng: random.Random) -> list[int]:
    """Each attempt's score in fifths: 4 or 5 passes a 70% quiz, 3 or fewer fails it."""
    if outcome == "failed":
        return [rng.choice([1, 2, 3]) for _ in range(rng.choice([1, 1, 2, 3]))]
    first_try = rng.random()
    if first_try < 0.7:
        return [rng.choice([4, 5])]
    if first_try < 0.95:
        return [rng.choice([2, 3]), rng.choice([4, 5])]
    return [rng.choice([1, 2]), 3, rng.choice([4, 5])]


def load_demo_cohort(*, cohort: Cohort, director) -> int:
    """Fill the demo cohort; returns how many residents were added (0 when already there)."""
    director.groups.add(Group.objects.get(name=PROGRAM_DIRECTORS_GROUP))

    modules = list(
        Module.objects.filter(course=cohort.course)
        .prefetch_related("lessons", "quizzes__slots__question")
        .order_by("position")
    )
    for module in modules:
        if module.slug in DUE_WEEKS:
            ModuleDueDate.objects.get_or_create(
                cohort=cohort,
                module=module,
                defaults={"due_on": cohort.start_date + timedelta(weeks=DUE_WEEKS[module.slug])},
            )
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question__category__course=cohort.course).order_by(
        "position"
    ):
        choices.setdefault(choice.question_id, []).append(choice)

    added = 0
    for n, full_name in enumerate(RESIDENTS):
        with transaction.atomic():
            added += _resident(cohort, modules, choices, n, full_name, PROFILES[n])
    return added


# Days between one module and the next, by how the resident is doing.
PACE_DAYS = {"done": (8, 14), "on_track": (9, 16), "failing": (12, 20), "behind": (16, 28)}
SLOW_PACE_DAYS = (20, 35)


@dataclass
class _Resident:
    """One resident being written: who they are, how they work, and the rows of their history."""

    user: User
    enrolment: Enrolment
    profile: str
    rng: random.Random
    last_day: date
    choices: dict[int, list[Choice]]
    progress_rows: list[ModuleProgress] = field(default_factory=list)
    lesson_rows: list[tuple[LessonProgress, datetime]] = field(default_factory=list)
    attempts: list[tuple[Attempt, datetime]] = field(default_factory=list)
    questions: list[tuple[Attempt, AttemptQuestion]] = field(default_factory=list)


def _resident_user(n: int, full_name: str) -> tuple[User, str]:
    """The resident's account (made if missing) and its username."""
    username = _username(full_name)
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "full_name": f"{full_name}, {'DO' if n % 5 == 3 else 'MD'}",
            "email": f"{username}@residents.example.org",
            # The residents never log in in the demo: no password to hash sixty times.
            "password": make_password(None),
        },
    )
    return user, username


def _resident(
    cohort: Cohort,
    modules: list[Module],
    choices: dict[int, list[Choice]],
    n: int,
    full_name: str,
    profile: str,
) -> int:
    """Enrol one resident with their history; 1 if added, 0 if they were enrolled already."""
    user, username = _resident_user(n, full_name)
    if Enrolment.objects.filter(user=user, course=cohort.course).exists():
        return 0
    rng = random.Random(f"{cohort.name}:{username}")
    plan = _plan(profile, rng)
    resident = _Resident(
        user=user,
        enrolment=Enrolment.objects.create(user=user, course=cohort.course, cohort=cohort),
        profile=profile,
        rng=rng,
        last_day=cohort.start_date + timedelta(days=LAST_ACTIVITY_DAYS),
        choices=choices,
    )
    joined = _at(cohort.start_date + timedelta(days=rng.randint(0, 4)), rng)

    # Work through the modules in order, a module every one to three weeks; the stalled stop
    # early in the autumn, the rest keep going until the demo's last day.
    day = joined.date()
    completed_at: datetime | None = None
    passed_required: set[int] = set()
    required = {m.id for m in modules if m.required}
    for module in modules:
        outcome = plan.get(module.slug)
        row = ModuleProgress(enrolment=resident.enrolment, module=module)
        resident.progress_rows.append(row)
        if outcome is None:
            continue
        day = _module_history(resident, module, row, outcome, day)
        if row.status == ModuleProgress.Status.PASSED and module.id in required:
            passed_required.add(module.id)
            if passed_required == required:
                completed_at = row.passed_at
    _resident_save(resident, joined, completed_at)
    return 1


def _work_day(resident: _Resident, outcome: str, day: date) -> date:
    """The day the resident takes up a module, having finished the last one on `day`."""
    rng, last_day, profile = resident.rng, resident.last_day, resident.profile
    pace = PACE_DAYS.get(profile, SLOW_PACE_DAYS)
    day = min(day + timedelta(days=rng.randint(*pace)), last_day - timedelta(days=3))
    if profile == "on_track" and outcome == "in_progress":
        day = last_day - timedelta(days=rng.randint(0, 9))  # recently active
    elif profile == "behind" and outcome == "in_progress":
        day = last_day - timedelta(days=rng.randint(2, 30))  # slow, some gone quiet
    elif profile == "failing" and outcome == "failed":
        day = last_day - timedelta(days=rng.randint(10, 20))  # retries still to come
    return day


def _module_history(
    resident: _Resident, module: Module, row: ModuleProgress, outcome: str, day: date
) -> date:
    """One module's lessons read, quiz attempts and progress row; returns the day it ended."""
    rng = resident.rng
    day = _work_day(resident, outcome, day)
    lessons = list(module.lessons.all())
    read = lessons if outcome != "in_progress" else lessons[: rng.randint(1, len(lessons))]
    moment = _at(day, rng)
    for lesson in read:
        resident.lesson_rows.append(
            (LessonProgress(enrolment=resident.enrolment, lesson=lesson), moment)
        )
        moment += timedelta(minutes=lesson.estimated_minutes + rng.randint(2, 15))
    row.lessons_read = len(read)
    row.last_activity_at = moment
    if outcome == "in_progress":
        row.status = ModuleProgress.Status.IN_PROGRESS
        return day
    quiz = module.quizzes.all()[0]
    percents = _quiz_attempts(resident, quiz, outcome, moment)
    _quiz_progress(row, quiz, percents, all_read=len(read) == len(lessons))
    assert row.last_activity_at is not None  # the demo's attempts are all graded
    return row.last_activity_at.date()


def _quiz_attempts(
    resident: _Resident, quiz: Quiz, outcome: str, moment: datetime
) -> list[tuple[Decimal, Attempt]]:
    """The resident's graded attempts at the module's quiz, each with its percent."""
    rng = resident.rng
    slots = list(quiz.slots.select_related("question"))
    percents = []
    for number, right in enumerate(_scores(outcome, rng, len(slots)), start=1):
        started = moment + timedelta(days=(number - 1) * rng.randint(1, 4), minutes=5)
        submitted = started + timedelta(minutes=rng.randint(6, 22))
        percent = Decimal(right * 100 / len(slots)).quantize(Decimal("0.01"))
        attempt = Attempt(
            quiz=quiz,
            user=resident.user,
            number=number,
            started_at=started,
            state=Attempt.State.GRADED,
            submitted_at=submitted,
            graded_at=submitted + timedelta(seconds=4),
            score=Decimal(right),
            max_score=Decimal(len(slots)),
            percent=percent,
            passed=percent >= quiz.pass_mark_percent,
        )
        resident.attempts.append((attempt, started))
        _attempt_questions(resident, attempt, slots, right, submitted)
        percents.append((percent, attempt))
    return percents


def _attempt_questions(
    resident: _Resident, attempt: Attempt, slots: list[QuizSlot], right: int, submitted: datetime
) -> None:
    """An attempt's questions, answered: `right` of them correctly, at random places."""
    rng = resident.rng
    correct_positions = set(rng.sample(range(len(slots)), right))
    for position, slot in enumerate(slots, start=1):
        question = slot.question
        assert question is not None  # the demo's quizzes have no random slots
        options_rows = resident.choices.get(question.pk, [])
        order, options = freeze_layout(question, options_rows, shuffle=True, rng=rng)
        is_right = position - 1 in correct_positions
        resident.questions.append(
            (
                attempt,
                AttemptQuestion(
                    position=position,
                    question_id=question.pk,
                    points=Decimal(1),
                    choice_order=order,
                    options=options,
                    response=demo_response(question, options_rows, options, right=is_right),
                    responded_at=submitted - timedelta(minutes=1),
                    score=Decimal(1 if is_right else 0),
                ),
            )
        )


def _quiz_progress(
    row: ModuleProgress, quiz: Quiz, percents: list[tuple[Decimal, Attempt]], *, all_read: bool
) -> None:
    """The progress row from the quiz's attempts, as module_progress_refresh sets it (highest)."""
    best = max(p for p, _ in percents)
    last = percents[-1][1]
    row.attempts_count = len(percents)
    row.score_percent = row.best_score_percent = best
    row.last_attempt_passed = last.passed
    row.last_activity_at = last.graded_at
    if best >= quiz.pass_mark_percent and all_read:
        row.status = ModuleProgress.Status.PASSED
        row.passed_at = next(a.graded_at for p, a in percents if a.passed)
    else:
        row.status = ModuleProgress.Status.FAILED


def _resident_save(resident: _Resident, joined: datetime, completed_at: datetime | None) -> None:
    """Save the resident's rows in bulk, with their own dates rather than the defaults."""
    ModuleProgress.objects.bulk_create(resident.progress_rows)
    Attempt.objects.bulk_create([a for a, _ in resident.attempts])
    for attempt, started in resident.attempts:  # the attempts' own start times
        Attempt.objects.filter(pk=attempt.pk).update(started_at=started)
    for attempt, question in resident.questions:
        question.attempt = attempt
    AttemptQuestion.objects.bulk_create([q for _, q in resident.questions])
    LessonProgress.objects.bulk_create([lp for lp, _ in resident.lesson_rows])
    for lesson_progress, moment in resident.lesson_rows:
        LessonProgress.objects.filter(pk=lesson_progress.pk).update(completed_at=moment)
    Enrolment.objects.filter(pk=resident.enrolment.pk).update(
        enrolled_at=joined,
        status=Enrolment.Status.COMPLETED if completed_at else Enrolment.Status.ACTIVE,
        completed_at=completed_at,
    )
