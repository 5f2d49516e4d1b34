"""Quiz settings: delay between attempts, review options, feedback bands, learners' overrides."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lms.errors import ApplicationError, PermissionDenied
from quizzes.models import MAX_ATTEMPTS, MAX_TIME_LIMIT_MINUTES, Attempt, Quiz, QuizOverride
from quizzes.selectors.quiz_settings import quiz_settings_for
from quizzes.selectors.review import HIDDEN, attempt_view, review_flags
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import quiz_feedback_bands_set, quiz_settings_update
from quizzes.services.grading import attempt_grade
from quizzes.services.overrides import quiz_override_delete, quiz_override_set
from tests.factories import enrol, right_answers, wrong_answers

pytestmark = pytest.mark.django_db

W = Quiz.ReviewWhen


@pytest.fixture
def enrolled(learner, course):
    return enrol(learner, course)


def _graded(learner, quiz, *, right: bool = True) -> Attempt:
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=answers)
    graded = attempt_grade(attempt_id=attempt.id)
    assert graded is not None
    return graded


# --- delay between attempts -------------------------------------------------------------------


def test_the_next_attempt_waits_for_the_delay(learner, quiz, enrolled):
    quiz.delay_minutes = 30
    quiz.save()
    first = _graded(learner, quiz, right=False)

    with pytest.raises(ApplicationError) as caught:
        attempt_start(user=learner, quiz=quiz)

    assert caught.value.code == "attempt_too_soon"
    assert first.submitted_at is not None
    available = first.submitted_at + timedelta(minutes=30)
    assert caught.value.details == {"available_at": available.isoformat()}
    assert Attempt.objects.count() == 1

    Attempt.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(minutes=31))
    second, created = attempt_start(user=learner, quiz=quiz)
    assert (created, second.number) == (True, 2)


# --- review options ---------------------------------------------------------------------------


def _set_review(quiz, **items):
    for item in Quiz.REVIEW_ITEMS:
        setattr(quiz, f"review_{item}", items.get(item, W.NEVER))
    quiz.save()


@pytest.mark.parametrize("item", Quiz.REVIEW_ITEMS)
def test_each_review_item_is_shown_alone_when_set_alone(learner, quiz, enrolled, item):
    _set_review(quiz, **{item: W.IMMEDIATELY})
    attempt = _graded(learner, quiz, right=False)

    flags = review_flags(attempt=attempt, user=learner)
    view = attempt_view(attempt=attempt, user=learner)

    assert {i for i in Quiz.REVIEW_ITEMS if getattr(flags, i)} == {item}
    question = view.questions[0]
    chosen = next(c for c in question.choices if c.chosen)
    unchosen = next(c for c in question.choices if not c.chosen)
    assert (question.score is not HIDDEN) == (item == "score")
    assert (view.percent is not None) == (item == "score")
    assert (question.correctness is not HIDDEN) == (item == "correctness")
    assert (chosen.correct is not HIDDEN) == (item in ("correctness", "right_answers"))
    assert (unchosen.correct is not HIDDEN) == (item == "right_answers")
    assert (question.right_answer is not HIDDEN) == (item == "right_answers")
    assert (question.general_feedback is not HIDDEN) == (item == "feedback")
    assert (chosen.feedback is not HIDDEN) == (item == "feedback")


def test_after_close_shows_the_review_once_the_quiz_has_closed(learner, quiz, enrolled):
    closes = timezone.now() + timedelta(hours=1)
    quiz.closes_at = closes
    _set_review(quiz, right_answers=W.AFTER_CLOSE, score=W.IMMEDIATELY)
    attempt = _graded(learner, quiz)

    before = review_flags(attempt=attempt, user=learner)
    after = review_flags(attempt=attempt, user=learner, now=closes + timedelta(seconds=1))

    assert (before.score, before.right_answers) == (True, False)
    assert (after.score, after.right_answers) == (True, True)


def test_after_close_counts_from_the_learners_own_closing_time(learner, instructor, quiz, enrolled):
    closes = timezone.now() + timedelta(hours=1)
    quiz.closes_at = closes
    _set_review(quiz, right_answers=W.AFTER_CLOSE)
    quiz_override_set(
        actor=instructor, quiz=quiz, user=learner, closes_at=closes + timedelta(days=2)
    )
    attempt = _graded(learner, quiz)

    flags = review_flags(attempt=attempt, user=learner, now=closes + timedelta(hours=1))

    assert flags.right_answers is False


def test_after_close_without_a_closing_date_never_shows(learner, quiz, enrolled):
    _set_review(quiz, right_answers=W.AFTER_CLOSE)
    attempt = _graded(learner, quiz)

    assert review_flags(attempt=attempt, user=learner).any is False


def test_instructors_see_everything_and_learners_nothing_before_grading(
    learner, instructor, quiz, enrolled
):
    _set_review(quiz)
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    assert review_flags(attempt=attempt, user=learner).any is False
    flags = review_flags(attempt=attempt, user=instructor)
    assert (flags.correctness, flags.score, flags.feedback, flags.right_answers) == (
        True,
        True,
        True,
        True,
    )


# --- overall feedback by score band -----------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "expected"),
    [(True, "Excellent: you could teach this."), (False, "Read the module again.")],
)
def test_overall_feedback_is_the_band_the_percent_reaches(
    learner, instructor, quiz, enrolled, right, expected
):
    quiz_feedback_bands_set(
        actor=instructor,
        quiz=quiz,
        bands=[
            (Decimal("0"), "Read the module again."),
            (Decimal("60"), "Good; review what you missed."),
            (Decimal("90"), "Excellent: you could teach this."),
        ],
    )
    attempt = _graded(learner, quiz, right=right)

    assert attempt_view(attempt=attempt, user=learner).overall_feedback == expected


def test_overall_feedback_follows_the_score_and_feedback_review_items(
    learner, instructor, quiz, enrolled
):
    quiz_feedback_bands_set(actor=instructor, quiz=quiz, bands=[(Decimal("0"), "Band text")])
    _set_review(quiz, score=W.IMMEDIATELY)
    attempt = _graded(learner, quiz)

    assert attempt_view(attempt=attempt, user=learner).overall_feedback is HIDDEN


def test_two_bands_from_the_same_percent_are_refused(instructor, quiz):
    with pytest.raises(ApplicationError) as caught:
        quiz_feedback_bands_set(
            actor=instructor, quiz=quiz, bands=[(Decimal("50"), "a"), (Decimal("50"), "b")]
        )
    assert caught.value.code == "invalid_bands"
    assert not quiz.feedback_bands.exists()


# --- overrides --------------------------------------------------------------------------------


def test_an_override_gives_one_learner_more_attempts(
    learner, other_learner, instructor, course, quiz, enrolled
):
    enrol(other_learner, course)
    quiz.attempts_allowed = 1
    quiz.save()
    quiz_override_set(actor=instructor, quiz=quiz, user=learner, attempts_allowed=2)
    _graded(learner, quiz, right=False)
    _graded(other_learner, quiz, right=False)

    second, created = attempt_start(user=learner, quiz=quiz)
    assert (created, second.number) == (True, 2)
    with pytest.raises(ApplicationError) as caught:
        attempt_start(user=other_learner, quiz=quiz)
    assert caught.value.code == "no_attempts_left"


def test_an_override_of_zero_lifts_the_attempt_limit(learner, instructor, quiz, enrolled):
    quiz.attempts_allowed = 1
    quiz.save()
    quiz_override_set(actor=instructor, quiz=quiz, user=learner, attempts_allowed=0)

    assert quiz_settings_for(quiz=quiz, user=learner).attempts_allowed is None


def test_an_override_gives_more_time(learner, instructor, quiz, enrolled):
    quiz.time_limit_minutes = 20
    quiz.save()
    quiz_override_set(actor=instructor, quiz=quiz, user=learner, time_limit_minutes=30)

    attempt, _ = attempt_start(user=learner, quiz=quiz)

    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)


def test_an_override_moves_the_deadline_of_an_open_attempt(learner, instructor, quiz, enrolled):
    quiz.time_limit_minutes = 20
    quiz.save()
    attempt, _ = attempt_start(user=learner, quiz=quiz)

    quiz_override_set(actor=instructor, quiz=quiz, user=learner, time_limit_minutes=45)
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=45)

    quiz_override_delete(actor=instructor, override_id=QuizOverride.objects.get().id)
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=20)


def test_an_override_opens_a_closed_quiz_for_one_learner(
    learner, other_learner, instructor, course, quiz, enrolled
):
    enrol(other_learner, course)
    quiz.closes_at = timezone.now() - timedelta(hours=1)
    quiz.opens_at = timezone.now() - timedelta(days=7)
    quiz.save()
    new_close = timezone.now() + timedelta(days=1)
    quiz_override_set(actor=instructor, quiz=quiz, user=learner, closes_at=new_close)

    attempt, created = attempt_start(user=learner, quiz=quiz)
    assert created and attempt.deadline == new_close
    with pytest.raises(ApplicationError) as caught:
        attempt_start(user=other_learner, quiz=quiz)
    assert caught.value.code == "quiz_closed"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "empty_override"),
        (
            {
                "opens_at": timezone.now() + timedelta(days=2),
                "closes_at": timezone.now() + timedelta(days=1),
            },
            "invalid_dates",
        ),
    ],
)
def test_bad_overrides_are_refused(learner, instructor, quiz, enrolled, fields, code):
    with pytest.raises(ApplicationError) as caught:
        quiz_override_set(actor=instructor, quiz=quiz, user=learner, **fields)
    assert caught.value.code == code
    assert not QuizOverride.objects.exists()


def test_an_override_needs_an_enrolled_learner(outsider, instructor, quiz):
    with pytest.raises(ApplicationError) as caught:
        quiz_override_set(actor=instructor, quiz=quiz, user=outsider, attempts_allowed=3)
    assert caught.value.code == "not_enrolled"
    assert not QuizOverride.objects.exists()


@pytest.mark.parametrize("persona", ["learner", "other_learner", "director", "outsider"])
def test_only_the_courses_instructors_set_overrides(request, persona, learner, quiz, enrolled):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        quiz_override_set(actor=actor, quiz=quiz, user=learner, attempts_allowed=5)
    assert not QuizOverride.objects.exists()


# --- settings ---------------------------------------------------------------------------------


def test_settings_are_validated_by_the_model(instructor, quiz):
    with pytest.raises(ApplicationError) as caught:
        quiz_settings_update(actor=instructor, quiz=quiz, pass_mark_percent=101)
    assert list(caught.value.details) == ["pass_mark_percent"]
    quiz.refresh_from_db()
    assert quiz.pass_mark_percent == 60


def test_grading_method_decides_the_modules_score(learner, quiz, enrolled):
    from courses.models import ModuleProgress

    quiz.grading_method = Quiz.GradingMethod.FIRST
    quiz.save()
    _graded(learner, quiz, right=False)
    _graded(learner, quiz, right=True)
    progress = ModuleProgress.objects.get(enrolment__user=learner, module=quiz.module)
    assert (progress.score_percent, progress.best_score_percent) == (
        Decimal("0.00"),
        Decimal("100.00"),
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_limit_minutes", 10_000_000_000),
        ("time_limit_minutes", MAX_TIME_LIMIT_MINUTES + 1),
        ("attempts_allowed", MAX_ATTEMPTS + 1),
    ],
)
def test_an_override_out_of_bounds_is_refused_and_the_next_start_still_works(
    learner, instructor, quiz, enrolled, unchanged, field, value
):
    error = unchanged(
        lambda: quiz_override_set(actor=instructor, quiz=quiz, user=learner, **{field: value}),
        ApplicationError,
        "invalid",
    )

    assert list(error.details) == [field]
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_a_quiz_time_limit_beyond_a_week_is_refused(instructor, quiz):
    with pytest.raises(ApplicationError) as raised:
        quiz_settings_update(actor=instructor, quiz=quiz, time_limit_minutes=10_000_000_000)

    assert "time_limit_minutes" in raised.value.details
    quiz.refresh_from_db()
    assert quiz.time_limit_minutes is None
