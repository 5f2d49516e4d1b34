"""A confirmed regrade run by a real Celery worker process on the grading queue: the job's
row moves to done, every attempt has its new grade and history, and progress followed."""

from decimal import Decimal

import pytest

from courses.models import ModuleProgress
from quizzes.models import Attempt, GradeChange, RegradeJob
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.conftest import api_client_for, wait_for
from tests.factories import UserFactory, build_course, enrol

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_worker_regrades_every_attempt_and_progress_follows(celery_worker):
    course = build_course(modules=1, questions=3, title="Leading Safety Huddles")
    instructor = UserFactory(username="regrade-instructor", full_name="Dr. Mei Tanaka")
    course.instructors.add(instructor)
    quiz = course.modules.get().quizzes.get()
    first = quiz.slots.order_by("position")[0].question
    learners = [UserFactory(full_name=f"Resident {n}") for n in range(1, 6)]
    for learner in learners:
        enrol(learner, course)
        attempt, _ = attempt_start(user=learner, quiz=quiz)
        # Each chose the second choice of the first question and the right one of the rest.
        responses: dict[int, object] = {
            item.question_id: {
                "choice_ids": [
                    item.question.choices.get(position=2 if item.question_id == first.id else 1).id
                ]
            }
            for item in attempt.questions.select_related("question")
        }
        attempt_submit(user=learner, attempt_id=attempt.id, responses=responses)
        attempt_grade(attempt_id=attempt.id)
    assert set(Attempt.objects.values_list("percent", flat=True)) == {Decimal("66.67")}
    # The key said the first choice; the second is right.
    first.choices.filter(position=1).update(fraction=0)
    first.choices.filter(position=2).update(fraction=1)
    api = api_client_for(instructor)

    started = api.post(
        f"/api/v1/quizzes/{quiz.id}/regrade/",
        {"dry_run": False, "reason": "Second choice is right."},
        format="json",
    )

    assert started.status_code == 202, started.content
    job_id = started.json()["id"]
    done = wait_for(
        lambda: (r := api.get(f"/api/v1/regrade-jobs/{job_id}/").json())["status"] == "done" and r,
        what=f"the worker to run regrade job {job_id}",
    )
    assert (done["total"], done["done"]) == (5, 5)
    assert done["outcome"] == {"attempts_changed": 5, "passed_now": 0, "failed_now": 0}
    assert set(Attempt.objects.values_list("percent", flat=True)) == {Decimal("100.00")}
    assert GradeChange.objects.filter(kind="regrade", question__isnull=True).count() == 5
    assert set(
        ModuleProgress.objects.filter(enrolment__course=course).values_list(
            "score_percent", flat=True
        )
    ) == {Decimal("100.00")}
    assert RegradeJob.objects.get(pk=job_id).runs == 1
