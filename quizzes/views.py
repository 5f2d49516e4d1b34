"""Learner pages: the quiz, taking an attempt (every type, autosaved), the result and review."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from courses.selectors.due_dates import learner_due_dates_for
from courses.selectors.learning import enrolment_of
from courses.selectors.publishing import quiz_is_live
from lms.errors import ApplicationError, NotFound
from quizzes.selectors import access as access_selectors
from quizzes.selectors import quiz_settings as quiz_settings_selectors
from quizzes.selectors import review as review_selectors
from quizzes.selectors import visibility as visibility_selectors
from quizzes.services import attempts as attempts_services

from .models import Attempt, Question, Quiz


def form_response(question: review_selectors.QuestionView, data, *, partial: bool = True):
    """The response to `question` in a posted form; `...` when the form says nothing of it.

    Field names: `q<id>` (chosen choice ids), `q<id>-text`, `q<id>-value` and, for matching,
    `q<id>-p<prompt id>` (an option id, empty for none).
    """
    name = f"q{question.question_id}"
    kind = question.type
    if kind in Question.CHOICE_TYPES:
        try:
            ids = [int(v) for v in data.getlist(name)]
        except ValueError:
            raise ApplicationError(
                "That answer is not one of the choices.",
                code="invalid_choice",
                details={"question_id": question.question_id},
            ) from None
        if not ids and not partial:
            return ...  # unchecked boxes send nothing: keep what autosave stored
        return {"choice_ids": ids}
    if kind in (Question.Type.SHORT_ANSWER, Question.Type.ESSAY):
        if f"{name}-text" not in data:
            return ...
        return {"text": data[f"{name}-text"]}
    if kind == Question.Type.NUMERICAL:
        if f"{name}-value" not in data:
            return ...
        value = data[f"{name}-value"].strip()
        return {"value": value} if value else None
    if kind == Question.Type.MATCHING:
        matches = {}
        for prompt in question.prompts:
            raw = data.get(f"{name}-p{prompt.id}", "")
            if raw:
                if not raw.isdecimal():
                    raise ApplicationError(
                        "That is not one of the answers offered.",
                        code="invalid_option",
                        details={"question_id": question.question_id},
                    )
                matches[str(prompt.id)] = int(raw)
        return {"matches": matches}
    return ...


@login_required
def quiz_detail(request, quiz_id):
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    visibility_selectors.require_quiz_visible(user=request.user, quiz=quiz)
    course = quiz.module.course
    attempts = review_selectors.attempts_of_learner(user=request.user, quiz=quiz)
    rules = quiz_settings_selectors.quiz_settings_for(quiz=quiz, user=request.user)
    standing = review_selectors.quiz_standing(
        quiz=quiz, rows=attempts, attempts_allowed=rules.attempts_allowed
    )
    enrolment = enrolment_of(user=request.user, course=course)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "course": course,
            "rules": rules,
            "enrolment": enrolment,
            "due": learner_due_dates_for(enrolment=enrolment).get(quiz.module_id),
            "attempts": attempts,
            "standing": standing,
            "open_attempt": standing.open_attempt,
            "question_count": quiz.slots.count(),
            "teaches": access_selectors.is_course_instructor(user=request.user, course=course),
            "is_live": quiz_is_live(quiz),
        },
    )


@login_required
@require_POST
def attempt_start(request, quiz_id):
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    attempt, _ = attempts_services.attempt_start(user=request.user, quiz=quiz)
    return redirect("attempt", attempt_id=attempt.id)


def _seconds_left(attempt: Attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, math.floor((attempt.deadline - timezone.now()).total_seconds()))


@login_required
def attempt_take(request, attempt_id):
    attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    if attempt.user_id != request.user.pk or not attempt.is_open:
        return redirect("attempt-result", attempt_id=attempt.id)
    view = review_selectors.attempt_view(attempt=attempt, user=request.user)
    if request.method == "POST":
        responses = {}
        for question in view.questions:
            response = form_response(question, request.POST, partial=False)
            if response is not ...:
                responses[question.question_id] = response
        attempts_services.attempt_submit(
            user=request.user, attempt_id=attempt.id, responses=responses
        )
        if request.POST.get("time_up"):  # the page's timer reached zero and sent the form
            messages.info(request, "Time ran out: the answers on your page were submitted for you.")
        return redirect("attempt-result", attempt_id=attempt.id)
    return render(
        request,
        "quizzes/attempt_take.html",
        {
            "attempt": attempt,
            "view": view,
            "summary": review_selectors.attempt_summary(questions=view.questions),
            "seconds_left": _seconds_left(attempt),
        },
    )


@login_required
@require_POST
def attempt_autosave(request, attempt_id, question_id):
    attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    view = review_selectors.attempt_view(attempt=attempt, user=request.user)
    question = next((q for q in view.questions if q.question_id == question_id), None)
    if question is None:
        raise NotFound("That question is not part of this attempt.", code="question_not_in_attempt")
    response = form_response(question, request.POST)
    item = attempts_services.attempt_save_response(
        user=request.user,
        attempt_id=attempt_id,
        question_id=question_id,
        response=None if response is ... else response,
    )
    # The summary before the submit follows the answer just saved (an out-of-band swap).
    question.answered = review_selectors.is_answered(question.type, item.response)
    summary = review_selectors.attempt_summary(questions=view.questions)
    return render(request, "quizzes/partials/saved.html", {"item": item, "summary": summary})


@login_required
def attempt_result(request, attempt_id):
    attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    if attempt.is_open and attempt.user_id == request.user.pk:
        return redirect("attempt", attempt_id=attempt.id)
    return render(request, "quizzes/attempt_result.html", _result_context(request, attempt))


@login_required
def attempt_status(request, attempt_id):
    """The result panel alone, polled by htmx while the worker or an instructor grades.

    `?while=<state>`: the page shows that state; while the attempt is still in it the answer
    is 204 (htmx swaps nothing), so a screen reader hears the panel only when it changes.
    """
    attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    if request.GET.get("while") == attempt.state:
        return HttpResponse(status=204)
    return render(
        request, "quizzes/partials/attempt_status.html", _result_context(request, attempt)
    )


def _result_context(request, attempt: Attempt) -> dict:
    own = attempt.user_id == request.user.pk
    quiz = attempt.quiz
    standing = None
    if own and attempt.state == Attempt.State.GRADED:  # for "Try again", within the limit
        standing = review_selectors.quiz_standing(
            quiz=quiz,
            rows=review_selectors.attempts_of_learner(user=request.user, quiz=quiz),
            attempts_allowed=quiz_settings_selectors.quiz_settings_for(
                quiz=quiz, user=request.user
            ).attempts_allowed,
        )
    # Poll while the result may still change: every second while the worker grades, every
    # ten seconds while the learner waits for an instructor's grade.
    poll_every = None
    if attempt.state == Attempt.State.SUBMITTED:
        poll_every = "1s"
    elif attempt.state == Attempt.State.NEEDS_REVIEW and own:
        poll_every = "10s"
    return {
        "attempt": attempt,
        "quiz": quiz,
        "course": quiz.module.course,
        "view": review_selectors.attempt_view(
            attempt=attempt, user=request.user, scored_so_far=own
        ),
        "grading": attempt.state == Attempt.State.SUBMITTED,
        "poll_every": poll_every,
        "standing": standing,
        "own": own,
    }
