"""A large quiz's item analysis computed by a real Celery worker on the reports queue."""

import pytest

from quizzes.models import ItemAnalysis
from quizzes.services import item_analysis as analysis
from tests.conftest import wait_for
from tests.factories import UserFactory, build_course
from tests.quizzes.analysis_data import known_attempts

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_reports_worker_computes_and_stores_the_analysis(celery_worker, monkeypatch):
    course = build_course(modules=1, questions=3, title="Leading Rounds")
    quiz = course.modules.get().quizzes.get()
    teacher = UserFactory(username="analysis-teacher")
    course.instructors.add(teacher)
    known_attempts(quiz)
    monkeypatch.setattr(analysis, "SMALL_QUIZ_ATTEMPTS", 0)  # this process only: the page side

    waiting = analysis.item_analysis_for(actor=teacher, quiz=quiz, scope="first")
    assert waiting.status == ItemAnalysis.Status.PENDING

    row = wait_for(
        lambda: ItemAnalysis.objects.filter(quiz=quiz, status="ready").first(),
        what="the reports worker to compute the item analysis",
    )
    assert row.runs == 1 and row.attempt_count == 4
    shown = analysis.item_analysis_for(actor=teacher, quiz=quiz, scope="first")
    assert shown.up_to_date and shown.status == ItemAnalysis.Status.READY
    assert [q.discrimination for q in shown.questions] == [0.0, 0.5774, -0.3015]
    assert [q.facility for q in shown.questions] == [0.75, 0.5, 0.5]
