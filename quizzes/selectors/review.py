"""What a learner (or an instructor) may see of an attempt, as the review options allow."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import User
from lms.errors import NotFound
from quizzes.models import Attempt, AttemptQuestion, Choice, Question, Quiz
from quizzes.scoring import AnswerKey, grade_response, kept_percent
from quizzes.selectors.access import is_course_staff
from quizzes.selectors.quiz_settings import quiz_settings_for


class _Hidden:
    """Marks a review field the viewer may not see (yet)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()


def attempt_for_viewer(*, user: User | AnonymousUser, attempt_id: int) -> Attempt:
    """The attempt if `user` is its learner, teaches its course (instructor or teaching
    assistant), or is staff."""
    attempt = (
        Attempt.objects.select_related("quiz__module__course", "user").filter(pk=attempt_id).first()
    )
    if attempt is None:
        raise NotFound("No such attempt.")
    if attempt.user_id == user.pk or is_course_staff(user=user, course=attempt.quiz.course):
        return attempt
    raise NotFound("No such attempt.")  # not theirs: its existence is not theirs to know


@dataclass(frozen=True)
class ReviewFlags:
    correctness: bool = False
    score: bool = False
    feedback: bool = False
    right_answers: bool = False

    @property
    def any(self) -> bool:
        return self.correctness or self.score or self.feedback or self.right_answers


ALL_REVIEW = ReviewFlags(correctness=True, score=True, feedback=True, right_answers=True)


NO_REVIEW = ReviewFlags()


def review_flags(
    *,
    attempt: Attempt,
    user: User | AnonymousUser,
    now: datetime | None = None,
    closes_at: datetime | None = None,
    scored_so_far: bool = False,
) -> ReviewFlags:
    """What `user` may see of this attempt now, item by item (the quiz's review options).

    Instructors and staff (checked by `attempt_for_viewer`) see everything; the learner sees
    nothing before the attempt is graded. With `scored_so_far`, an attempt waiting for an
    instructor's essay grade counts as graded for the questions already scored (the result
    page); the attempt's total stays hidden until it is graded. "After close" counts from the
    learner's own closing time (their override's, if they have one); a quiz that never closes
    never gets there.
    """
    if attempt.user_id != user.pk:
        return ALL_REVIEW
    waiting = scored_so_far and attempt.state == Attempt.State.NEEDS_REVIEW
    if attempt.state != Attempt.State.GRADED and not waiting:
        return NO_REVIEW
    quiz = attempt.quiz
    if closes_at is None:
        closes_at = quiz_settings_for(quiz=quiz, user=user).closes_at
    now = now or timezone.now()

    def visible(when: str) -> bool:
        if when == Quiz.ReviewWhen.IMMEDIATELY:
            return True
        if when == Quiz.ReviewWhen.AFTER_CLOSE:
            return closes_at is not None and now >= closes_at
        return False

    return ReviewFlags(
        correctness=visible(quiz.review_correctness),
        score=visible(quiz.review_score),
        feedback=visible(quiz.review_feedback),
        right_answers=visible(quiz.review_right_answers),
    )


def modules_with_hidden_scores(
    *, user: User | AnonymousUser, module_ids: Iterable[int], now: datetime | None = None
) -> set[int]:
    """Modules with a quiz whose review options hide the learner's score from them now."""
    now = now or timezone.now()
    hidden = set()
    # Drafts are not the learner's: only published quizzes count, as in their progress.
    quizzes = Quiz.objects.filter(module_id__in=module_ids, status=Quiz.Status.PUBLISHED).exclude(
        review_score=Quiz.ReviewWhen.IMMEDIATELY
    )
    for quiz in quizzes:
        if quiz.review_score == Quiz.ReviewWhen.AFTER_CLOSE:
            closes_at = quiz_settings_for(quiz=quiz, user=user).closes_at
            if closes_at is not None and now >= closes_at:
                continue
        hidden.add(quiz.module_id)
    return hidden


def review_visible(
    *, attempt: Attempt, user: User | AnonymousUser, now: datetime | None = None
) -> bool:
    """May `user` see anything of the review of this attempt now?"""
    return review_flags(attempt=attempt, user=user, now=now).any


@dataclass
class ChoiceView:
    id: int
    text: str
    chosen: bool
    correct: object = HIDDEN  # is this a right answer (or: was this choice of yours right)
    feedback: object = HIDDEN  # per-answer feedback, for what was chosen


@dataclass
class OptionView:
    id: int  # the option's place in the frozen list, 1-based
    text: str


@dataclass
class PromptView:
    id: int
    text: str
    chosen_option: int | None
    correct: object = HIDDEN
    right_answer: object = HIDDEN
    feedback: object = HIDDEN


@dataclass
class QuestionView:
    question_id: int
    position: int
    type: str
    text_html: str
    points: Decimal
    answered: bool
    response: dict[str, Any] | None = None  # the stored JSON, as `validate_response` made it
    choices: list[ChoiceView] = field(default_factory=list)
    prompts: list[PromptView] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    score: object = HIDDEN
    correctness: object = HIDDEN  # right, partially_right, wrong, or awaiting_grading
    feedback: object = HIDDEN  # the matched answer's feedback (short answer, numerical)
    general_feedback: object = HIDDEN
    right_answer: object = HIDDEN  # the right answer, as text
    comment: object = HIDDEN  # the grader's comment on an essay

    @property
    def takes_answer(self) -> bool:
        return self.type != Question.Type.DESCRIPTION

    @property
    def verdict(self) -> str:
        """The question's tag in review: how it was marked, "" while correctness is hidden.

        A question left unanswered says so, rather than "Wrong".
        """
        if not self.correctness:
            return ""
        if self.correctness == "awaiting_grading":
            return "awaiting_grading"
        return str(self.correctness) if self.answered else "not_answered"

    @property
    def text(self) -> str:
        text: str = (self.response or {}).get("text", "")
        return text

    @property
    def value(self) -> str:
        value: str = (self.response or {}).get("value", "")
        return value


@dataclass
class AttemptView:
    attempt: Attempt
    flags: ReviewFlags
    questions: list[QuestionView] = field(default_factory=list)
    # Attempt totals, None unless the score may be shown.
    score: Decimal | None = None
    max_score: Decimal | None = None
    percent: Decimal | None = None
    passed: bool | None = None
    overall_feedback: object = HIDDEN

    @property
    def show_answers(self) -> bool:
        return self.flags.any


def is_answered(question_type: str, response: dict[str, Any] | None) -> bool:
    """Does this stored response answer the question (a choice, a match, a value, a text)?"""
    if not response:
        return False
    if question_type in Question.CHOICE_TYPES:
        return bool(response.get("choice_ids"))
    if question_type == Question.Type.MATCHING:
        return bool(response.get("matches"))
    if question_type == Question.Type.NUMERICAL:
        return response.get("value") not in (None, "")
    return bool(str(response.get("text", "")).strip())


def _correctness(item: AttemptQuestion, question_type: str) -> str:
    if question_type == Question.Type.ESSAY and item.score is None:
        return "awaiting_grading"
    fraction = item.fraction or Decimal("0")
    if fraction >= 1:
        return "right"
    return "partially_right" if fraction > 0 else "wrong"


def _number_text(key: AnswerKey) -> str:
    if key.text:
        return key.text
    assert key.value_min is not None and key.value_max is not None  # a numerical key: a range
    low, high = key.value_min.normalize(), key.value_max.normalize()
    return f"{low:f}" if low == high else f"{low:f} to {high:f}"


def _best(keys: list[AnswerKey]) -> AnswerKey | None:
    return max(keys, key=lambda k: (k.fraction, -k.id), default=None)


def _choices_part(
    view: QuestionView,
    item: AttemptQuestion,
    keys: list[AnswerKey],
    feedback_by_id: dict[int, str],
    flags: ReviewFlags,
) -> None:
    """Choice types: the choices in the attempt's order, marked as the review allows."""
    by_id = {k.id: k for k in keys}
    chosen = set((item.response or {}).get("choice_ids", []))
    for cid in item.choice_order:
        key = by_id.get(cid)
        if key is None:
            continue
        choice = ChoiceView(id=cid, text=key.text, chosen=cid in chosen)
        # Right answers mark every choice; correctness marks only the learner's own.
        if flags.right_answers or (flags.correctness and cid in chosen):
            choice.correct = key.fraction > 0
        if flags.feedback:
            choice.feedback = feedback_by_id.get(cid, "") if cid in chosen else ""
        view.choices.append(choice)
    if flags.right_answers:
        if item.question.type == Question.Type.MULTIPLE_RESPONSE:
            right = [c.text for c in view.choices if by_id[c.id].fraction > 0]
        else:
            best = _best(keys)
            right = [best.text] if best and best.fraction > 0 else []
        view.right_answer = "; ".join(right)


def _matching_part(
    view: QuestionView,
    item: AttemptQuestion,
    keys: list[AnswerKey],
    feedback_by_id: dict[int, str],
    flags: ReviewFlags,
    matched: set[int] | None,
) -> None:
    """Matching: the options, and each prompt with the option chosen for it."""
    by_id = {k.id: k for k in keys}
    matches = {int(k): v for k, v in ((item.response or {}).get("matches") or {}).items()}
    view.options = [OptionView(id=n, text=t) for n, t in enumerate(item.options, start=1)]
    for pid in item.choice_order:
        key = by_id.get(pid)
        if key is None:
            continue
        prompt = PromptView(id=pid, text=key.text, chosen_option=matches.get(pid))
        if flags.correctness or flags.right_answers:
            prompt.correct = pid in matched if matched is not None else HIDDEN
        if flags.right_answers:
            prompt.right_answer = key.match_text
        if flags.feedback:
            prompt.feedback = feedback_by_id.get(pid, "")
        view.prompts.append(prompt)
    if flags.right_answers:
        view.right_answer = "; ".join(f"{p.text} → {p.right_answer}" for p in view.prompts)


def _typed_answer_part(
    view: QuestionView,
    keys: list[AnswerKey],
    feedback_by_id: dict[int, str],
    flags: ReviewFlags,
    matched: set[int] | None,
) -> None:
    """Short answer and numerical: the matched answers' feedback; the best answer is right."""
    if flags.feedback:
        view.feedback = "".join(feedback_by_id.get(k, "") for k in matched or ())
    if flags.right_answers:
        best = _best(keys)
        if best is not None and best.fraction > 0:
            is_text = view.type == Question.Type.SHORT_ANSWER
            view.right_answer = best.text if is_text else _number_text(best)


def _graded_part(
    view: QuestionView, item: AttemptQuestion, flags: ReviewFlags, graded: bool
) -> None:
    """What every question that takes an answer shows: score, correctness, feedback, comment."""
    question = item.question
    if flags.score and graded:
        view.score = item.score
    if flags.correctness and graded:
        view.correctness = _correctness(item, question.type)
    if flags.feedback:
        view.general_feedback = question.general_feedback
        if question.type == Question.Type.ESSAY:
            view.comment = item.comment


def _question_view(
    item: AttemptQuestion,
    keys: list[AnswerKey],
    feedback_by_id: dict[int, str],
    flags: ReviewFlags,
    graded: bool,
) -> QuestionView:
    """One question of the attempt as the viewer may review it."""
    question = item.question
    view = QuestionView(
        question_id=item.question_id,
        position=item.position,
        type=question.type,
        text_html=question.text_html,
        points=item.points,
        answered=is_answered(question.type, item.response),
        response=item.response,
    )
    result = None
    if graded and flags.any:
        result = grade_response(
            question_type=question.type,
            answers=keys,
            response=item.response,
            points=item.points,
            case_sensitive=question.case_sensitive,
            options=item.options,
        )
    matched = set(result.matched) if result else None
    if question.type in Question.CHOICE_TYPES:
        _choices_part(view, item, keys, feedback_by_id, flags)
    elif question.type == Question.Type.MATCHING:
        _matching_part(view, item, keys, feedback_by_id, flags, matched)
    elif question.type in (Question.Type.SHORT_ANSWER, Question.Type.NUMERICAL):
        _typed_answer_part(view, keys, feedback_by_id, flags, matched)
    if question.takes_answer:  # a description is text to read: nothing to review
        _graded_part(view, item, flags, graded)
    return view


def attempt_view(
    *,
    attempt: Attempt,
    user: User | AnonymousUser,
    now: datetime | None = None,
    scored_so_far: bool = False,
) -> AttemptView:
    """The attempt's questions in their frozen order, with review items only where allowed.

    `scored_so_far`: while an essay waits for its grade, the learner may review the questions
    already scored, as the review options allow (see `review_flags`).
    """
    items = list(attempt.questions.select_related("question"))
    return attempt_view_of_items(
        attempt=attempt, items=items, user=user, now=now, scored_so_far=scored_so_far
    )


def attempt_view_of_items(
    *,
    attempt: Attempt,
    items: list[AttemptQuestion],
    user: User | AnonymousUser,
    now: datetime | None = None,
    scored_so_far: bool = False,
) -> AttemptView:
    """`attempt_view` of given items: also an unsaved attempt's, for the instructor's preview."""
    flags = review_flags(attempt=attempt, user=user, now=now, scored_so_far=scored_so_far)
    # Choice and matching questions show their rows' texts; the key fields stay server-side
    # unless a review item allows them.
    keys: dict[int, list[AnswerKey]] = {}
    feedback_by_id: dict[int, str] = {}
    rows = Choice.objects.filter(question__in=[i.question_id for i in items]).order_by("position")
    for choice in rows:
        keys.setdefault(choice.question_id, []).append(
            AnswerKey(
                id=choice.id,
                fraction=choice.fraction,
                text=choice.text,
                match_text=choice.match_text,
                value_min=choice.value_min,
                value_max=choice.value_max,
            )
        )
        feedback_by_id[choice.id] = choice.feedback
    # Graded parts can be reviewed once the whole attempt is graded; instructors see them
    # while an essay waits, too.
    graded = attempt.state == Attempt.State.GRADED or (
        attempt.state == Attempt.State.NEEDS_REVIEW and (attempt.user_id != user.pk or flags.any)
    )
    # The learner's own waiting attempt: a question not scored yet (the essay) shows nothing
    # of its review but that it waits, whatever the options allow for scored ones.
    learner_waiting = (
        attempt.state == Attempt.State.NEEDS_REVIEW and attempt.user_id == user.pk and flags.any
    )
    view = AttemptView(attempt=attempt, flags=flags)
    for item in items:
        if learner_waiting and item.question.takes_answer and item.score is None:
            question = _question_view(item, [], {}, NO_REVIEW, False)
            question.correctness = "awaiting_grading"
        else:
            question = _question_view(
                item, keys.get(item.question_id, []), feedback_by_id, flags, graded
            )
        view.questions.append(question)
    if flags.score and attempt.state == Attempt.State.GRADED:
        view.score, view.max_score = attempt.score, attempt.max_score
        view.percent, view.passed = attempt.percent, attempt.passed
        if flags.feedback:
            view.overall_feedback = overall_feedback(attempt=attempt)
    return view


def overall_feedback(*, attempt: Attempt) -> str:
    """The text of the highest feedback band the attempt's percent reaches ("" if none)."""
    if attempt.percent is None:
        return ""
    band = attempt.quiz.feedback_bands.filter(min_percent__lte=attempt.percent).first()
    return band.text if band else ""


@dataclass
class AttemptRow:
    attempt: Attempt
    percent: Decimal | None
    passed: bool | None


def attempts_of_learner(*, user: User, quiz: Quiz) -> list[AttemptRow]:
    """The learner's attempts in order, each with its score only where review allows it."""
    closes_at = quiz_settings_for(quiz=quiz, user=user).closes_at
    rows = []
    for attempt in Attempt.objects.filter(user=user, quiz=quiz).order_by("number"):
        attempt.quiz = quiz
        show = review_flags(attempt=attempt, user=user, closes_at=closes_at).score
        rows.append(
            AttemptRow(
                attempt=attempt,
                percent=attempt.percent if show else None,
                passed=attempt.passed if show else None,
            )
        )
    return rows


@dataclass(frozen=True)
class SummaryRow:
    question_id: int
    position: int
    answered: bool


@dataclass(frozen=True)
class AttemptSummary:
    """Before the submit: every question that takes an answer, answered or not."""

    rows: list[SummaryRow]

    @property
    def unanswered(self) -> list[SummaryRow]:
        return [row for row in self.rows if not row.answered]

    @property
    def answered_count(self) -> int:
        return len(self.rows) - len(self.unanswered)


def attempt_summary(*, questions: Iterable[QuestionView]) -> AttemptSummary:
    """The summary of an open attempt from its questions (descriptions take no answer)."""
    return AttemptSummary(
        rows=[
            SummaryRow(question_id=q.question_id, position=q.position, answered=q.answered)
            for q in questions
            if q.takes_answer
        ]
    )


class Standing:
    """Where a learner stands on a quiz, as the quiz page says it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    GRADING = "grading"  # the worker has not graded the latest attempt yet
    WAITING_FOR_INSTRUCTOR = "waiting_for_instructor"  # an essay waits for its grade
    RESULT_HIDDEN = "result_hidden"  # graded, but the review options hide the score for now
    PASSED = "passed"
    NOT_PASSED = "not_passed"


@dataclass(frozen=True)
class QuizStanding:
    status: str  # a Standing value
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    open_attempt: Attempt | None = None
    kept_percent: Decimal | None = None  # the quiz's score by its grading method, if shown

    @property
    def can_start(self) -> bool:
        """Is another attempt within the limit (dates and delays are the service's to check)?"""
        return self.attempts_left is None or self.attempts_left > 0

    @property
    def next_number(self) -> int:
        return self.attempts_used + 1


def _standing_status(quiz: Quiz, rows: list[AttemptRow], kept: Decimal | None) -> str:
    states = {row.attempt.state for row in rows}
    if not rows:
        return Standing.NOT_STARTED
    if Attempt.State.IN_PROGRESS in states:
        return Standing.IN_PROGRESS
    if Attempt.State.SUBMITTED in states:
        return Standing.GRADING
    if Attempt.State.NEEDS_REVIEW in states:
        return Standing.WAITING_FOR_INSTRUCTOR
    if kept is None or any(row.percent is None for row in rows):
        return Standing.RESULT_HIDDEN
    return Standing.PASSED if kept >= quiz.pass_mark_percent else Standing.NOT_PASSED


def quiz_standing(
    *, quiz: Quiz, rows: list[AttemptRow], attempts_allowed: int | None
) -> QuizStanding:
    """The learner's standing from their attempts (`attempts_of_learner`) and their limit.

    Scores count only where the review options show them: a hidden score keeps the standing
    at "result hidden" rather than telling passed from not passed.
    """
    used = max((row.attempt.number for row in rows), default=0)
    graded = [r for r in rows if r.attempt.state == Attempt.State.GRADED]
    percents = [r.percent for r in graded if r.percent is not None]
    kept = kept_percent(percents, quiz.grading_method) if len(percents) == len(graded) else None
    return QuizStanding(
        status=_standing_status(quiz, rows, kept),
        attempts_used=used,
        attempts_left=None if attempts_allowed is None else max(0, attempts_allowed - used),
        open_attempt=next((r.attempt for r in rows if r.attempt.is_open), None),
        kept_percent=kept,
    )
