"""What a director does about what they see: reminders, due-date extensions, a new learner's
grace period, valid rows of a roster, filtered exports and the certificate job's account."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.cohorts.selectors.dashboard import cohort_progress
from courses.cohorts.services.exports import cohort_export_build, cohort_export_request
from courses.cohorts.services.extensions import (
    due_date_extension_grant,
    due_date_extension_remove,
)
from courses.cohorts.services.reminders import learner_reminder_deliver, learner_reminder_request
from courses.cohorts.services.rosters import cohort_roster_import
from courses.models import (
    CohortExportFilter,
    CohortInvitation,
    DueDateExtension,
    Enrolment,
    LearnerReminder,
    ModuleDueDate,
)
from courses.selectors.due_dates import NEW_LEARNER_GRACE_DAYS
from lms.errors import ApplicationError, Conflict, PermissionDenied
from tasks.enqueue import SEND_COHORT_INVITATION, SEND_LEARNER_REMINDER
from tasks.reminders import send_learner_reminder, sweep_learner_reminders
from tests.cohorts import add_learners, days_ago, set_progress
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def overdue(cohort):
    """Module 1 was due a month ago, module 2 is due next month; three residents who joined
    when the cohort started, active yesterday, none of whom passed module 1."""
    today = timezone.localdate()
    m1, m2 = cohort.course.modules.order_by("position")
    ModuleDueDate.objects.create(cohort=cohort, module=m1, due_on=today - timedelta(days=30))
    ModuleDueDate.objects.create(cohort=cohort, module=m2, due_on=today + timedelta(days=30))
    enrolments = add_learners(cohort, 3)
    Enrolment.objects.filter(cohort=cohort).update(enrolled_at=days_ago(120))
    for enrolment in enrolments:
        set_progress(enrolment, m1, status="in_progress", activity=days_ago(1))
    return enrolments, m1, m2


def _row(cohort, enrolment):
    progress = cohort_progress(cohort=cohort, only_user_id=enrolment.user_id)
    return progress.learners[0]


# --- reminders ----------------------------------------------------------------------------------


def test_a_reminder_is_recorded_and_sent_by_name_after_commit(
    director, cohort, overdue, sends, django_capture_on_commit_callbacks
):
    (amara, *_), _, _ = overdue
    with django_capture_on_commit_callbacks(execute=True):
        reminder = learner_reminder_request(actor=director, cohort=cohort, user_id=amara.user_id)

    sends[SEND_LEARNER_REMINDER].assert_called_once_with(reminder.id)
    assert reminder.sent_by == director
    assert reminder.sent_at is None
    lines = reminder.modules.splitlines()
    assert lines[0].startswith("Module 1: Module 1 (overdue: due ")
    assert lines[1].startswith("Module 2: Module 2 (due ")


def test_the_reminder_e_mail_has_text_and_html_parts_from_the_director(
    director, cohort, overdue, settings
):
    settings.SITE_URL = "https://lms.example.org"
    director.email = "okafor@hospital.example.org"
    director.save()
    (amara, *_), _, _ = overdue
    reminder = learner_reminder_request(actor=director, cohort=cohort, user_id=amara.user_id)

    assert send_learner_reminder.run(reminder.id) is None
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == [amara.user.email]
    assert message.reply_to == ["okafor@hospital.example.org"]
    assert cohort.course.title in message.subject
    assert "Dear Amara Nwosu," in message.body
    assert "Dr. Samuel Okafor, your program director for PGY-1 residents 2026" in message.body
    assert "- Module 1: Module 1 (overdue: due " in message.body
    assert f"https://lms.example.org/courses/{cohort.course.slug}/" in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(html, str)
    assert "<li>Module 1: Module 1 (overdue: due " in html
    assert f'href="https://lms.example.org/courses/{cohort.course.slug}/"' in html
    reminder.refresh_from_db()
    assert reminder.sent_at is not None

    # Delivered once: a redelivered message sends nothing more.
    assert learner_reminder_deliver(reminder_id=reminder.id) is False
    assert len(mail.outbox) == 1


def test_a_second_reminder_within_a_day_is_refused_with_when_the_next_may_go(
    director, other_director, cohort, overdue, unchanged
):
    cohort.directors.add(other_director)
    (amara, *_), _, _ = overdue
    learner_reminder_request(actor=director, cohort=cohort, user_id=amara.user_id)

    error = unchanged(
        lambda: learner_reminder_request(
            actor=other_director, cohort=cohort, user_id=amara.user_id
        ),
        error=Conflict,
        code="reminder_too_soon",
    )
    assert "One reminder a day at most: the next can be sent from" in error.message

    # A day later it may go again.
    LearnerReminder.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    learner_reminder_request(actor=other_director, cohort=cohort, user_id=amara.user_id)
    assert LearnerReminder.objects.count() == 2


def test_no_reminder_for_a_learner_who_completed_or_from_an_instructor(
    director, instructor, cohort, overdue, unchanged
):
    (amara, benjamin, _), _, _ = overdue
    Enrolment.objects.filter(pk=amara.pk).update(status="completed", completed_at=days_ago(2))
    unchanged(
        lambda: learner_reminder_request(actor=director, cohort=cohort, user_id=amara.user_id),
        error=ApplicationError,
        code="reminder_not_needed",
    )
    unchanged(
        lambda: learner_reminder_request(actor=instructor, cohort=cohort, user_id=benjamin.user_id),
        error=PermissionDenied,
    )


def test_the_sweeper_sends_again_reminders_whose_message_was_lost(
    director, cohort, overdue, sends, django_capture_on_commit_callbacks
):
    (amara, benjamin, chloe), _, _ = overdue
    lost = learner_reminder_request(actor=director, cohort=cohort, user_id=amara.user_id)
    fresh = learner_reminder_request(actor=director, cohort=cohort, user_id=benjamin.user_id)
    stale = learner_reminder_request(actor=director, cohort=cohort, user_id=chloe.user_id)
    LearnerReminder.objects.filter(pk=lost.pk).update(created_at=days_ago(0) - timedelta(hours=1))
    LearnerReminder.objects.filter(pk=stale.pk).update(created_at=days_ago(2))
    assert fresh.sent_at is None

    with django_capture_on_commit_callbacks(execute=True):
        sweep_learner_reminders.run()

    sends[SEND_LEARNER_REMINDER].assert_called_once_with(lost.id)


def test_the_learner_page_sends_a_reminder_and_shows_when_the_last_went(
    as_user, director, cohort, overdue, sends, django_capture_on_commit_callbacks
):
    (amara, *_), _, _ = overdue
    client = as_user(director)
    url = f"/cohorts/{cohort.id}/learners/{amara.user_id}/"
    page = client.get(url)
    assert "Send a reminder" in page.text
    assert "No reminder sent yet." in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}reminder/", follow=True)

    assert response.status_code == 200
    assert f"Reminder sent to {amara.user.email} about 2 unfinished modules." in response.text
    assert "Last reminder: " in response.text
    assert "(being sent)" in response.text
    assert "One reminder a day at most: the next can be sent from" in response.text
    (reminder_id,) = sends[SEND_LEARNER_REMINDER].call_args.args
    learner_reminder_deliver(reminder_id=reminder_id)
    assert len(mail.outbox) == 1
    assert "(delivered)" in client.get(url).text

    again = client.post(f"{url}reminder/", follow=True)
    assert "was already sent a reminder on" in again.text
    assert LearnerReminder.objects.count() == 1


# --- due-date extensions --------------------------------------------------------------------------


def test_an_extension_is_the_learners_due_date_for_overdue_and_at_risk(director, cohort, overdue):
    (amara, benjamin, _), m1, _ = overdue
    today = timezone.localdate()
    before = _row(cohort, amara)
    assert before.cells[0].status == "overdue"
    assert [r.code for r in before.risks] == ["overdue"]

    due_date_extension_grant(
        actor=director,
        cohort=cohort,
        user_id=amara.user_id,
        module_id=m1.id,
        due_on=today + timedelta(days=10),
        reason="Parental leave in October",
    )

    progress = cohort_progress(cohort=cohort)
    rows = {r.enrolment_id: r for r in progress.learners}
    assert rows[amara.pk].cells[0].status == "in_progress"
    assert rows[amara.pk].risks == []
    assert rows[amara.pk].extended_due == {m1.id: today + timedelta(days=10)}
    assert rows[benjamin.pk].cells[0].status == "overdue"  # only Amara's date moved
    assert progress.modules[0].overdue == 2
    assert {r.enrolment_id for r in progress.at_risk} == {benjamin.pk, overdue[0][2].pk}

    # Past the extended date the module is overdue again, and says which date passed.
    later = cohort_progress(
        cohort=cohort, today=today + timedelta(days=11), only_user_id=amara.user_id
    ).learners[0]
    assert later.cells[0].status == "overdue"
    assert later.risks[0].message.startswith("Overdue: Module 1 (extended to ")

    # Taken back, the cohort's date applies again.
    assert due_date_extension_remove(
        actor=director, cohort=cohort, user_id=amara.user_id, module_id=m1.id
    )
    assert _row(cohort, amara).cells[0].status == "overdue"


def test_an_extension_must_be_later_than_the_cohorts_date_and_within_the_cohort(
    director, instructor, cohort, overdue, unchanged
):
    (amara, *_), m1, m2 = overdue
    today = timezone.localdate()
    cohort_due = today - timedelta(days=30)
    for module, due_on in (
        (m2, today + timedelta(days=29)),  # before the cohort's own due date
        (m1, today - timedelta(days=1)),  # later than the cohort's date, but in the past
        (m1, cohort.end_date + timedelta(days=1)),
    ):
        unchanged(
            lambda module=module, due_on=due_on: due_date_extension_grant(
                actor=director,
                cohort=cohort,
                user_id=amara.user_id,
                module_id=module.id,
                due_on=due_on,
            ),
            error=ApplicationError,
            code="invalid_extension",
        )
    assert cohort_due < today
    unchanged(
        lambda: due_date_extension_grant(
            actor=instructor,
            cohort=cohort,
            user_id=amara.user_id,
            module_id=m1.id,
            due_on=today + timedelta(days=5),
        ),
        error=PermissionDenied,
    )


def test_the_learner_page_grants_an_extension_and_shows_it(as_user, director, cohort, overdue):
    (amara, *_), m1, _ = overdue
    client = as_user(director)
    url = f"/cohorts/{cohort.id}/learners/{amara.user_id}/"
    new_date = timezone.localdate() + timedelta(days=10)

    response = client.post(
        f"{url}extensions/",
        {"module": m1.id, "due_on": new_date.isoformat(), "reason": "Night rotation"},
        follow=True,
    )

    assert response.status_code == 200
    assert f"Module 1 is now due on {new_date:%-d %B %Y} for Amara Nwosu." in response.text
    assert "extended</span>" in response.text
    assert "Night rotation" in response.text
    extension = DueDateExtension.objects.get()
    assert (extension.granted_by, extension.due_on) == (director, new_date)

    refused = client.post(
        f"{url}extensions/", {"module": m1.id, "due_on": "2026-01-01", "reason": ""}
    )
    assert refused.status_code == 400
    assert "an extension must be later than that" in refused.text

    client.post(f"{url}extensions/", {"remove": m1.id})
    assert not DueDateExtension.objects.exists()


def test_the_dashboard_stays_at_eight_queries_with_extensions(
    director, cohort, overdue, django_assert_num_queries
):
    _, m1, _ = overdue
    more = add_learners(cohort, 40, prefix="late")
    Enrolment.objects.filter(cohort=cohort).update(enrolled_at=days_ago(120))
    for enrolment in more:
        set_progress(enrolment, m1, status="in_progress", activity=days_ago(1))
    for enrolment in more[::3]:
        DueDateExtension.objects.create(
            enrolment=enrolment, module=m1, due_on=timezone.localdate() + timedelta(days=5)
        )
    with django_assert_num_queries(8):
        progress = cohort_progress(cohort=cohort)
    assert len(progress.at_risk) == 43 - len(more[::3])


# --- a newly added learner ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined_days_ago", "at_risk"),
    [(0, False), (NEW_LEARNER_GRACE_DAYS - 1, False), (NEW_LEARNER_GRACE_DAYS, True)],
)
def test_a_new_learner_is_not_at_risk_for_overdue_modules_during_their_grace_period(
    cohort, overdue, joined_days_ago, at_risk
):
    (amara, *_), _, _ = overdue
    Enrolment.objects.filter(pk=amara.pk).update(enrolled_at=days_ago(joined_days_ago))

    row = _row(cohort, amara)

    assert row.at_risk is at_risk
    assert (row.cells[0].status == "overdue") is at_risk
    if at_risk:
        assert row.grace_until is None
    else:
        joined = timezone.localdate() - timedelta(days=joined_days_ago)
        assert row.grace_until == joined + timedelta(days=NEW_LEARNER_GRACE_DAYS - 1)


def test_a_new_learner_who_failed_the_last_attempt_is_still_at_risk(cohort, overdue):
    (amara, *_), m1, _ = overdue
    Enrolment.objects.filter(pk=amara.pk).update(enrolled_at=days_ago(1))
    set_progress(amara, m1, status="failed", best=40, attempts=1, last_passed=False,
                 activity=days_ago(1))  # fmt: skip

    assert [r.code for r in _row(cohort, amara).risks] == ["failed_last_attempt"]


def test_the_learner_page_says_a_new_learner_has_a_grace_period(as_user, director, cohort, overdue):
    (amara, *_), _, _ = overdue
    Enrolment.objects.filter(pk=amara.pk).update(enrolled_at=days_ago(2))
    page = as_user(director).get(f"/cohorts/{cohort.id}/learners/{amara.user_id}/")
    until = timezone.localdate() + timedelta(days=NEW_LEARNER_GRACE_DAYS - 3)
    assert (
        f"Joined less than {NEW_LEARNER_GRACE_DAYS} days ago: no module counts as overdue for "
        f"them until after {until:%-d %B %Y}."
    ) in page.text


# --- a roster's valid rows -------------------------------------------------------------------

BAD_ROSTER = (
    "email,full_name",
    "amara@hospital.example.org,Amara Nwosu",
    "not-an-address,Benjamin Cohen",
    "chloe@hospital.example.org,Chloé Dubois",
    "amara@hospital.example.org,Amara Nwosu",
    "daniel@hospital.example.org,Daniel Kim,PGY-1",
)


def _roster(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_importing_the_valid_rows_invites_them_and_says_which_lines_were_left_out(
    director, cohort, sends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = cohort_roster_import(
            actor=director, cohort=cohort, data=_roster(*BAD_ROSTER), valid_only=True
        )

    assert sorted(
        CohortInvitation.objects.filter(cohort=cohort, status="invited").values_list(
            "email", flat=True
        )
    ) == ["amara@hospital.example.org", "chloe@hospital.example.org"]
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    assert plan.joining == 2
    assert [(r.line, r.messages) for r in plan.error_rows] == [
        (3, ["“not-an-address” is not a valid email address."]),
        (5, ["Duplicate of line 2."]),
        (6, ["This line has 3 fields; the header has 2."]),
    ]
    assert sends[SEND_COHORT_INVITATION].call_count == 2


def test_without_valid_only_one_bad_row_still_refuses_the_file(director, cohort, unchanged):
    unchanged(
        lambda: cohort_roster_import(actor=director, cohort=cohort, data=_roster(*BAD_ROSTER)),
        error=ApplicationError,
        code="roster_invalid",
    )


def test_a_roster_with_no_valid_row_is_refused_even_with_valid_only(director, cohort, unchanged):
    unchanged(
        lambda: cohort_roster_import(
            actor=director,
            cohort=cohort,
            data=_roster("email,full_name", "nobody@,No One"),
            valid_only=True,
        ),
        error=ApplicationError,
        code="roster_invalid",
    )


def test_the_preview_offers_to_import_the_valid_rows_and_the_result_lists_the_others(
    as_user, director, cohort, sends
):
    client = as_user(director)
    upload = SimpleUploadedFile("roster.csv", _roster(*BAD_ROSTER), "text/csv")
    preview = client.post(f"/cohorts/{cohort.id}/learners/preview/", {"roster": upload})
    assert "Import the 2 valid rows" in preview.text
    assert not Enrolment.objects.exists()

    form = preview.context["valid_only_form"]
    result = client.post(
        f"/cohorts/{cohort.id}/learners/import/",
        {"roster_text": form.initial["roster_text"], "valid_only": "True"},
    )

    assert result.status_code == 200
    assert "2 learners invited by e-mail: they join the cohort once they accept." in result.text
    assert "3 lines of the roster were not imported:" in result.text
    assert "Line 3 (not-an-address): “not-an-address” is not a valid email address." in result.text
    assert "Line 5 (amara@hospital.example.org): Duplicate of line 2." in result.text
    assert "Line 6 (daniel@hospital.example.org): This line has 3 fields" in result.text
    assert CohortInvitation.objects.filter(cohort=cohort).count() == 2


def test_the_api_imports_the_valid_rows_with_valid_only(director, cohort, sends):
    client = api_client_for(director)
    upload = SimpleUploadedFile("roster.csv", _roster(*BAD_ROSTER), "text/csv")

    response = client.post(
        f"/api/v1/cohorts/{cohort.id}/learners/import/",
        {"file": upload, "valid_only": "true"},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["valid"], body["imported"], body["invited"]) == (False, True, 2)
    assert [(r["line"], r["errors"]) for r in body["not_imported"]] == [
        (3, ["“not-an-address” is not a valid email address."]),
        (5, ["Duplicate of line 2."]),
        (6, ["This line has 3 fields; the header has 2."]),
    ]
    assert CohortInvitation.objects.filter(cohort=cohort).count() == 2


# --- exports with the dashboard's filter ----------------------------------------------------


def _export_rows(export) -> list[list[str]]:
    import csv
    import io

    with export.file.open("rb") as f:
        return list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"))))


def test_an_export_applies_the_dashboards_filter_and_says_so_in_the_file(
    director, cohort, overdue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    (_, _, chloe), m1, _ = overdue
    # Chloé passed module 1: she is not at risk; Amara and Benjamin are (overdue).
    set_progress(chloe, m1, status="passed", best=90, attempts=1, last_passed=True,
                 passed_at=days_ago(5), activity=days_ago(5))  # fmt: skip

    export = cohort_export_request(
        actor=director, cohort=cohort, kind="matrix", format="csv", show="at_risk", sort="-name"
    )
    cohort_export_build(export_id=export.id)
    export.refresh_from_db()

    rows = _export_rows(export)
    assert rows[0] == [
        "Filter: Show: At risk; sorted by Name (descending). 2 of 3 learners, as on the "
        f"dashboard on {timezone.localdate():%-d %B %Y}."
    ]
    assert rows[1][:2] == ["Learner", "Email"]
    assert [r[0] for r in rows[2:]] == ["Benjamin Cohen", "Amara Nwosu"]
    assert "-filtered-" in str(export.file.name)


def test_a_searched_attempts_export_holds_only_the_matching_learners(
    director, cohort, overdue, settings, tmp_path
):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path
    export = cohort_export_request(
        actor=director, cohort=cohort, kind="matrix", format="xlsx", q="chloe"
    )
    cohort_export_build(export_id=export.id)
    export.refresh_from_db()

    with export.file.open("rb") as f:
        sheet = load_workbook(f)["Progress matrix"]
        values = list(sheet.iter_rows(values_only=True))
    assert str(values[0][0]).startswith(
        "Filter: Show: All learners; search (name or e-mail): “chloe”"
    )
    assert values[1][0] == "Learner"
    assert [v[0] for v in values[2:]] == ["Chloé Dubois"]


def test_an_unfiltered_export_is_the_whole_cohort_as_before(
    director, cohort, overdue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Sorting the page is no filter: the file is every learner by name, as it always was.
    export = cohort_export_request(
        actor=director, cohort=cohort, kind="matrix", format="csv", sort="-progress"
    )
    cohort_export_build(export_id=export.id)
    export.refresh_from_db()
    rows = _export_rows(export)
    assert rows[0][:2] == ["Learner", "Email"]
    assert [r[0] for r in rows[1:]] == ["Amara Nwosu", "Benjamin Cohen", "Chloé Dubois"]
    assert not CohortExportFilter.objects.exists()


def test_an_unknown_filter_is_refused(director, cohort, unchanged):
    unchanged(
        lambda: cohort_export_request(
            actor=director, cohort=cohort, kind="matrix", format="csv", show="everyone"
        ),
        error=ApplicationError,
    )


def test_the_dashboards_export_form_carries_the_filter(as_user, director, cohort, overdue, sends):
    client = as_user(director)
    page = client.get(f"/cohorts/{cohort.id}/?q=amara&show=at_risk&sort=-progress")
    assert '<input type="hidden" name="show" value="at_risk"' in page.text
    assert '<input type="hidden" name="q" value="amara"' in page.text
    assert "Exports apply the filter of the learners' list above" in page.text

    response = client.post(
        f"/cohorts/{cohort.id}/exports/",
        {"kind": "matrix", "format": "csv", "q": "amara", "show": "at_risk", "sort": "-progress"},
        headers={"HX-Request": "true"},
    )
    assert "Filtered: At risk, search “amara”" in response.text
    chosen = CohortExportFilter.objects.get()
    assert (chosen.q, chosen.show, chosen.sort) == ("amara", "at_risk", "-progress")


def test_the_api_export_takes_the_same_filter(director, cohort, overdue, sends):
    response = api_client_for(director).post(
        f"/api/v1/cohorts/{cohort.id}/exports/",
        {"kind": "attempts", "format": "csv", "show": "overdue"},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["filter"] == {"q": "", "show": "overdue", "sort": "name"}


# --- the cohort's certificate job ---------------------------------------------------------------


@pytest.fixture
def credit_cohort(cohort):
    """A course that awards credit; 15 residents completed it without claiming, 2 still study."""
    from certificates.models import CertificateBatch  # noqa: F401  (the app's models load)

    course = cohort.course
    course.credit_type = "ama_pra_1"
    course.max_credits = Decimal("2.00")
    course.save()
    enrolments = add_learners(cohort, 17)
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[:15]]).update(
        status="completed", completed_at=days_ago(3)
    )
    return cohort


def test_a_job_that_included_nobody_says_what_it_did_and_why(as_user, director, credit_cohort):
    from certificates.models import CertificateBatch
    from certificates.services.batches import certificate_batch_create, certificate_batch_run

    batch = certificate_batch_create(user=director, cohort=credit_cohort, kind="issue")
    certificate_batch_run(batch_id=batch.id)

    client = as_user(director)
    for html in (
        client.get(f"/certificate-batches/{batch.id}/progress/").text,
        client.get(f"/cohorts/{credit_cohort.id}/certificates/").text,
    ):
        assert "0 of 0 done" not in html
        assert (
            "Nobody was included: no learner was waiting for a certificate the job could issue."
        ) in html
        assert (
            "15 learners have completed but have not claimed their credit yet; certificates "
            "are issued once they claim."
        ) in html
        assert "2 learners have not completed the course yet." in html
    assert CertificateBatch.objects.get().status == "done"


def test_a_job_that_issued_certificates_counts_them(director, credit_cohort):
    from certificates.models import CertificateBatch, CreditClaim
    from certificates.selectors.batches import batch_outcome, cohort_certificate_standing

    first = Enrolment.objects.filter(cohort=credit_cohort, status="completed").first()
    assert first is not None
    CreditClaim.objects.create(enrolment=first, credits="2.00")
    batch = CertificateBatch(
        cohort=credit_cohort, kind="issue", status="done", total=1, succeeded=1
    )
    standing = cohort_certificate_standing(cohort=credit_cohort)
    assert (standing.learners, standing.to_issue, standing.awaiting_claim) == (17, 1, 14)

    outcome = batch_outcome(batch, standing)

    assert outcome.done == "Issued 1 certificate."
    assert outcome.left_out[0].startswith("14 learners have completed but have not claimed")


def test_re_rendering_asks_for_confirmation_first_without_javascript(
    as_user, director, credit_cohort
):
    from certificates.models import CertificateBatch

    client = as_user(director)
    url = f"/cohorts/{credit_cohort.id}/certificates/batches/"

    asked = client.post(url, {"kind": "rerender"})

    assert asked.status_code == 200
    assert "Re-render 0 ready certificates?" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    assert not CertificateBatch.objects.exists()

    client.post(url, {"kind": "rerender", "confirm": "yes"})
    assert CertificateBatch.objects.get().kind == "rerender"


def test_the_rerender_button_asks_in_a_dialog_with_htmx(as_user, director, credit_cohort):
    html = as_user(director).get(f"/cohorts/{credit_cohort.id}/certificates/").text
    assert 'hx-confirm="Re-render all 0 ready certificates of PGY-1 residents 2026?' in html
    assert 'hx-vals=\'{"confirm": "yes"}\'' in html


def test_the_dashboard_links_to_the_cohorts_certificates(as_user, director, cohort):
    html = as_user(director).get(f"/cohorts/{cohort.id}/").text
    assert f'href="/cohorts/{cohort.id}/certificates/">Certificates</a>' in html
