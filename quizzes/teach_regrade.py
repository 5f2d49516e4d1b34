"""Instructor pages for regrading and the grade history.

A quiz's regrade: choose what to regrade, see the dry run (whose grades change), confirm,
follow the job's progress bar, read who now falls short. An attempt's grades: its history,
and the form that overrides its total or one question's score. Every page asks the one
selector that says who may manage a course's grades (`may_manage_grades`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lms.errors import ApplicationError, PermissionDenied
from lms.forms import show_service_error
from quizzes.models import MAX_GRADE_REASON, Attempt, Quiz
from quizzes.selectors import regrade as regrade_selectors
from quizzes.services import grade_overrides as override_services
from quizzes.services import regrade as regrade_services

WHOLE_QUIZ = "all"


def _quiz_for_grades(request: HttpRequest, quiz_id: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    if not regrade_selectors.may_manage_grades(user=request.user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors can regrade this quiz.", code="not_instructor"
        )
    return quiz


class RegradeScopeForm(forms.Form):
    scope = forms.ChoiceField(label="What to regrade")

    def __init__(self, *args: object, quiz: Quiz, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        slots = quiz.slots.select_related("question").filter(question__isnull=False)
        self.fields["scope"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (WHOLE_QUIZ, "Every question of the quiz"),
            *((str(s.question_id), f"Question {s.position}: {s.question}") for s in slots),
        ]

    def question_id(self) -> int | None:
        scope = self.cleaned_data["scope"]
        return None if scope == WHOLE_QUIZ else int(scope)


class RegradeConfirmForm(forms.Form):
    reason = forms.CharField(
        label="Why (kept in each changed attempt's grade history)",
        required=False,
        max_length=MAX_GRADE_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the key said B; C is the right answer.",
    )


@login_required
def quiz_regrade(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Choose what to regrade and see the dry run; confirming starts the job."""
    quiz = _quiz_for_grades(request, quiz_id)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "scope" in request.GET else None)
    )
    scope = RegradeScopeForm(data, quiz=quiz)
    confirm = RegradeConfirmForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"quiz": quiz, "scope": scope, "confirm": confirm}
    if scope.is_bound and scope.is_valid():
        if request.method == "POST" and confirm.is_valid():
            try:
                job = regrade_services.regrade_request(
                    actor=request.user,  # type: ignore[arg-type]  # signed in (login_required)
                    quiz=quiz,
                    question_id=scope.question_id(),
                    reason=confirm.cleaned_data["reason"],
                )
            except ApplicationError as error:
                show_service_error(confirm, error)
            else:
                messages.success(request, "Regrade started.")
                return redirect("teach-regrade-job", job_id=job.pk)
        try:
            context["preview"] = regrade_services.regrade_preview(
                actor=request.user,  # type: ignore[arg-type]  # signed in (login_required)
                quiz=quiz,
                question_id=scope.question_id(),
            )
        except ApplicationError as error:
            show_service_error(scope, error)
    return render(request, "quizzes/teach_regrade.html", context)


def _job_context(request: HttpRequest, job_id: int) -> dict[str, object]:
    job = regrade_selectors.regrade_job_for(user=request.user, job_id=job_id)
    context: dict[str, object] = {"job": job, "quiz": job.quiz}
    if job.status == job.Status.DONE:
        context["outcome"] = regrade_selectors.regrade_outcome(job=job)
        context["shortfalls"] = regrade_selectors.regrade_shortfalls(job=job)
    return context


@login_required
def regrade_job(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "quizzes/teach_regrade_job.html", _job_context(request, job_id))


@login_required
def regrade_job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's progress as a fragment, polled by the job page until it is finished."""
    return render(request, "quizzes/teach_regrade_status.html", _job_context(request, job_id))


class GradeOverrideForm(forms.Form):
    target = forms.ChoiceField(label="What to change")
    score = forms.DecimalField(label="New score", min_value=0, max_digits=8, decimal_places=2)
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_GRADE_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required; kept in the grade history, which the course's instructors see.",
    )

    def __init__(self, *args: object, attempt: Attempt, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        items = attempt.questions.select_related("question").order_by("position")
        self.fields["target"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("total", f"The attempt's total (out of {attempt.max_score})"),
            *(
                (str(i.question_id), f"Question {i.position}: {i.question} (out of {i.points})")
                for i in items
                if i.question.takes_answer
            ),
        ]


@login_required
def attempt_grades(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """An attempt's grade history and the override form."""
    attempt = regrade_selectors.attempt_for_grade_manager(user=request.user, attempt_id=attempt_id)
    form = GradeOverrideForm(request.POST or None, attempt=attempt)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            override_services.attempt_grade_override(
                actor=request.user,  # type: ignore[arg-type]  # signed in (login_required)
                attempt_id=attempt.pk,
                question_id=None if target == "total" else int(target),
                score=str(form.cleaned_data["score"]),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, "Grade changed; the change is in the history below.")
            return redirect("teach-attempt-grades", attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return render(
        request,
        "quizzes/teach_regrade_attempt.html",
        {
            "attempt": attempt,
            "items": attempt.questions.select_related("question").order_by("position"),
            "history": regrade_selectors.grade_history(attempt=attempt),
            "form": form,
            "may_override": attempt.state == Attempt.State.GRADED
            and (attempt.user_id != request.user.pk or request.user.is_staff),
        },
    )
