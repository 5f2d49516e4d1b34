"""Rosters: learners added one by one or from a CSV file (previewed first); invitations."""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User as UserModel
from courses.cohorts.selectors.access import require_director, require_open_course
from courses.models import (
    Cohort,
    Enrolment,
    Module,
    ModuleProgress,
)
from lms.errors import ApplicationError, Conflict
from tasks.enqueue import SEND_COHORT_INVITATION, enqueue

# Learners join a cohort one by one or from a CSV roster; both go through one plan, so a
# single address and a 2,000-line file meet the same rules.
ROSTER_COLUMNS = ("email", "full_name")
ROSTER_MAX_BYTES = 2 * 1024 * 1024
ROSTER_MAX_ROWS = 5000


def roster_size_check(size: int) -> None:
    """Refuse a roster file too large to read; pages check the upload's size before reading it."""
    if size > ROSTER_MAX_BYTES:
        raise ApplicationError(
            f"The file is larger than {ROSTER_MAX_BYTES // (1024 * 1024)} MB; "
            "split the roster into smaller files.",
            code="roster_too_large",
        )


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

    @property
    def joining(self) -> int:
        """Lines that add a learner: new accounts invited and existing accounts enrolled."""
        return self.count("invite") + self.count("add")

    def error_details(self) -> dict[str, list[dict[str, object]]]:
        return {
            "rows": [
                {"line": r.line, "email": r.email, "errors": r.messages} for r in self.error_rows
            ]
        }


def _clean_name(value: str) -> str:
    return " ".join((value or "").split())


def _roster_read(data: bytes) -> list[RosterRow]:
    """The rows of a roster file, or a clear error about the file as a whole."""
    roster_size_check(len(data))
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


def _row_check(row: RosterRow) -> None:
    """Record what is wrong with a row on its own: its address and its name."""
    if not row.email:
        row.error("email", "The email address is missing.")
    else:
        try:
            validate_email(row.email)
        except DjangoValidationError:
            row.error("email", f"“{row.email}” is not a valid email address.")
    if len(row.full_name) > 200:
        row.error("full_name", "The name is longer than 200 characters.")


def _rows_check(rows: list[RosterRow]) -> dict[str, int]:
    """Check each row on its own and mark repeated addresses; returns each address's line."""
    first_line: dict[str, int] = {}
    for row in rows:
        _row_check(row)
        if row.email and not row.errors:
            if row.email in first_line:
                row.error("email", f"Duplicate of line {first_line[row.email]}.")
            else:
                first_line[row.email] = row.line
    return first_line


def _accounts_by_email(emails: list[str]) -> dict[str, list[UserModel]]:
    """The accounts using each address (any case), in one query."""
    User = get_user_model()
    users: dict[str, list[UserModel]] = {}
    for account in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails):
        users.setdefault(account.email_lower, []).append(account)
    return users


def _row_new_account(row: RosterRow) -> None:
    """Decide a row whose address has no account: invite them, given a name."""
    if not row.full_name:
        row.error("full_name", "A full name is needed to create an account.")
    else:
        row.action, row.note = "invite", "New account: an invitation will be e-mailed."


def _row_existing_account(
    row: RosterRow, cohort: Cohort, user: UserModel, enrolment: Enrolment | None
) -> None:
    """Decide a row whose address is an account's, from that account's enrolment."""
    row.user_id = user.pk
    row.full_name = user.get_full_name()
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


def _roster_plan(cohort: Cohort, rows: list[RosterRow]) -> RosterPlan:
    """Check every row and decide what it would do, in a fixed number of queries."""
    first_line = _rows_check(rows)
    users = _accounts_by_email(list(first_line))
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
        elif not matches:
            _row_new_account(row)
        else:
            _row_existing_account(row, cohort, matches[0], enrolments.get(matches[0].pk))
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
    invite = [r for r in plan.rows if r.action == "invite" and not r.errors]
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

    # Every such row has its account by now: the `is not None` only narrows the type.
    joining = [
        r.user_id
        for r in plan.rows
        if r.action in ("invite", "add") and not r.errors and r.user_id is not None
    ]
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
    invited = [r.user_id for r in invite if r.user_id is not None]  # all of them, as above
    for user_id in invited:
        enqueue(SEND_COHORT_INVITATION, cohort.id, user_id)


def cohort_roster_preview(*, actor: UserModel, cohort: Cohort, data: bytes) -> RosterPlan:
    """What importing this roster would do, row by row. Writes nothing."""
    require_director(actor, cohort)
    require_open_course(cohort)
    return _roster_plan(cohort, _roster_read(data))


@transaction.atomic
def cohort_roster_import(
    *, actor: UserModel, cohort: Cohort, data: bytes, valid_only: bool = False
) -> RosterPlan:
    """Add every learner of a roster, or none: one bad row refuses the whole file.

    With `valid_only` the valid lines are added and the others are not; the plan that comes
    back lists them (`error_rows`), each with why, so none goes unmentioned. A roster with no
    valid line to add is still refused.
    """
    require_director(actor, cohort)
    require_open_course(cohort)
    # Checked again at confirmation: the cohort may have changed since the preview.
    plan = _roster_plan(cohort, _roster_read(data))
    if valid_only and not plan.is_valid:
        if not plan.joining:
            raise ApplicationError(
                "No line of the roster adds a learner: nobody was added.",
                code="roster_invalid",
                details=plan.error_details(),
            )
        _roster_apply(cohort, plan)
        return plan
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
def cohort_learner_add(
    *, actor: UserModel, cohort: Cohort, email: str, full_name: str = ""
) -> RosterRow:
    """Add one learner by e-mail address; an unknown address gets an account and an invitation."""
    require_director(actor, cohort)
    require_open_course(cohort)
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
