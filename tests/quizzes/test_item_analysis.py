"""Item analysis: facility and discrimination checked against figures computed by hand, choice
and response counts, the two scopes, and the stored path a reports worker computes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.errors import ApplicationError, PermissionDenied
from quizzes.models import Attempt, AttemptQuestion, ItemAnalysis
from quizzes.services import item_analysis as analysis
from tasks.enqueue import BUILD_ITEM_ANALYSIS
from tasks.reports import build_item_analysis
from tests.factories import UserFactory
from tests.quizzes.analysis_data import graded_attempt, known_attempts
from tests.quizzes.builders import matching, short_answer

pytestmark = pytest.mark.django_db


def test_facility_and_discrimination_match_the_hand_computed_figures(quiz):
    questions, _ = known_attempts(quiz)
    found = analysis.item_analysis_compute(quiz=quiz, scope=ItemAnalysis.Scope.FIRST)

    assert [a.question_id for a in found] == [q.id for q in questions]
    assert [a.attempts for a in found] == [4, 4, 4]  # first attempts; none in progress
    assert [a.facility for a in found] == [0.75, 0.5, 0.5]
    assert [a.discrimination for a in found] == [0.0, 0.5774, -0.3015]
    assert [a.discriminates_poorly for a in found] == [True, False, True]
    assert "Check the key" in found[2].discrimination_note
    assert found[0].discrimination_note.startswith("Discriminates poorly")


def test_all_graded_attempts_count_the_second_attempt_too(quiz):
    known_attempts(quiz)
    found = analysis.item_analysis_compute(quiz=quiz, scope=ItemAnalysis.Scope.ALL)
    # Learner D's second attempt (3 of 3) joins: Q1 = 1,1,1,0,1 and so on.
    assert [a.attempts for a in found] == [5, 5, 5]
    assert [a.facility for a in found] == [0.8, 0.6, 0.6]
    # Q2 = 1,1,0,0,1 with rest 2,1,1,1,2: sxy = 0.8, sxx = 1.2, syy = 1.2 -> 0.8 / 1.2
    assert found[1].discrimination == 0.6667


def test_choices_are_counted_with_their_key_and_unanswered_ones_apart(quiz):
    questions, _ = known_attempts(quiz)
    first = analysis.item_analysis_compute(quiz=quiz, scope=ItemAnalysis.Scope.FIRST)[0]
    choices = list(questions[0].choices.order_by("position"))
    assert [(r.label, r.count, r.fraction) for r in first.responses] == [
        (choices[0].text, 3, 1.0),
        (choices[1].text, 1, 0.0),
        (choices[2].text, 0, 0.0),
    ]
    assert first.no_answer == 0


def test_partial_marks_make_the_facility_a_mean_share_of_the_mark(quiz):
    question = quiz.slots.get(position=1).question
    for score in ("1", "2", "0.5"):
        graded_attempt(quiz, UserFactory(), [(question, Decimal(score), None)], points=Decimal(2))
    [found] = analysis.item_analysis_compute(quiz=quiz, scope=ItemAnalysis.Scope.FIRST)
    assert found.facility == pytest.approx((0.5 + 1 + 0.25) / 3, abs=1e-4)
    assert found.no_answer == 3
    assert found.discrimination is None  # one question: the rest of the test never varies


def test_short_answers_are_grouped_as_typed_and_the_most_common_listed(quiz, instructor):
    question = short_answer(quiz, instructor)
    typed = ["KEYSBAR", " keysbar ", "keysb-ish", "KEYSBAR", "", "no idea"]
    for text in typed:
        fraction = 1 if text.strip().lower() == "keysbar" else 0
        graded_attempt(quiz, UserFactory(), [(question, fraction, {"text": text})])
    [found] = [
        a
        for a in analysis.item_analysis_compute(quiz=quiz, scope="first")
        if a.question_id == question.id
    ]
    assert [(r.label, r.count, r.fraction) for r in found.responses][:1] == [("keysbar", 3, 1.0)]
    assert {r.label for r in found.responses} == {"keysbar", "keysb-ish", "no idea"}
    assert found.no_answer == 1


def test_matching_lists_each_prompts_most_common_answers(quiz, instructor):
    question = matching(quiz, instructor)
    prompts = list(question.choices.exclude(text="").order_by("position"))
    options = [c.match_text for c in question.choices.order_by("position")]
    right = {str(p.id): options.index(p.match_text) + 1 for p in prompts}
    swapped = {**right, str(prompts[0].id): right[str(prompts[1].id)]}
    for response in (right, right, swapped):
        graded_attempt(quiz, UserFactory(), [(question, 1, {"matches": response})])
    AttemptQuestion.objects.filter(question=question).update(options=options)  # as shown
    [found] = analysis.item_analysis_compute(quiz=quiz, scope="first")
    first_prompt = [r for r in found.responses if r.label.startswith(prompts[0].text)]
    assert [(r.label, r.count, r.fraction) for r in first_prompt] == [
        (f"{prompts[0].text} → {prompts[0].match_text}", 2, 1.0),
        (f"{prompts[0].text} → {prompts[1].match_text}", 1, 0.0),
    ]


def test_a_small_quiz_is_computed_on_the_page_with_no_row_and_no_job(
    quiz, instructor, django_capture_on_commit_callbacks
):
    known_attempts(quiz)
    with django_capture_on_commit_callbacks() as callbacks:
        result = analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    assert result.status == ItemAnalysis.Status.READY and not result.stored
    assert result.attempt_count == 4
    assert callbacks == []
    assert not ItemAnalysis.objects.exists()


def test_only_the_courses_instructors_and_staff_may_read_it(quiz, learner, outsider, unchanged):
    error = unchanged(
        lambda: analysis.item_analysis_for(actor=learner, quiz=quiz, scope="first"),
        error=PermissionDenied,
        code="not_course_staff",
    )
    assert "instructors" in error.message
    unchanged(
        lambda: analysis.item_analysis_for(actor=outsider, quiz=quiz, scope="all"),
        error=PermissionDenied,
    )


@pytest.fixture
def large(monkeypatch):
    """Every quiz counts as large: its analysis goes through the stored row and the job."""
    monkeypatch.setattr(analysis, "SMALL_QUIZ_ATTEMPTS", 0)


def test_a_large_quiz_asks_a_worker_once_and_shows_the_result_it_stored(
    quiz, instructor, large, sends, django_capture_on_commit_callbacks
):
    known_attempts(quiz)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    row = ItemAnalysis.objects.get(quiz=quiz, scope="first")
    assert waiting.status == ItemAnalysis.Status.PENDING and not waiting.has_result
    sends[BUILD_ITEM_ANALYSIS].assert_called_once_with(row.id)

    # A second view while the job waits asks for nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    assert sends[BUILD_ITEM_ANALYSIS].call_count == 1

    build_item_analysis(row.id)  # the task, as the worker runs it
    ready = analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    assert ready.status == ItemAnalysis.Status.READY and ready.stored and ready.up_to_date
    assert ready.attempt_count == 4
    assert [q.discrimination for q in ready.questions] == [0.0, 0.5774, -0.3015]
    assert [r.count for r in ready.questions[0].responses] == [3, 1, 0]
    assert sends[BUILD_ITEM_ANALYSIS].call_count == 1

    build_item_analysis(row.id)  # run twice: nothing to claim, nothing changes
    assert ItemAnalysis.objects.get(pk=row.id).runs == 1


def test_a_newly_graded_attempt_makes_the_stored_result_out_of_date_and_recomputed(
    quiz, instructor, large, sends, django_capture_on_commit_callbacks
):
    questions, _ = known_attempts(quiz)
    with django_capture_on_commit_callbacks(execute=True):
        analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    row = ItemAnalysis.objects.get()
    build_item_analysis(row.id)

    graded_attempt(quiz, UserFactory(), [(q, 0, None) for q in questions])
    with django_capture_on_commit_callbacks(execute=True):
        shown = analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    # The previous result stays on the page, marked out of date, while the worker recomputes.
    assert shown.status == ItemAnalysis.Status.PENDING
    assert shown.has_result and not shown.up_to_date and shown.attempt_count == 4
    assert sends[BUILD_ITEM_ANALYSIS].call_count == 2
    build_item_analysis(row.id)
    assert ItemAnalysis.objects.get().attempt_count == 5


def test_a_lost_job_is_asked_again_once_its_row_is_stale(
    quiz, instructor, large, sends, django_capture_on_commit_callbacks
):
    known_attempts(quiz)
    with django_capture_on_commit_callbacks(execute=True):
        analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    ItemAnalysis.objects.update(
        updated_at=timezone.now() - analysis.ANALYSIS_STALE_AFTER - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="first")
    assert sends[BUILD_ITEM_ANALYSIS].call_count == 2


def test_a_failing_computation_marks_the_row_failed_with_its_error(
    quiz, instructor, large, sends, monkeypatch, django_capture_on_commit_callbacks
):
    known_attempts(quiz)
    with django_capture_on_commit_callbacks(execute=True):
        analysis.item_analysis_for(actor=instructor, quiz=quiz, scope="all")
    row = ItemAnalysis.objects.get()

    def broken(**kwargs):
        raise ValueError("no such column")

    monkeypatch.setattr(analysis, "item_analysis_compute", broken)
    with pytest.raises(ValueError, match="no such column"):
        analysis.item_analysis_build(analysis_id=row.id)
    row.refresh_from_db()
    assert row.status == ItemAnalysis.Status.FAILED
    assert row.error == "ValueError: no such column"
    assert row.computed_at is None


def test_an_unknown_scope_is_refused():
    with pytest.raises(ApplicationError, match="Choose one of: first, all"):
        analysis.scope_from("best")
    assert analysis.scope_from("") == ItemAnalysis.Scope.FIRST


# --- the page --------------------------------------------------------------------------------


def test_page_shows_each_question_with_its_flag_and_chart(client, quiz, instructor):
    known_attempts(quiz)
    client.force_login(instructor)
    page = client.get(reverse("teach-quiz-analysis", args=[quiz.id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('role="img"') == 3
    assert "Discriminates poorly" in body and "Check the key" in body
    assert "3 (75%)" in body and 'hx-trigger="every 2s"' not in body
    every = client.get(reverse("teach-quiz-analysis", args=[quiz.id]), {"attempts": "all"})
    assert "5 graded attempts analysed" in every.content.decode()


def test_page_polls_while_the_worker_computes(
    client, quiz, instructor, large, sends, django_capture_on_commit_callbacks
):
    known_attempts(quiz)
    client.force_login(instructor)
    url = reverse("teach-quiz-analysis", args=[quiz.id])
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "Computing the analysis" in waiting
    build_item_analysis(ItemAnalysis.objects.get().id)
    ready = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' not in ready and "4 graded attempts analysed" in ready


def test_page_refuses_learners(client, quiz, learner):
    client.force_login(learner)
    assert client.get(reverse("teach-quiz-analysis", args=[quiz.id])).status_code == 403


def test_a_score_changed_by_hand_changes_the_version_too(quiz):
    known_attempts(quiz)
    before, count = analysis.analysis_version(quiz=quiz, scope="all")
    attempt = Attempt.objects.filter(state=Attempt.State.GRADED).first()
    assert attempt is not None and attempt.score is not None
    Attempt.objects.filter(pk=attempt.pk).update(score=attempt.score + 1)  # graded_at kept
    after, same_count = analysis.analysis_version(quiz=quiz, scope="all")
    assert after != before and same_count == count == 5
