"""Rosters: learners invited one by one or from a CSV file (previewed first).

Every valid address is invited, whether or not it has an account: the preview, the pages and
the API answer alike for both, so a roster tells a director nothing about who has an account,
their name or their other cohorts. The person joins when they accept
(courses.cohorts.services.invitations).
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User as UserModel
from courses.cohorts.selectors.access import require_director, require_open_course
from courses.cohorts.services.invitations import invitation_secret
from courses.models import (
    Cohort,
    CohortInvitation,
    Enrolment,
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
    action: str = ""  # "invite" or "skip" (in the cohort or invited already); "" on error
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Internal, never shown to the director: the account the address belongs to (None: no
    # account, or several), and whether the import makes one.
    user_id: int | None = None
    new_account: bool = False

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
        """Lines that invite someone to the cohort."""
        return self.count("invite")

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


# The bounds of an account's address and name, from the model's columns: a roster line, the
# single add's form and the API all meet them here.
EMAIL_MAX: int = UserModel._meta.get_field("email").max_length or 254
NAME_MAX: int = UserModel._meta.get_field("full_name").max_length or 200


def _row_check(row: RosterRow) -> None:
    """Record what is wrong with a row on its own: its address and its name."""
    if not row.email:
        row.error("email", "The email address is missing.")
    elif len(row.email) > EMAIL_MAX:
        row.error("email", f"The email address is longer than {EMAIL_MAX} characters.")
    else:
        try:
            validate_email(row.email)
        except DjangoValidationError:
            row.error("email", f"“{row.email}” is not a valid email address.")
    if len(row.full_name) > NAME_MAX:
        row.error("full_name", f"The name is longer than {NAME_MAX} characters.")
    elif any(unicodedata.category(c) == "Cc" for c in row.full_name):
        row.error("full_name", "The name contains a control character (such as a NUL byte).")


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


INVITE_NOTE = "An invitation will be e-mailed; they join the cohort once they accept."


def _row_decide(
    row: RosterRow,
    cohort: Cohort,
    accounts: list[UserModel],
    enrolment: Enrolment | None,
    invitation: CohortInvitation | None,
) -> None:
    """Decide a valid row: invite the address, or skip it when it is in the cohort already or
    invited and not answered yet (both of which the cohort's directors know already).

    An address with an account, with none or with several, deactivated or in another cohort,
    is invited alike: what the director sees never depends on the account behind it.
    """
    if enrolment is not None and enrolment.cohort_id == cohort.id:
        row.action, row.note = "skip", "Already in this cohort."
        return
    if invitation is not None and invitation.status == CohortInvitation.Status.INVITED:
        row.action, row.note = "skip", "Invited already: waiting for their answer."
        return
    row.action, row.note = "invite", INVITE_NOTE
    if len(accounts) == 1:
        row.user_id = accounts[0].pk
    # No account yet, or one an earlier invitation made that was never used: the e-mail
    # asks them to choose a password, which accepts.
    row.new_account = not accounts or (
        len(accounts) == 1
        and accounts[0].last_login is None
        and not accounts[0].has_usable_password()
    )


def _roster_plan(cohort: Cohort, rows: list[RosterRow]) -> RosterPlan:
    """Check every row and decide what it would do, in a fixed number of queries."""
    first_line = _rows_check(rows)
    users = _accounts_by_email(list(first_line))
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.filter(
            course_id=cohort.course_id,
            user_id__in=[u.pk for matches in users.values() for u in matches],
        )
    }
    invitations = {
        i.email: i for i in CohortInvitation.objects.filter(cohort=cohort, email__in=first_line)
    }
    for row in rows:
        if row.errors:
            continue
        matches = users.get(row.email, [])
        enrolment = enrolments.get(matches[0].pk) if len(matches) == 1 else None
        _row_decide(row, cohort, matches, enrolment, invitations.get(row.email))
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


def _roster_apply(cohort: Cohort, plan: RosterPlan, actor: UserModel) -> None:
    """Write a valid plan: accounts for unknown addresses and an invitation per line, in bulk.

    Nobody joins the cohort here: each invitation waits for its person's answer.
    """
    User = get_user_model()
    invite = [r for r in plan.rows if r.action == "invite" and not r.errors]
    new = [r for r in invite if r.new_account and r.user_id is None]
    usernames = _free_usernames([r.email for r in new])
    created = User.objects.bulk_create(
        [
            # No password until they accept the invitation and choose one; a name left out
            # of the roster is asked for then.
            User(username=u, email=r.email, full_name=r.full_name, password=make_password(None))
            for r, u in zip(new, usernames, strict=True)
        ]
    )
    for row, user in zip(new, created, strict=True):
        row.user_id = user.pk

    now = timezone.now()
    answered = {
        i.email: i
        for i in CohortInvitation.objects.select_for_update().filter(
            cohort=cohort, email__in=[r.email for r in invite]
        )
    }
    if any(i.status == CohortInvitation.Status.INVITED for i in answered.values()):
        raise Conflict(
            "Someone on the roster was invited while it was being added; preview it again.",
            code="roster_changed",
        )
    fresh, again = [], []
    for row in invite:
        invitation = answered.get(row.email)
        if invitation is None:
            invitation = CohortInvitation(cohort=cohort, email=row.email)
            fresh.append(invitation)
        else:
            again.append(invitation)  # declined before, or accepted and since moved away
        invitation.user_id = row.user_id
        invitation.new_account = row.new_account
        invitation.token = invitation_secret()
        invitation.status = CohortInvitation.Status.INVITED
        invitation.created_at = now
        invitation.responded_at = None
        invitation.sent_at = None
        invitation.invited_by = actor
    try:
        with transaction.atomic():
            CohortInvitation.objects.bulk_create(fresh)
    except IntegrityError:
        raise Conflict(
            "Someone on the roster was invited while it was being added; preview it again.",
            code="roster_changed",
        ) from None
    CohortInvitation.objects.bulk_update(
        again,
        [
            "user",
            "new_account",
            "token",
            "status",
            "created_at",
            "responded_at",
            "sent_at",
            "invited_by",
        ],
    )
    for invitation in fresh + again:
        enqueue(SEND_COHORT_INVITATION, invitation.pk)


def cohort_roster_preview(*, actor: UserModel, cohort: Cohort, data: bytes) -> RosterPlan:
    """What importing this roster would do, row by row. Writes nothing."""
    require_director(actor, cohort)
    require_open_course(cohort)
    return _roster_plan(cohort, _roster_read(data))


@transaction.atomic
def cohort_roster_import(
    *, actor: UserModel, cohort: Cohort, data: bytes, valid_only: bool = False
) -> RosterPlan:
    """Invite every learner of a roster, or none: one bad row refuses the whole file.

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
                "No line of the roster invites a learner: nobody was invited.",
                code="roster_invalid",
                details=plan.error_details(),
            )
        _roster_apply(cohort, plan, actor)
        return plan
    if not plan.is_valid:
        bad = len(plan.error_rows)
        raise ApplicationError(
            f"{bad} line{'s' if bad != 1 else ''} of the roster need{'s' if bad == 1 else ''} "
            "correcting; nobody was invited.",
            code="roster_invalid",
            details=plan.error_details(),
        )
    _roster_apply(cohort, plan, actor)
    return plan


@transaction.atomic
def cohort_learner_add(
    *, actor: UserModel, cohort: Cohort, email: str, full_name: str = ""
) -> RosterRow:
    """Invite one learner by e-mail address; an unknown address also gets an account."""
    require_director(actor, cohort)
    require_open_course(cohort)
    row = RosterRow(line=1, email=(email or "").strip().lower(), full_name=_clean_name(full_name))
    plan = _roster_plan(cohort, [row])
    if row.errors:
        raise ApplicationError(row.messages[0], code="invalid", details=row.errors)
    if row.action == "skip" and row.note == "Already in this cohort.":
        raise Conflict(f"{row.email} is already in this cohort.", code="already_in_cohort")
    if row.action == "skip":
        raise Conflict(
            f"{row.email} has been invited already and has not answered yet.",
            code="already_invited",
        )
    _roster_apply(cohort, plan, actor)
    return row
