"""The regrade's dry run in headless Chromium: from the quiz builder, the table of whose grades
would change, the confirmation, the progress bar polled until done, and who now falls short;
the dry run page also at a phone's width, scanned by axe-core."""

from unittest import mock

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import GradeChange, RegradeJob
from quizzes.services import regrade as regrade_services
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from quizzes.services.regrade import regrade_job_run
from tasks.enqueue import RUN_REGRADE_JOB
from tests.browser.test_accessibility import Findings, check
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course, enrol, right_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz_answered():
    """Two residents answered every question right; the first question's key is then
    changed (its third choice is right), so both would drop to 2 of 3."""
    course = build_course(modules=1, questions=3, title="Leading Rounds")
    quiz = course.modules.get().quizzes.get()
    quiz.pass_mark_percent = 70
    quiz.save(update_fields=["pass_mark_percent"])
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    for username, name in (("maya", "Maya Okafor"), ("li", "Li Wei")):
        learner = UserFactory(username=username, full_name=name)
        enrol(learner, course)
        attempt, _ = attempt_start(user=learner, quiz=quiz)
        attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
        attempt_grade(attempt_id=attempt.id)
    first = quiz.slots.order_by("position")[0].question
    first.choices.filter(position=1).update(fraction=0)
    first.choices.filter(position=3).update(fraction=1)
    return quiz


def test_the_dry_run_then_the_regrade_with_its_progress_and_who_falls_short(
    page: Page, quiz_answered, artifacts_dir
):
    quiz = quiz_answered
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz.id}/")
    page.get_by_role("link", name="Regrade").click()
    expect(page.get_by_role("heading", name=f"Regrade: {quiz.title}")).to_be_visible()

    page.get_by_label("What to regrade").select_option(
        label=f"Question 1: {quiz.slots.get(position=1).question}"
    )
    page.get_by_role("button", name="Show whose grades would change").click()

    expect(page.get_by_role("status")).to_contain_text(
        "2 graded attempts checked; 2 would change, 2 of them from pass to fail"
    )
    table = page.get_by_role("region", name="Grades that would change")
    for name in ("Maya Okafor", "Li Wei"):
        row = table.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text("3.00 (100.00%)")
        expect(row).to_contain_text("2.00 (66.67%)")
        expect(row).to_contain_text("Pass → fail")
    page.screenshot(path=str(artifacts_dir / "regrade-dry-run.png"), full_page=True)
    assert not RegradeJob.objects.exists()
    assert not GradeChange.objects.filter(kind="regrade").exists()

    page.get_by_label("Why (kept in each changed attempt's grade history)").fill(
        "The third choice is right."
    )
    # The job's message is held back (a worker started by another test could take it at
    # once), so the page is seen waiting before this test runs the job.
    with mock.patch.object(regrade_services, "enqueue") as enqueue:
        page.get_by_role("button", name="Regrade 2 attempts").click()
        expect(page.locator(".messages")).to_contain_text("Regrade started.")
    expect(page.locator(".regrade-state")).to_have_text("Waiting for a worker")
    job = RegradeJob.objects.get()
    assert job.reason == "The third choice is right."
    enqueue.assert_called_once_with(RUN_REGRADE_JOB, job.pk)

    regrade_job_run(job_id=job.pk)  # what the worker does; the page finds out by polling

    expect(page.locator(".regrade-state")).to_have_text("Done")
    expect(page.locator(".regrade-outcome")).to_have_text(
        "2 attempts changed: 0 now pass, 2 now fail."
    )
    shortfalls = page.get_by_role("table", name="Who now falls short")
    expect(shortfalls.get_by_role("row")).to_have_count(3)  # the header and two learners
    page.screenshot(path=str(artifacts_dir / "regrade-done.png"), full_page=True)

    shortfalls.get_by_role("row").filter(has_text="Maya Okafor").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Grades: Maya Okafor, attempt 1")).to_be_visible()
    history = page.get_by_role("region", name="Grade history")
    expect(history.get_by_role("row").filter(has_text="Regraded").first).to_contain_text(
        "The third choice is right."
    )


def test_the_dry_run_fits_a_phone_and_passes_axe(browser, live_server, quiz_answered):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    findings = Findings()
    log_in(page, "teacher")
    page.goto(f"/teach/quizzes/{quiz_answered.id}/regrade/?scope=all")
    expect(page.get_by_role("region", name="Grades that would change")).to_be_visible()
    check(page, findings)
    attempt_id = GradeChange.objects.order_by("id").first().attempt_id  # type: ignore[union-attr]
    page.goto(f"/teach/attempts/{attempt_id}/grades/")
    check(page, findings)
    context.close()
    assert not findings.problems, findings.report()
