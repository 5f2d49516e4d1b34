from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courses.selectors import courses_visible_to, enrolment_of
from lms.errors import ApplicationError, NotFound

from . import selectors, services
from .models import Attempt, Quiz


def _form_choice_ids(request, question_id: int) -> list[int]:
    try:
        return [int(v) for v in request.POST.getlist(f"q{question_id}")]
    except ValueError:
        raise ApplicationError(
            "That answer is not one of the choices.", code="invalid_choice"
        ) from None


@login_required
def quiz_detail(request, quiz_id):
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    course = quiz.module.course
    if not courses_visible_to(user=request.user).filter(pk=course.pk).exists():
        raise NotFound("No such quiz.")
    attempts = selectors.attempts_of_learner(user=request.user, quiz=quiz)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "course": course,
            "enrolment": enrolment_of(user=request.user, course=course),
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if a.is_open), None),
            "question_count": quiz.slots.count(),
        },
    )


@login_required
@require_POST
def attempt_start(request, quiz_id):
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    attempt, _ = services.attempt_start(user=request.user, quiz=quiz)
    return redirect("attempt", attempt_id=attempt.id)


@login_required
def attempt_take(request, attempt_id):
    attempt = selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    if attempt.user_id != request.user.pk or not attempt.is_open:
        return redirect("attempt-result", attempt_id=attempt.id)
    if request.method == "POST":
        view = selectors.attempt_view(attempt=attempt, user=request.user)
        responses = {}
        for question in view.questions:
            ids = _form_choice_ids(request, question.question_id)
            if ids:
                responses[question.question_id] = {"choice_ids": ids}
        services.attempt_submit(user=request.user, attempt_id=attempt.id, responses=responses)
        return redirect("attempt-result", attempt_id=attempt.id)
    view = selectors.attempt_view(attempt=attempt, user=request.user)
    return render(request, "quizzes/attempt_take.html", {"attempt": attempt, "view": view})


@login_required
@require_POST
def attempt_autosave(request, attempt_id, question_id):
    ids = _form_choice_ids(request, question_id)
    item = services.attempt_save_response(
        user=request.user,
        attempt_id=attempt_id,
        question_id=question_id,
        response={"choice_ids": ids},
    )
    return render(request, "quizzes/partials/saved.html", {"item": item})


@login_required
def attempt_result(request, attempt_id):
    attempt = selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    if attempt.is_open and attempt.user_id == request.user.pk:
        return redirect("attempt", attempt_id=attempt.id)
    return render(request, "quizzes/attempt_result.html", _result_context(request, attempt))


@login_required
def attempt_status(request, attempt_id):
    """The result panel alone, polled by htmx until the worker has graded the attempt."""
    attempt = selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    return render(
        request, "quizzes/partials/attempt_status.html", _result_context(request, attempt)
    )


def _result_context(request, attempt: Attempt) -> dict:
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "course": attempt.quiz.module.course,
        "view": selectors.attempt_view(attempt=attempt, user=request.user),
        "grading": attempt.state == Attempt.State.SUBMITTED,
    }
