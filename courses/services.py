"""Writes for courses: enrolment, lesson reading, the module-progress read model, cohorts."""

import csv
import io
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lms.db import fetch_all, id_array, objects_update
from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied

from .models import (
    Cohort,
    CohortExport,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleDueDate,
    ModuleProgress,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def enrolment_create(*, user, course: Course) -> tuple[Enrolment, bool]:
    """Enrol `user` in `course`. Enrolling again returns the existing enrolment."""
    if not course.is_published:
        raise ApplicationError(
            "This course is not open for enrolment.", code="course_not_published"
        )
    enrolment, created = Enrolment.objects.get_or_create(user=user, course=course)
    if created:
        ModuleProgress.objects.bulk_create(
            [ModuleProgress(enrolment=enrolment, module=m) for m in course.modules.all()]
        )
    return enrolment, created


def enrolment_for(*, user, course: Course, lock: bool = False) -> Enrolment:
    queryset = Enrolment.objects.select_for_update() if lock else Enrolment.objects
    try:
        return queryset.get(user=user, course=course)
    except Enrolment.DoesNotExist:
        raise PermissionDenied("Enrol in this course first.", code="not_enrolled") from None


@transaction.atomic
def lesson_complete(*, user, lesson: Lesson) -> LessonProgress:
    """Mark a lesson read. Marking it again changes nothing."""
    module = lesson.module
    if not module.course.is_published:
        raise NotFound("No such lesson.")
    enrolment = enrolment_for(user=user, course=module.course, lock=True)
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    module_progress_refresh(enrolment=enrolment, module=module)
    return progress


def _quiz_score(percents: list, method: str):
    """The module's quiz score by the quiz's grading method, from graded attempts in order."""
    from quizzes.models import Quiz

    if not percents:
        return None
    if method == Quiz.GradingMethod.AVERAGE:
        return sum(percents) / len(percents)
    if method == Quiz.GradingMethod.FIRST:
        return percents[0]
    if method == Quiz.GradingMethod.LAST:
        return percents[-1]
    return max(percents)


# No savepoint of its own: it runs inside the caller's transaction (grading, reading a lesson);
# an error here fails that whole write, and the savepoint's two round trips are saved.
@transaction.atomic(savepoint=False)
def module_progress_refresh(*, enrolment: Enrolment, module: Module) -> ModuleProgress:
    """Recompute one module's progress row from lessons read and graded attempts."""
    return modules_progress_refresh(pairs=[(enrolment, module)])[0]


@transaction.atomic(savepoint=False)
def modules_progress_refresh(*, pairs: list[tuple[Enrolment, Module]]) -> list[ModuleProgress]:
    """Recompute the progress rows of these (enrolment, module) pairs, in the same order.

    A module is passed when every lesson is read and every quiz's score, by its grading
    method, reaches the quiz's pass mark. Then the course may be complete. Callers hold the
    enrolments' locks: every writer of progress takes them first, so none waits in a circle.

    Six queries for one pair or a worker's batch of graded attempts, whatever the modules
    hold: the progress rows (locked), lessons, lessons read (not asked when the modules have
    no lessons), quizzes, the learners' attempts (only the columns the rules need), and one
    write; then the completion check's one for the enrolments a passed module may complete.
    """
    from quizzes.models import Attempt, Quiz

    enrolment_ids = {e.pk for e, _ in pairs}
    module_ids = {m.pk for _, m in pairs}
    rows = _progress_rows_locked(pairs)
    lessons_total = dict(
        fetch_all(
            "SELECT module_id, count(*) FROM courses_lesson"
            " WHERE module_id = ANY(%s::bigint[]) GROUP BY module_id",
            [id_array(module_ids)],
            orm=lambda: (
                Lesson.objects.filter(module_id__in=module_ids)
                .values_list("module_id")
                .annotate(n=Count("id"))
                .order_by()
            ),
        )
    )
    lessons_read: dict[tuple[int, int], int] = {}
    if lessons_total:  # a quiz-only module has no lessons to have read
        for enrolment_id, module_id, n in fetch_all(
            "SELECT r.enrolment_id, l.module_id, count(*)"
            " FROM courses_lessonprogress r JOIN courses_lesson l ON l.id = r.lesson_id"
            " WHERE r.enrolment_id = ANY(%s::bigint[]) AND l.module_id = ANY(%s::bigint[])"
            " GROUP BY r.enrolment_id, l.module_id",
            [id_array(enrolment_ids), id_array(lessons_total)],
            orm=lambda: (
                LessonProgress.objects.filter(
                    enrolment_id__in=enrolment_ids, lesson__module_id__in=lessons_total
                )
                .values_list("enrolment_id", "lesson__module_id")
                .annotate(n=Count("id"))
                .order_by()
            ),
        ):
            lessons_read[enrolment_id, module_id] = n
    quizzes: dict[int, list[tuple]] = {module_id: [] for module_id in module_ids}
    for quiz_id, module_id, method, pass_mark in fetch_all(
        "SELECT id, module_id, grading_method, pass_mark_percent FROM quizzes_quiz"
        " WHERE module_id = ANY(%s::bigint[])",
        [id_array(module_ids)],
        orm=lambda: Quiz.objects.filter(module_id__in=module_ids).values_list(
            "id", "module_id", "grading_method", "pass_mark_percent"
        ),
    ):
        quizzes[module_id].append((quiz_id, method, pass_mark))
    attempts: dict[tuple[int, int], list[tuple]] = {}
    user_ids = {e.user_id for e, _ in pairs}
    quiz_ids = [q[0] for qs in quizzes.values() for q in qs]
    if quiz_ids:  # a module of lessons only has no attempts to read
        for row in fetch_all(
            "SELECT user_id, quiz_id, state, percent, passed, submitted_at, id"
            " FROM quizzes_attempt WHERE user_id = ANY(%s::bigint[])"
            " AND quiz_id = ANY(%s::bigint[]) ORDER BY number",
            [id_array(user_ids), id_array(quiz_ids)],
            orm=lambda: (
                Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=quiz_ids)
                .values_list(
                    "user_id", "quiz_id", "state", "percent", "passed", "submitted_at", "id"
                )
                .order_by("number")
            ),
        ):
            attempts.setdefault(row[:2], []).append(row[2:])

    now = timezone.now()
    for enrolment, module in pairs:
        _progress_recompute(
            rows[enrolment.pk, module.pk],
            lessons_total=lessons_total.get(module.pk, 0),
            lessons_read=lessons_read.get((enrolment.pk, module.pk), 0),
            quizzes=[
                (method, pass_mark, attempts.get((enrolment.user_id, quiz_id), []))
                for quiz_id, method, pass_mark in quizzes[module.pk]
            ],
            now=now,
        )
    progress = [rows[e.pk, m.pk] for e, m in pairs]
    objects_update(progress, PROGRESS_FIELDS)

    # A required module that is not passed keeps the course from completing: the check
    # could only say no. An optional one may still be the last thing a learner did.
    enrolments_completion_check(
        enrolments=[
            enrolment
            for (enrolment, module), row in zip(pairs, progress, strict=True)
            if row.status == ModuleProgress.Status.PASSED or not module.required
        ]
    )
    return progress


def _progress_rows_locked(pairs) -> dict[tuple[int, int], ModuleProgress]:
    """The pairs' progress rows, locked in id order; rows missing (a module added after
    enrolment) are created first."""

    enrolment_ids, module_ids = {e.pk for e, _ in pairs}, {m.pk for _, m in pairs}

    def locked():
        return {
            (p.enrolment_id, p.module_id): p
            for p in ModuleProgress.objects.select_for_update()
            .filter(enrolment_id__in=enrolment_ids, module_id__in=module_ids)
            .order_by("pk")
        }

    rows = locked()
    missing = sorted(
        ((e, m) for e, m in pairs if (e.pk, m.pk) not in rows), key=lambda p: (p[0].pk, p[1].pk)
    )
    if missing:
        ModuleProgress.objects.bulk_create(
            [ModuleProgress(enrolment=e, module=m) for e, m in missing], ignore_conflicts=True
        )
        rows = locked()
    return rows


def _progress_recompute(progress: ModuleProgress, *, lessons_total, lessons_read, quizzes, now):
    """Set one progress row's fields from its module's lessons and quizzes.

    `quizzes`: (grading method, pass mark, the learner's attempts in order), each attempt as
    (state, percent, passed, submitted_at, id).
    """
    from quizzes.models import Attempt

    all_quizzes_passed, any_quiz_failed = True, False
    scores, attempts_count, best, last_graded = [], 0, None, None
    for grading_method, pass_mark_percent, learner_attempts in quizzes:
        graded = [a for a in learner_attempts if a[0] == Attempt.State.GRADED]
        attempts_count += len(learner_attempts)
        for a in graded:
            if last_graded is None or (a[3], a[4]) > (last_graded[3], last_graded[4]):
                last_graded = a
        score = _quiz_score([a[1] for a in graded], grading_method)
        if graded:
            top = max(a[1] for a in graded)
            best = top if best is None else max(best, top)
        if score is None or score < pass_mark_percent:
            all_quizzes_passed = False
            if score is not None:
                any_quiz_failed = True
        if score is not None:
            scores.append(score)

    if lessons_read == lessons_total and all_quizzes_passed:
        status = ModuleProgress.Status.PASSED
    elif any_quiz_failed:
        status = ModuleProgress.Status.FAILED
    elif lessons_read or attempts_count:
        status = ModuleProgress.Status.IN_PROGRESS
    else:
        status = ModuleProgress.Status.NOT_STARTED

    progress.lessons_read = lessons_read
    progress.attempts_count = attempts_count
    progress.score_percent = round(sum(scores) / len(scores), 2) if scores else None
    progress.best_score_percent = best
    progress.last_attempt_passed = last_graded[2] if last_graded is not None else None
    if status != ModuleProgress.Status.PASSED:
        progress.passed_at = None
    elif progress.passed_at is None:
        progress.passed_at = now
    progress.status = status
    progress.last_activity_at = now


PROGRESS_FIELDS = [
    "lessons_read",
    "attempts_count",
    "score_percent",
    "best_score_percent",
    "last_attempt_passed",
    "passed_at",
    "status",
    "last_activity_at",
]


@transaction.atomic(savepoint=False)  # as module_progress_refresh: part of its caller's write
def enrolments_completion_check(*, enrolments: list[Enrolment]) -> set[int]:
    """Complete each enrolment once every required module is passed; then issue its
    certificate. Returns the ids of those it completed.

    The enrolments come locked by the caller (modules_progress_refresh's callers lock them
    before progress), so their status is current. Completion is final: a later failed attempt
    on an optional module does not undo it.
    """
    open_enrolments = list(
        {e.pk: e for e in enrolments if e.status != Enrolment.Status.COMPLETED}.values()
    )
    if not open_enrolments:
        return set()
    # Per enrolment: the course's modules, its required ones, and of each those passed.
    counts = {
        enrolment_id: tuple(row)
        for enrolment_id, *row in fetch_all(
            "SELECT e.id, count(*), count(*) FILTER (WHERE m.required),"
            " count(p.id), count(p.id) FILTER (WHERE m.required)"
            " FROM courses_enrolment e JOIN courses_module m ON m.course_id = e.course_id"
            " LEFT JOIN courses_moduleprogress p"
            " ON p.enrolment_id = e.id AND p.module_id = m.id AND p.status = %s"
            " WHERE e.id = ANY(%s::bigint[]) GROUP BY e.id",
            [ModuleProgress.Status.PASSED, id_array(e.pk for e in open_enrolments)],
            orm=lambda: _completion_counts(open_enrolments),
        )
    }
    from certificates.services import certificate_request

    completed = set()
    for enrolment in open_enrolments:
        n_modules, n_required, n_passed, n_required_passed = counts.get(enrolment.pk, (0,) * 4)
        # A course whose modules are all optional is complete when all of them are passed.
        if not (n_required_passed == n_required if n_required else n_passed == n_modules):
            continue
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["status", "completed_at"])
        certificate_request(enrolment=enrolment)
        completed.add(enrolment.pk)
    return completed


def _completion_counts(enrolments: list[Enrolment]) -> list[tuple]:
    """enrolments_completion_check's counts through the ORM (in two queries): per enrolment,
    the course's modules, its required ones, those passed and the required ones passed."""
    modules = {
        course_id: (n_modules, n_required)
        for course_id, n_modules, n_required in Module.objects.filter(
            course_id__in={e.course_id for e in enrolments}
        )
        .values_list("course_id")
        .annotate(n_modules=Count("id"), n_required=Count("id", filter=Q(required=True)))
        .order_by()
    }
    passed = {
        enrolment_id: (n_passed, n_required_passed)
        for enrolment_id, n_passed, n_required_passed in ModuleProgress.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments], status=ModuleProgress.Status.PASSED
        )
        .values_list("enrolment_id")
        .annotate(n=Count("id"), n_required=Count("id", filter=Q(module__required=True)))
        .order_by()
    }
    return [
        (e.pk, *modules[e.course_id], *passed.get(e.pk, (0, 0)))
        for e in enrolments
        if e.course_id in modules  # as the SQL's join: a course without modules has no row
    ]


# --- cohorts ------------------------------------------------------------------------------------

# Program directors hold this permission through their group (courses.apps makes it after
# every migrate; staff add people to it in the admin): it lets them create cohorts. Managing a
# cohort afterwards needs only to be one of its directors.
CREATE_COHORT_PERMISSION = "courses.add_cohort"
PROGRAM_DIRECTORS_GROUP = "Program directors"


def _is_director(user, cohort: Cohort) -> bool:
    return user.is_staff or cohort.directors.filter(pk=user.pk).exists()


def _require_director(user, cohort: Cohort) -> None:
    if not _is_director(user, cohort):
        raise PermissionDenied("Only the cohort's directors can change it.")


def _require_viewer(user, cohort: Cohort) -> None:
    if not (_is_director(user, cohort) or cohort.course.instructors.filter(pk=user.pk).exists()):
        raise NotFound("No such cohort.")


def _require_open_course(cohort: Cohort) -> None:
    if not cohort.course.is_published:
        raise ApplicationError(
            "The cohort's course is not published, so learners cannot be enrolled in it yet.",
            code="course_not_published",
        )


@transaction.atomic
def cohort_create(
    *,
    actor,
    course: Course,
    name: str,
    start_date: date,
    end_date: date,
    inactivity_days: int = 14,
) -> Cohort:
    """A program director opens a cohort in a published course and becomes its director."""
    if not (actor.is_staff or actor.has_perm(CREATE_COHORT_PERMISSION)):
        raise PermissionDenied("Only program directors can create cohorts.")
    if not course.is_published:
        raise ApplicationError(
            "Cohorts can only follow a published course.",
            code="course_not_published",
            details={"course": ["This course is not published."]},
        )
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the cohort a name."]
    elif len(name) > 200:
        errors["name"] = ["Keep the name to 200 characters or fewer."]
    elif Cohort.objects.filter(course=course, name__iexact=name).exists():
        errors["name"] = [f"This course already has a cohort called “{name}”."]
    if end_date < start_date:
        errors["end_date"] = ["The cohort must end on or after the day it starts."]
    if not 1 <= inactivity_days <= 365:
        errors["inactivity_days"] = ["Choose between 1 and 365 days."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid", details=errors)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(
                course=course,
                name=name,
                start_date=start_date,
                end_date=end_date,
                inactivity_days=inactivity_days,
            )
    except IntegrityError:
        raise Conflict(
            f"This course already has a cohort called “{name}”.", code="cohort_name_taken"
        ) from None
    cohort.directors.add(actor)
    return cohort


# Learners join a cohort one by one or from a CSV roster; both go through one plan, so a
# single address and a 2,000-line file meet the same rules.
ROSTER_COLUMNS = ("email", "full_name")
ROSTER_MAX_BYTES = 2 * 1024 * 1024
ROSTER_MAX_ROWS = 5000


@dataclass
class RosterRow:
    line: int
    email: str
    full_name: str
    action: str = ""  # "invite" (new account), "add" (existing account) or "skip"
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    user_id: int | None = None

    def error(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    @property
    def messages(self) -> list[str]:
        return [m for messages in self.errors.values() for m in messages]


@dataclass
class RosterPlan:
    rows: list[RosterRow]

    @property
    def error_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.errors]

    @property
    def is_valid(self) -> bool:
        return not self.error_rows

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    def error_details(self) -> dict:
        return {
            "rows": [
                {"line": r.line, "email": r.email, "errors": r.messages} for r in self.error_rows
            ]
        }


def _clean_name(value: str) -> str:
    return " ".join((value or "").split())


def _roster_read(data: bytes) -> list[RosterRow]:
    """The rows of a roster file, or a clear error about the file as a whole."""
    if len(data) > ROSTER_MAX_BYTES:
        raise ApplicationError(
            "The file is larger than 2 MB; split the roster into smaller files.",
            code="roster_too_large",
        )
    try:
        text = data.decode("utf-8-sig")  # spreadsheets often start UTF-8 CSV with a BOM
    except UnicodeDecodeError:
        raise ApplicationError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.",
            code="roster_not_utf8",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ApplicationError(
                "The file is empty. The first line must be the header “email,full_name”.",
                code="roster_empty",
            )
        columns = [h.strip().lower() for h in header]
        if (
            "email" not in columns
            or set(columns) - set(ROSTER_COLUMNS)
            or len(set(columns)) != len(columns)
        ):
            raise ApplicationError(
                "The first line must be the header “email,full_name” (full_name may be left "
                f"out); this file's first line is “{','.join(header)}”.",
                code="roster_bad_header",
                details={"header": header, "expected": list(ROSTER_COLUMNS)},
            )
        rows: list[RosterRow] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines, often at the end of exported files
            record = dict(zip(columns, values, strict=False))
            row = RosterRow(
                line=reader.line_num,
                email=record.get("email", "").strip().lower(),
                full_name=_clean_name(record.get("full_name", "")),
            )
            if len(values) != len(columns):
                row.error(
                    "row", f"This line has {len(values)} fields; the header has {len(columns)}."
                )
            rows.append(row)
            if len(rows) > ROSTER_MAX_ROWS:
                raise ApplicationError(
                    f"The file has more than {ROSTER_MAX_ROWS:,} learners; split it.",
                    code="roster_too_large",
                )
    except csv.Error as exc:
        raise ApplicationError(
            f"The file is not valid CSV (line {reader.line_num}): {exc}.", code="roster_not_csv"
        ) from None
    if not rows:
        raise ApplicationError("The file has a header but no learners.", code="roster_empty")
    return rows


def _roster_plan(cohort: Cohort, rows: list[RosterRow]) -> RosterPlan:
    """Check every row and decide what it would do, in a fixed number of queries."""
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.email:
            row.error("email", "The email address is missing.")
        else:
            try:
                validate_email(row.email)
            except DjangoValidationError:
                row.error("email", f"“{row.email}” is not a valid email address.")
        if len(row.full_name) > 200:
            row.error("full_name", "The name is longer than 200 characters.")
        if row.email and not row.errors:
            if row.email in first_line:
                row.error("email", f"Duplicate of line {first_line[row.email]}.")
            else:
                first_line[row.email] = row.line

    User = get_user_model()
    users: dict[str, list] = {}
    for user in User.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=list(first_line)
    ):
        users.setdefault(user.email_lower, []).append(user)
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.filter(
            course_id=cohort.course_id,
            user_id__in=[u.pk for matches in users.values() for u in matches],
        ).select_related("cohort")
    }
    for row in rows:
        if row.errors:
            continue
        matches = users.get(row.email, [])
        if len(matches) > 1:
            row.error("email", "Several accounts use this address; ask an administrator.")
            continue
        if not matches:
            if not row.full_name:
                row.error("full_name", "A full name is needed to create an account.")
            else:
                row.action, row.note = "invite", "New account: an invitation will be e-mailed."
            continue
        user = matches[0]
        row.user_id = user.pk
        row.full_name = user.get_full_name()
        enrolment = enrolments.get(user.pk)
        if not user.is_active:
            row.error("email", "This account is deactivated.")
        elif enrolment is None:
            row.action, row.note = "add", "Existing account: will be enrolled in the course."
        elif enrolment.cohort_id == cohort.id:
            row.action, row.note = "skip", "Already in this cohort."
        elif enrolment.cohort_id is not None:
            row.error("email", f"Already in another cohort of this course: {enrolment.cohort}.")
        else:
            row.action, row.note = "add", "Already enrolled in the course: joins the cohort."
    return RosterPlan(rows=rows)


def _free_usernames(emails: list[str]) -> list[str]:
    """Usernames for new accounts: the address itself, with a number if it is taken."""
    User = get_user_model()
    taken = set(
        User.objects.filter(username__in=[e[:140] for e in emails]).values_list(
            "username", flat=True
        )
    )
    names = []
    for email in emails:
        base, candidate, n = email[:140], email[:140], 1
        while candidate in taken:
            n += 1
            candidate = f"{base}+{n}"
            if n > 50:  # pathological; fall back on a query per candidate
                taken |= set(
                    User.objects.filter(username__startswith=base).values_list(
                        "username", flat=True
                    )
                )
        taken.add(candidate)
        names.append(candidate)
    return names


def _roster_apply(cohort: Cohort, plan: RosterPlan) -> None:
    """Write a valid plan: accounts, enrolments and their progress rows, in bulk."""
    User = get_user_model()
    invite = [r for r in plan.rows if r.action == "invite"]
    usernames = _free_usernames([r.email for r in invite])
    created = User.objects.bulk_create(
        [
            # No password until they accept the invitation and choose one.
            User(username=u, email=r.email, full_name=r.full_name, password=make_password(None))
            for r, u in zip(invite, usernames, strict=True)
        ]
    )
    for row, user in zip(invite, created, strict=True):
        row.user_id = user.pk

    joining = [r.user_id for r in plan.rows if r.action in ("invite", "add")]
    enrolled = dict(
        Enrolment.objects.select_for_update()
        .filter(course_id=cohort.course_id, user_id__in=joining)
        .values_list("user_id", "id")
    )
    moved = Enrolment.objects.filter(pk__in=list(enrolled.values()), cohort__isnull=True).update(
        cohort=cohort
    )
    try:
        new = Enrolment.objects.bulk_create(
            [
                Enrolment(user_id=uid, course_id=cohort.course_id, cohort=cohort)
                for uid in joining
                if uid not in enrolled
            ]
        )
    except IntegrityError:
        new = None
    if new is None or moved != len(enrolled):
        raise Conflict(
            "Someone's enrolment changed while the roster was being added; preview it again.",
            code="roster_changed",
        )
    module_ids = list(
        Module.objects.filter(course_id=cohort.course_id).values_list("id", flat=True)
    )
    ModuleProgress.objects.bulk_create(
        [ModuleProgress(enrolment=e, module_id=m) for e in new for m in module_ids]
    )
    invited = [r.user_id for r in invite]
    if invited:
        transaction.on_commit(lambda: _enqueue_invitations(cohort.id, invited))


def _enqueue_invitations(cohort_id: int, user_ids: list[int]) -> None:
    from tasks.reports import send_cohort_invitation

    for user_id in user_ids:
        send_cohort_invitation.delay(cohort_id, user_id)


def cohort_roster_preview(*, actor, cohort: Cohort, data: bytes) -> RosterPlan:
    """What importing this roster would do, row by row. Writes nothing."""
    _require_director(actor, cohort)
    _require_open_course(cohort)
    return _roster_plan(cohort, _roster_read(data))


@transaction.atomic
def cohort_roster_import(*, actor, cohort: Cohort, data: bytes) -> RosterPlan:
    """Add every learner of a roster, or none: one bad row refuses the whole file."""
    _require_director(actor, cohort)
    _require_open_course(cohort)
    # Checked again at confirmation: the cohort may have changed since the preview.
    plan = _roster_plan(cohort, _roster_read(data))
    if not plan.is_valid:
        bad = len(plan.error_rows)
        raise ApplicationError(
            f"{bad} line{'s' if bad != 1 else ''} of the roster need{'s' if bad == 1 else ''} "
            "correcting; nobody was added.",
            code="roster_invalid",
            details=plan.error_details(),
        )
    _roster_apply(cohort, plan)
    return plan


@transaction.atomic
def cohort_learner_add(*, actor, cohort: Cohort, email: str, full_name: str = "") -> RosterRow:
    """Add one learner by e-mail address; an unknown address gets an account and an invitation."""
    _require_director(actor, cohort)
    _require_open_course(cohort)
    row = RosterRow(line=1, email=(email or "").strip().lower(), full_name=_clean_name(full_name))
    plan = _roster_plan(cohort, [row])
    if row.errors:
        raise ApplicationError(row.messages[0], code="invalid", details=row.errors)
    if row.action == "skip":
        raise Conflict(f"{row.full_name} is already in this cohort.", code="already_in_cohort")
    _roster_apply(cohort, plan)
    return row


def cohort_invitation_send(*, cohort_id: int, user_id: int) -> bool:
    """E-mail a new learner the link that sets their password. Skipped once they have one."""
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if user is None or cohort is None or not user.email or user.has_usable_password():
        return False
    if not Enrolment.objects.filter(user=user, cohort=cohort).exists():
        return False
    link = settings.SITE_URL + reverse(
        "invitation-accept",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    context = {
        "name": user.get_full_name(),
        "cohort": cohort,
        "course": cohort.course,
        "directors": ", ".join(d.get_full_name() for d in cohort.directors.all()),
        "link": link,
        "username": user.username,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    send_mail(
        subject=f"You are invited to {cohort.course.title} with {cohort.name}",
        message=render_to_string("courses/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


@transaction.atomic
def cohort_due_dates_set(*, actor, cohort: Cohort, due_dates: dict[int, date | None]) -> dict:
    """Set (or with None clear) modules' due dates. All are checked before any is saved."""
    _require_director(actor, cohort)
    titles = dict(Module.objects.filter(course_id=cohort.course_id).values_list("id", "title"))
    unknown = sorted(m for m in due_dates if m not in titles)
    if unknown:
        raise ApplicationError(
            "Those modules are not part of this cohort's course.",
            code="unknown_module",
            details={"module_ids": unknown},
        )
    errors: dict[str, list[str]] = {}
    for module_id, due_on in due_dates.items():
        if due_on is None:
            continue
        if due_on < cohort.start_date:
            errors[str(module_id)] = [
                f"{titles[module_id]}: {due_on:%-d %b %Y} is before the cohort starts "
                f"({cohort.start_date:%-d %b %Y})."
            ]
        elif due_on > cohort.end_date:
            errors[str(module_id)] = [
                f"{titles[module_id]}: {due_on:%-d %b %Y} is after the cohort ends "
                f"({cohort.end_date:%-d %b %Y})."
            ]
    if errors:
        raise ApplicationError(
            "Due dates must fall within the cohort's dates; nothing was saved. "
            + " ".join(m for ms in errors.values() for m in ms),
            code="invalid_due_date",
            details=errors,
        )
    current = {d.module_id: d for d in ModuleDueDate.objects.filter(cohort=cohort)}
    for module_id, due_on in due_dates.items():
        existing = current.get(module_id)
        if due_on is None:
            if existing is not None:
                existing.delete()
        elif existing is None:
            ModuleDueDate.objects.create(cohort=cohort, module_id=module_id, due_on=due_on)
        elif existing.due_on != due_on:
            existing.due_on = due_on
            existing.save(update_fields=["due_on"])
    return dict(ModuleDueDate.objects.filter(cohort=cohort).values_list("module_id", "due_on"))


# --- cohort exports -----------------------------------------------------------------------------

# A running export whose row has not moved for this long was abandoned by its worker.
EXPORT_STALE_AFTER = timedelta(minutes=10)
EXPORT_MAX_RUNS = 5


@transaction.atomic
def cohort_export_request(*, actor, cohort: Cohort, kind: str, format: str) -> CohortExport:
    """Queue a report of the cohort; a worker on the `reports` queue builds it."""
    _require_viewer(actor, cohort)
    errors = {}
    if kind not in CohortExport.Kind.values:
        errors["kind"] = [f"Choose one of: {', '.join(CohortExport.Kind.values)}."]
    if format not in CohortExport.Format.values:
        errors["format"] = [f"Choose one of: {', '.join(CohortExport.Format.values)}."]
    if errors:
        raise ApplicationError("Choose what to export and in which format.", details=errors)
    export = CohortExport.objects.create(
        cohort=cohort, requested_by=actor, kind=kind, format=format
    )
    _enqueue_export(export.id)
    return export


def _enqueue_export(export_id: int) -> None:
    from tasks.reports import build_cohort_export

    transaction.on_commit(lambda: build_cohort_export.delay(export_id))


def _export_progress(export_id: int, run: int, done: int, total: int) -> None:
    # Also the heartbeat: `updated_at` moving tells the sweeper this run is alive.
    CohortExport.objects.filter(pk=export_id, runs=run).update(
        rows_done=min(done, total), rows_total=total, updated_at=timezone.now()
    )


def cohort_export_build(*, export_id: int) -> CohortExport | None:
    """Build an export's file and mark it ready. Safe to run twice and after a killed worker.

    A run claims the row (pending, failed, or running but abandoned) by bumping `runs`; it
    writes its file only while it still holds that claim.
    """
    from .exports import write_export

    now = timezone.now()
    claimable = (
        Q(status=CohortExport.Status.PENDING)
        | Q(status=CohortExport.Status.FAILED, runs__lt=EXPORT_MAX_RUNS)
        | Q(status=CohortExport.Status.RUNNING, updated_at__lt=now - EXPORT_STALE_AFTER)
    )
    claimed = CohortExport.objects.filter(claimable, pk=export_id).update(
        status=CohortExport.Status.RUNNING,
        runs=F("runs") + 1,
        rows_done=0,
        error="",
        updated_at=now,
    )
    if claimed != 1:
        return CohortExport.objects.filter(pk=export_id).first()
    export = CohortExport.objects.select_related("cohort__course").get(pk=export_id)
    run = export.runs
    storage = export.file.storage
    try:
        with tempfile.TemporaryFile() as tmp:
            write_export(
                export,
                tmp,
                on_progress=lambda done, total: _export_progress(export_id, run, done, total),
            )
            tmp.seek(0)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            filename = f"{export.cohort.course.slug}-{export.kind}-{stamp}-{export.id}-{run}"
            name = storage.save(
                export.file.field.generate_filename(export, f"{filename}.{export.format}"),
                File(tmp),
            )
    except Exception as exc:
        CohortExport.objects.filter(pk=export_id, runs=run).update(
            status=CohortExport.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        export = CohortExport.objects.select_for_update().get(pk=export_id)
        if export.runs != run or export.status != CohortExport.Status.RUNNING:
            storage.delete(name)  # another run took over; its file is the one kept
            return export
        export.file.name = name
        export.status = CohortExport.Status.READY
        export.rows_done = export.rows_total
        export.finished_at = timezone.now()
        export.save()
    return export


def cohort_exports_stuck(*, older_than) -> list[int]:
    """Exports waiting since before `older_than`, or abandoned mid-build: their work was lost."""
    return list(
        CohortExport.objects.filter(
            Q(status=CohortExport.Status.PENDING, created_at__lt=older_than)
            | Q(
                status=CohortExport.Status.RUNNING,
                updated_at__lt=timezone.now() - EXPORT_STALE_AFTER,
            )
        ).values_list("id", flat=True)
    )
