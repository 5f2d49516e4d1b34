"""Regrading: the dry run writes nothing; the job rescored every affected attempt with the
grading rules, writes history, moves progress, keeps certificates and resumes where it
stopped."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.models import Enrolment, ModuleProgress
from lms.errors import NotFound, PermissionDenied
from quizzes.models import Attempt, AttemptQuestion, Choice, GradeChange, Question, RegradeJob
from quizzes.selectors.regrade import regrade_jobs_stuck, regrade_shortfalls
from quizzes.services import regrade as regrade_services
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import question_update
from quizzes.services.grading import attempt_grade, attempt_question_grade
from quizzes.services.regrade import regrade_job_run, regrade_preview, regrade_request
from tasks.enqueue import RUN_REGRADE_JOB
from tasks.regrade import sweep_stuck_regrades
from tests.api.helpers import complete_course, sent_tasks
from tests.factories import UserFactory, enrol
from tests.quizzes.builders import essay

pytestmark = pytest.mark.django_db


def _questions(quiz) -> list[Question]:
    return [slot.question for slot in quiz.slots.select_related("question").order_by("position")]


def _answer(user, quiz, positions: list[int], extra: dict | None = None) -> Attempt:
    """An attempt choosing, for each question in order, the choice at that position; graded."""
    attempt, _ = attempt_start(user=user, quiz=quiz)
    responses: dict[int, object] = {
        q.id: {"choice_ids": [q.choices.get(position=p).id]}
        for q, p in zip(_questions(quiz), positions, strict=False)
    }
    responses.update(extra or {})
    attempt_submit(user=user, attempt_id=attempt.id, responses=responses)
    attempt_grade(attempt_id=attempt.id)
    attempt.refresh_from_db()
    return attempt


def _key(instructor, quiz, question: Question, right: int, **fields) -> None:
    """Make the choice at position `right` the one that earns the points."""
    answers = [
        {"text": c.text, "fraction": 1 if c.position == right else 0, "feedback": c.feedback}
        for c in question.choices.order_by("position")
    ]
    question_update(actor=instructor, quiz=quiz, question=question, answers=answers, **fields)


def _current(question: Question) -> Question:
    """The question's current version: editing an answered question makes a new one, to
    which a regrade moves the attempts."""
    while (later := Question.objects.filter(previous=question).first()) is not None:
        question = later
    return question


@pytest.fixture
def cohort(course):
    """Three learners: one right on every question, one wrong on the first only, one wrong
    on the first two (choosing the second choice each time)."""
    people = [UserFactory(full_name=name) for name in ("Ana Right", "Ben Close", "Cleo Low")]
    for person in people:
        enrol(person, course)
    return people


def _graded(quiz, cohort) -> list[Attempt]:
    return [
        _answer(cohort[0], quiz, [1, 1, 1]),
        _answer(cohort[1], quiz, [2, 1, 1]),
        _answer(cohort[2], quiz, [2, 2, 1]),
    ]


def test_the_dry_run_lists_whose_grades_change_and_writes_nothing(
    instructor, quiz, cohort, django_capture_on_commit_callbacks
):
    ana, ben, cleo = _graded(quiz, cohort)
    assert (ben.percent, ben.passed, cleo.passed) == (Decimal("66.67"), True, False)
    first = _questions(quiz)[0]
    _key(instructor, quiz, first, right=2)  # the key said 1; 2 is right
    history = GradeChange.objects.count()

    with django_capture_on_commit_callbacks() as callbacks:
        preview = regrade_preview(actor=instructor, quiz=quiz, question_id=first.id)

    assert preview.checked == 3
    rows = {row.attempt.pk: row for row in preview.rows}
    assert set(rows) == {ana.pk, ben.pk, cleo.pk}
    assert (rows[ana.pk].old.percent, rows[ana.pk].new.percent) == (
        Decimal("100.00"),
        Decimal("66.67"),
    )
    assert rows[ana.pk].flip == ""  # 66.67 still passes the 60% mark
    assert (rows[ben.pk].new.score, rows[ben.pk].flip) == (Decimal("3.00"), "")
    assert (rows[cleo.pk].new.percent, rows[cleo.pk].flip) == (Decimal("66.67"), "fail_to_pass")
    assert preview.flips == 1
    assert callbacks == []
    assert GradeChange.objects.count() == history
    assert list(Attempt.objects.order_by("pk").values_list("percent", flat=True)) == [
        Decimal("100.00"),
        Decimal("66.67"),
        Decimal("33.33"),
    ]


def test_the_job_regrades_writes_history_and_progress_follows(
    instructor, quiz, cohort, django_capture_on_commit_callbacks
):
    _ana, _ben, cleo = _graded(quiz, cohort)
    progress = ModuleProgress.objects.get(enrolment__user=cohort[2], module=quiz.module)
    assert progress.status == ModuleProgress.Status.FAILED
    first = _questions(quiz)[0]
    _key(instructor, quiz, first, right=2)

    with django_capture_on_commit_callbacks() as callbacks:
        job = regrade_request(
            actor=instructor, quiz=quiz, question_id=first.id, reason="Choice B is right."
        )
    assert sent_tasks(callbacks) == [(RUN_REGRADE_JOB, (job.pk,))]
    assert job.status == RegradeJob.Status.PENDING

    done = regrade_job_run(job_id=job.pk)

    assert done is not None
    assert (done.status, done.total, done.done) == ("done", 3, 3)
    cleo.refresh_from_db()
    assert (cleo.score, cleo.percent, cleo.passed) == (Decimal("2.00"), Decimal("66.67"), True)
    total_row = GradeChange.objects.get(attempt=cleo, question__isnull=True, kind="regrade")
    assert (total_row.old_passed, total_row.new_passed, total_row.changed_by) == (
        False,
        True,
        instructor,
    )
    assert total_row.reason == "Choice B is right."
    assert total_row.regrade_job == done
    question_row = GradeChange.objects.get(attempt=cleo, question=_current(first), kind="regrade")
    assert (question_row.old_score, question_row.new_score) == (Decimal("0.00"), Decimal("1.00"))
    progress.refresh_from_db()
    # The quiz now passes; the module waits for its lesson to be read.
    assert progress.status == ModuleProgress.Status.IN_PROGRESS
    assert progress.score_percent == Decimal("66.67")


def test_running_the_job_twice_changes_nothing_the_second_time(instructor, quiz, cohort):
    _graded(quiz, cohort)
    first = _questions(quiz)[0]
    _key(instructor, quiz, first, right=2)
    job = regrade_request(actor=instructor, quiz=quiz)
    regrade_job_run(job_id=job.pk)
    rows = GradeChange.objects.count()

    RegradeJob.objects.filter(pk=job.pk).update(status="pending", last_attempt_id=0, done=0)
    again = regrade_job_run(job_id=job.pk)

    assert again is not None and again.status == "done"
    assert GradeChange.objects.count() == rows
    assert regrade_job_run(job_id=job.pk) == again  # a finished job is not claimed


def test_a_changed_points_value_rescales_the_attempts(instructor, quiz, cohort):
    _ana, ben, _cleo = _graded(quiz, cohort)
    first = _questions(quiz)[0]
    _key(instructor, quiz, first, right=1, default_points=Decimal("3"))

    regrade_job_run(job_id=regrade_request(actor=instructor, quiz=quiz).pk)

    ben.refresh_from_db()
    assert (ben.score, ben.max_score, ben.percent, ben.passed) == (
        Decimal("2.00"),
        Decimal("5.00"),
        Decimal("40.00"),
        False,
    )
    assert AttemptQuestion.objects.get(attempt=ben, question=_current(first)).points == Decimal("3")


def _new_version(question: Question, *, right: int) -> Question:
    """What editing an answered question makes: a new row replacing it, choices copied (new
    ids, same positions), with the choice at `right` earning the points."""
    choices = list(question.choices.order_by("position"))
    Question.objects.filter(pk=question.pk).update(is_current=False)
    latest = Question.objects.create(
        category=question.category,
        type=question.type,
        name=question.name,
        text=question.text,
        default_points=question.default_points,
        version=question.version + 1,
        previous=question,
    )
    for c in choices:
        Choice.objects.create(
            question=latest,
            position=c.position,
            text=c.text,
            fraction=Decimal(1 if c.position == right else 0),
        )
    question.slots.update(question=latest)
    return latest


def test_attempts_asked_an_earlier_version_move_to_the_current_one(instructor, quiz, cohort):
    _ana, ben, _cleo = _graded(quiz, cohort)
    first = _questions(quiz)[0]
    latest = _new_version(first, right=2)

    preview = regrade_preview(actor=instructor, quiz=quiz, question_id=first.id)
    assert preview.question == latest  # asked by an old version, the current one is regraded
    assert AttemptQuestion.objects.filter(question=latest).count() == 0  # nothing moved yet

    regrade_job_run(job_id=regrade_request(actor=instructor, quiz=quiz, question_id=latest.id).pk)

    item = AttemptQuestion.objects.get(attempt=ben, position=1)
    assert item.question_id == latest.id
    second_choice = latest.choices.get(position=2).id
    assert item.response == {"choice_ids": [second_choice]}
    assert sorted(item.choice_order) == sorted(latest.choices.values_list("id", flat=True))
    assert item.score == Decimal("1.00")
    ben.refresh_from_db()
    assert ben.percent == Decimal("100.00")
    assert GradeChange.objects.get(
        attempt=ben, kind="regrade", question__isnull=False
    ).question == (latest)


def test_a_regrade_never_revokes_a_certificate_and_lists_who_falls_short(
    instructor, learner, course, quiz
):
    enrolment = complete_course(learner, course)
    credit_claim_create(user=learner, course=course, credits="1.00", attested=True)
    certificate = certificate_issue(enrolment_id=enrolment.id)
    assert certificate is not None
    for question in _questions(quiz)[:2]:
        _key(instructor, quiz, question, right=3)  # the learner chose 1: now wrong twice

    job = regrade_request(actor=instructor, quiz=quiz)
    regrade_job_run(job_id=job.pk)

    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert (attempt.percent, attempt.passed) == (Decimal("33.33"), False)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY
    (short,) = regrade_shortfalls(job=job)
    assert (short.user, short.attempt_id) == (learner, attempt.id)
    assert (short.module_status_label, short.completed, short.certificate_issued) == (
        "Failed",
        True,
        True,
    )


def test_an_essay_keeps_the_score_its_grader_gave(instructor, learner, quiz, course):
    enrol(learner, course)
    question = essay(quiz, instructor)
    attempt = _answer(learner, quiz, [1, 1, 1], {question.id: {"text": "I would listen first."}})
    attempt_question_grade(
        grader=instructor, attempt_id=attempt.id, question_id=question.id, score="1"
    )
    _key(instructor, quiz, _questions(quiz)[0], right=2)

    regrade_job_run(job_id=regrade_request(actor=instructor, quiz=quiz).pk)

    assert AttemptQuestion.objects.get(attempt=attempt, question=question).score == Decimal("1")
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.00")


def test_a_killed_run_resumes_after_the_last_batch_committed(instructor, quiz, cohort, monkeypatch):
    ana, ben, _cleo = _graded(quiz, cohort)
    _key(instructor, quiz, _questions(quiz)[0], right=2)
    monkeypatch.setattr(regrade_services, "REGRADE_BATCH", 1)
    job = regrade_request(actor=instructor, quiz=quiz)
    real_plan = regrade_services._plan
    calls = []

    def dies_on_the_second_batch(attempts, target):
        calls.append(attempts)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real_plan(attempts, target)

    with (
        mock.patch.object(regrade_services, "_plan", side_effect=dies_on_the_second_batch),
        pytest.raises(RuntimeError),
    ):
        regrade_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.done, job.last_attempt_id) == ("failed", 1, ana.pk)
    assert "worker lost" in job.error
    assert GradeChange.objects.filter(kind="regrade", attempt=ben).count() == 0

    regrade_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.runs) == ("done", 3, 3, 2)
    assert GradeChange.objects.filter(kind="regrade", question__isnull=True).count() == 3


def test_the_sweeper_finds_waiting_and_abandoned_jobs(instructor, quiz):
    waiting = RegradeJob.objects.create(quiz=quiz, requested_by=instructor)
    running = RegradeJob.objects.create(quiz=quiz, requested_by=instructor, status="running")
    failed = RegradeJob.objects.create(quiz=quiz, status="failed", runs=1)
    given_up = RegradeJob.objects.create(quiz=quiz, status="failed", runs=5)
    fresh = RegradeJob.objects.create(quiz=quiz, requested_by=instructor)
    done = RegradeJob.objects.create(quiz=quiz, status="done")
    long_ago = timezone.now() - timedelta(hours=1)
    RegradeJob.objects.exclude(pk=fresh.pk).update(created_at=long_ago, updated_at=long_ago)

    stuck = regrade_jobs_stuck(older_than=timezone.now() - timedelta(minutes=5))

    assert sorted(stuck) == [waiting.pk, running.pk, failed.pk]
    assert {fresh.pk, given_up.pk, done.pk}.isdisjoint(stuck)


def test_only_the_course_s_instructors_may_regrade(outsider, other_learner, quiz, instructor):
    with pytest.raises(PermissionDenied):
        regrade_preview(actor=outsider, quiz=quiz)
    with pytest.raises(PermissionDenied):
        regrade_request(actor=other_learner, quiz=quiz)
    assert not RegradeJob.objects.exists()
    with pytest.raises(NotFound):
        regrade_preview(actor=instructor, quiz=quiz, question_id=0)


# --- the pages --------------------------------------------------------------------------------


def test_the_pages_show_the_dry_run_then_the_job_and_who_falls_short(
    client, instructor, quiz, cohort, django_capture_on_commit_callbacks
):
    _graded(quiz, cohort)
    for question in _questions(quiz)[1:]:
        _key(instructor, quiz, question, right=3)  # Ana and Ben now fail; Cleo still fails
    client.force_login(instructor)
    url = reverse("teach-regrade", kwargs={"quiz_id": quiz.id})
    assert url in client.get(reverse("teach-quiz", kwargs={"quiz_id": quiz.id})).content.decode()

    page = client.get(url, {"scope": "all"}).content.decode()

    assert "3 graded attempts checked; 3 would change, 2 of them" in page
    assert page.count("Pass → fail") == 2
    assert not GradeChange.objects.filter(kind="regrade").exists()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"scope": "all", "reason": "Keys fixed."})
    job = RegradeJob.objects.get()
    assert response.url == reverse("teach-regrade-job", kwargs={"job_id": job.pk})
    status_url = reverse("teach-regrade-job-status", kwargs={"job_id": job.pk})
    waiting = client.get(response.url).content.decode()
    assert status_url in waiting and 'hx-trigger="every 1s"' in waiting
    assert sent_tasks(callbacks) == [(RUN_REGRADE_JOB, (job.pk,))]

    regrade_job_run(job_id=job.pk)

    done = client.get(status_url).content.decode()
    assert "hx-trigger" not in done  # finished: the polling stops
    assert "3 attempts changed: 0 now pass, 2 now fail." in done
    assert "Ana Right" in done and "Ben Close" in done and "Cleo Low" not in done


def test_the_regrade_pages_are_only_for_the_course_s_instructors(
    client, outsider, other_learner, quiz, instructor
):
    job = RegradeJob.objects.create(quiz=quiz, requested_by=instructor)
    client.force_login(outsider)
    assert client.get(reverse("teach-regrade", kwargs={"quiz_id": quiz.id})).status_code == 403
    assert (
        client.post(
            reverse("teach-regrade", kwargs={"quiz_id": quiz.id}), {"scope": "all"}
        ).status_code
        == 403
    )
    assert client.get(reverse("teach-regrade-job", kwargs={"job_id": job.pk})).status_code == 404
    assert RegradeJob.objects.count() == 1


def test_the_sweeper_task_sends_each_stuck_job_again(
    instructor, quiz, django_capture_on_commit_callbacks
):
    stuck = RegradeJob.objects.create(quiz=quiz, requested_by=instructor)
    RegradeJob.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    RegradeJob.objects.create(quiz=quiz, requested_by=instructor)  # just asked: its own message

    with django_capture_on_commit_callbacks() as callbacks:
        sweep_stuck_regrades()

    assert sent_tasks(callbacks) == [(RUN_REGRADE_JOB, (stuck.pk,))]


def test_an_attempt_waiting_for_its_essay_has_its_other_questions_rescored(
    instructor, learner, quiz, course
):
    enrol(learner, course)
    question = essay(quiz, instructor)
    attempt = _answer(learner, quiz, [2, 1, 1], {question.id: {"text": "I would ask first."}})
    assert attempt.state == Attempt.State.NEEDS_REVIEW
    first = _questions(quiz)[0]
    _key(instructor, quiz, first, right=2)

    (row,) = regrade_preview(actor=instructor, quiz=quiz).rows
    assert (row.questions_changed, row.new.score, row.flip) == (1, None, "")
    regrade_job_run(job_id=regrade_request(actor=instructor, quiz=quiz).pk)

    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (Attempt.State.NEEDS_REVIEW, None)
    assert AttemptQuestion.objects.get(attempt=attempt, question=_current(first)).score == Decimal(
        "1.00"
    )
    assert not GradeChange.objects.filter(attempt=attempt, question__isnull=True).exists()
    attempt_question_grade(
        grader=instructor, attempt_id=attempt.id, question_id=question.id, score="1"
    )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("4.00")  # the essay's grade completes the regraded total
