"""Instructor pages: quiz builder, preview, essay grading queue, overrides.

Every page checks that the caller teaches the quiz's course (staff may do everything); the
services check it again, since they are the way in for every caller.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from courses.models import Enrolment, Module
from courses.selectors import authoring as course_authoring_selectors
from courses.selectors import staff as staff_selectors
from lms.errors import ApplicationError, NotFound, PermissionDenied
from lms.forms import show_service_error
from quizzes.selectors import access as access_selectors
from quizzes.selectors import bank as bank_selectors
from quizzes.selectors import quiz_settings as quiz_settings_selectors
from quizzes.selectors import review as review_selectors
from quizzes.selectors import teaching as teaching_selectors
from quizzes.services import attempts as attempts_services
from quizzes.services import authoring as authoring_services
from quizzes.services import grading as grading_services
from quizzes.services import overrides as overrides_services
from quizzes.views import form_response

from . import forms
from .models import Attempt, AttemptQuestion, Question, Quiz, QuizOverride, QuizSlot


def _taught_quiz(request, quiz_id) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    if not access_selectors.is_course_instructor(user=request.user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors can change this quiz.", code="not_instructor"
        )
    return quiz


@login_required
def teach_home(request):
    quizzes = access_selectors.quizzes_taught_by(user=request.user)
    modules = Module.objects.select_related("course").order_by("course__title", "position")
    if not request.user.is_staff:
        modules = modules.filter(course__instructors=request.user)
    instructed = staff_selectors.courses_instructed_by(user=request.user)
    return render(
        request,
        "quizzes/teach/home.html",
        {
            "quizzes": quizzes,
            "modules": modules,
            "waiting": teaching_selectors.essays_awaiting_grading(user=request.user).count(),
            "courses": staff_selectors.courses_taught_by(user=request.user).order_by("title"),
            # Assistants see their courses; only instructors get the authoring pages.
            "instructs": set(instructed.values_list("id", flat=True)),
            "may_create_course": course_authoring_selectors.may_create_course(user=request.user),
        },
    )


@login_required
@require_POST
def quiz_new(request):
    module_id = request.POST.get("module", "")
    if not module_id.isdecimal():
        raise Http404("No such module.")
    module = get_object_or_404(Module.objects.select_related("course"), pk=int(module_id))
    title = request.POST.get("title", "").strip() or f"{module.title} quiz"
    quiz = authoring_services.quiz_create(actor=request.user, module=module, title=title)
    return redirect("teach-quiz", quiz_id=quiz.id)


def _bands_initial(quiz: Quiz) -> list[dict]:
    return [{"min_percent": b.min_percent, "text": b.text} for b in quiz.feedback_bands.all()]


@login_required
def quiz_edit(request, quiz_id):
    """The builder: settings, review options, feedback bands, and the quiz's questions."""
    quiz = _taught_quiz(request, quiz_id)
    form = forms.QuizSettingsForm(request.POST or None, instance=Quiz.objects.get(pk=quiz.pk))
    bands = forms.FeedbackBandFormSet(
        request.POST or None, initial=[*_bands_initial(quiz), {}, {}], prefix="bands"
    )
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        settings = {name: form.cleaned_data[name] for name in form.Meta.fields}
        rows = [
            (b["min_percent"], b["text"])
            for b in bands.cleaned_data
            if b and b.get("min_percent") is not None and b.get("text", "").strip()
        ]
        try:
            authoring_services.quiz_settings_update(actor=request.user, quiz=quiz, **settings)
            authoring_services.quiz_feedback_bands_set(actor=request.user, quiz=quiz, bands=rows)
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, "Quiz settings saved.")
            return redirect("teach-quiz", quiz_id=quiz.id)
    slots = list(quiz.slots.select_related("question", "random_category").order_by("position"))
    return render(
        request,
        "quizzes/teach/quiz_edit.html",
        {
            "quiz": quiz,
            "form": form,
            "bands": bands,
            "slots": slots,
            "focus": _focus_after_move(request, slots),
            "shortfalls": bank_selectors.random_slot_shortfalls(slots=slots),
            "types": Question.Type.choices,
            "review_fields": [form[name] for name in form.REVIEW_FIELDS],
        },
    )


def _focus_after_move(request, slots: list[QuizSlot]) -> dict | None:
    """The arrow button to focus after a move: the one pressed, or the other one once the
    question has reached the top or the bottom (a disabled button cannot take focus)."""
    moved, pressed = request.GET.get("moved", ""), request.GET.get("to", "")
    index = next((n for n, s in enumerate(slots) if str(s.pk) == moved), None)
    if index is None or pressed not in ("up", "down") or len(slots) < 2:
        return None
    if pressed == "up" and index == 0:
        pressed = "down"
    elif pressed == "down" and index == len(slots) - 1:
        pressed = "up"
    return {"slot": slots[index].pk, "button": pressed}


def _question_initial(question: Question) -> tuple[dict, list[dict], dict]:
    base = {
        "name": question.name,
        "text": question.text,
        "general_feedback": question.general_feedback,
        "default_points": question.default_points,
        "case_sensitive": question.case_sensitive,
    }
    rows = list(question.choices.order_by("position"))
    answers, tf = [], {}
    if question.type == Question.Type.TRUE_FALSE:
        by_text = {c.text: c for c in rows}
        tf = {
            "right": "true" if by_text.get("True") and by_text["True"].fraction > 0 else "false",
            "feedback_true": getattr(by_text.get("True"), "feedback", ""),
            "feedback_false": getattr(by_text.get("False"), "feedback", ""),
        }
    elif question.type == Question.Type.NUMERICAL:
        answers = [forms.NumericalAnswerForm.initial_for(c) for c in rows]
    else:
        answers = [
            {
                "text": c.text,
                "match_text": c.match_text,
                "fraction": c.fraction.normalize(),
                "feedback": c.feedback,
            }
            for c in rows
        ]
    return base, answers, tf


@login_required
def question_edit(request, quiz_id, question_type=None, question_id=None):
    """Add a question of any type to the quiz, or edit one of its questions."""
    quiz = _taught_quiz(request, quiz_id)
    question = None
    if question_id is not None:
        slot = quiz.slots.select_related("question").filter(question_id=question_id).first()
        if slot is None:
            raise NotFound("That question is not in this quiz.")
        question = slot.question
        assert question is not None  # the slot was found by its question
        question_type = question.type
    if question_type not in Question.Type.values:
        raise NotFound("No such question type.")
    base, answers_initial, tf_initial = _question_initial(question) if question else ({}, [], {})
    data = request.POST or None
    form = forms.QuestionForm(data, initial=base, question_type=question_type)
    answers = forms.answer_formset(question_type, data=data, initial=answers_initial)
    tf = (
        forms.TrueFalseForm(data, initial=tf_initial, prefix="tf")
        if question_type == Question.Type.TRUE_FALSE
        else None
    )
    # "Add another answer" posts the form back: shown again as typed, one more row, unsaved.
    adding_row = answers is not None and data is not None and "add_answer" in data
    if adding_row:
        form = forms.QuestionForm(initial=forms.posted_values(form), question_type=question_type)
        answers = forms.answer_formset_with_another_row(question_type, data=data)
    elif request.method == "POST":
        valid = form.is_valid() and (answers is None or answers.is_valid())
        valid = valid and (tf is None or tf.is_valid())
        if valid:
            if tf is not None:
                rows = tf.answers()
            elif answers is not None:
                rows = [a for a in (f.answer() for f in answers.forms) if a]
            else:
                rows = []
            fields = dict(form.cleaned_data)  # only the fields this type has
            try:
                if question is None:
                    authoring_services.question_create(
                        actor=request.user, quiz=quiz, type=question_type, answers=rows, **fields
                    )
                else:
                    authoring_services.question_update(
                        actor=request.user, quiz=quiz, question=question, answers=rows, **fields
                    )
            except ApplicationError as error:
                show_service_error(form, error)
            else:
                messages.success(request, "Question saved.")
                return redirect("teach-quiz", quiz_id=quiz.id)
    return render(
        request,
        "quizzes/teach/question_edit.html",
        {
            "quiz": quiz,
            "question": question,
            "type_label": Question.Type(question_type).label,
            "question_type": question_type,
            "form": form,
            "answers": answers,
            "tf": tf,
            "max_answers": forms.MAX_ANSWERS,
            "not_saved": request.method == "POST" and not adding_row,
            "asked": question is not None and bank_selectors.question_is_asked(question=question),
        },
    )


@login_required
@require_POST
def slot_change(request, quiz_id, slot_id):
    """Move a question up or down, or remove it from the quiz once the instructor confirms."""
    quiz = _taught_quiz(request, quiz_id)
    action = request.POST.get("action")
    slot = quiz.slots.select_related("question", "random_category").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("No such question in this quiz.")
    edit_url = reverse("teach-quiz", kwargs={"quiz_id": quiz.id})
    if action == "remove":
        if request.POST.get("confirmed") != "yes":
            return render(request, "quizzes/teach/slot_remove.html", {"quiz": quiz, "slot": slot})
        authoring_services.quiz_slot_remove(actor=request.user, quiz=quiz, slot_id=slot_id)
        messages.success(
            request,
            format_html(
                'Question removed from the quiz (it stays in the <a href="{}">bank</a>).',
                reverse("teach-bank", kwargs={"slug": quiz.module.course.slug}),
            ),
        )
        return redirect(f"{edit_url}#questions-heading")
    if action not in ("up", "down"):
        raise ApplicationError("Unknown action.")
    offset = -1 if action == "up" else 1
    authoring_services.quiz_slot_move(actor=request.user, quiz=quiz, slot_id=slot_id, offset=offset)
    # Back to the moved question's row, its arrow focused (autofocus, which also scrolls it
    # into view), so the keyboard stays in place. No #fragment: a target cancels autofocus.
    return redirect(f"{edit_url}?moved={slot_id}&to={action}")


def _preview_responses(
    view: review_selectors.AttemptView, data
) -> tuple[dict[int, object], dict[str, str]]:
    """The answers in a posted preview, read as a learner's page reads them, and the
    questions whose answer could not be read (question id -> why)."""
    responses: dict[int, object] = {}
    problems: dict[str, str] = {}
    for question in view.questions:
        try:
            response = form_response(question, data)
        except ApplicationError as error:
            problems[str(question.question_id)] = error.message
        else:
            if response is not ...:
                responses[question.question_id] = response
    return responses, problems


@login_required
def quiz_preview(request, quiz_id):
    """The quiz as a learner sees it: drawn and shuffled, then answered, graded and reviewed
    with every review option on. Nothing is saved: the draw travels in the form, signed."""
    quiz = _taught_quiz(request, quiz_id)
    context: dict = {
        "quiz": quiz,
        "course": quiz.module.course,
        "rules": quiz_settings_selectors.quiz_settings_for(quiz=quiz, user=None),
    }
    # Viewed as its learner views an attempt in progress: nothing of the key shows.
    answering = Attempt(quiz=quiz, user=request.user, number=1)
    items = None
    if request.method == "POST":
        try:
            items = authoring_services.quiz_preview_items(
                actor=request.user, quiz=quiz, token=request.POST.get("draw", "")
            )
        except ApplicationError as error:
            context["problem"] = error.message
        else:
            view = review_selectors.attempt_view_of_items(
                attempt=answering, items=items, user=request.user
            )
            responses, problems = _preview_responses(view, request.POST)
            if not problems:
                try:
                    graded = authoring_services.quiz_preview_grade(
                        actor=request.user, quiz=quiz, items=items, responses=responses
                    )
                except ApplicationError as error:
                    found = (error.details or {}).get("questions")
                    problems = found if isinstance(found, dict) else {}
                    context["problem"] = None if problems else error.message
                else:
                    review = review_selectors.attempt_view_of_items(
                        attempt=graded, items=items, user=request.user
                    )
                    waiting = any(
                        i.question.type == Question.Type.ESSAY and i.score is None for i in items
                    )
                    return render(
                        request,
                        "quizzes/teach/preview.html",
                        {**context, "review": review, "attempt": graded, "essay_waits": waiting},
                    )
            # Shown again as answered, with the reasons, for the instructor to correct.
            for item in items:
                item.response = responses.get(item.question_id)
            context["problems"] = [
                (q.position, q.question_id, problems[str(q.question_id)])
                for q in view.questions
                if str(q.question_id) in problems
            ]
    if items is None:
        items = attempts_services.attempt_questions_draw(attempt=answering)
    context["view"] = review_selectors.attempt_view_of_items(
        attempt=answering, items=items, user=request.user
    )
    context["draw"] = authoring_services.quiz_preview_token(quiz=quiz, items=items)
    return render(request, "quizzes/teach/preview.html", context)


@login_required
def grading_queue(request):
    waiting = teaching_selectors.essays_awaiting_grading(user=request.user)
    return render(request, "quizzes/teach/grading_queue.html", {"items": waiting})


@login_required
def essay_grade(request, attempt_id, question_id):
    attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
    if not access_selectors.is_course_staff(user=request.user, course=attempt.quiz.course):
        raise NotFound("No such attempt.")
    item = get_object_or_404(
        AttemptQuestion.objects.select_related("question"),
        attempt=attempt,
        question_id=question_id,
        question__type=Question.Type.ESSAY,
    )
    form = forms.EssayGradeForm(
        request.POST or None,
        initial={"score": item.score, "comment": item.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            graded = grading_services.attempt_question_grade(
                grader=request.user,
                attempt_id=attempt.id,
                question_id=question_id,
                score=str(form.cleaned_data["score"]),
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            if graded.state == Attempt.State.GRADED:
                messages.success(
                    request,
                    f"Attempt graded: {graded.user.get_full_name()} scored {graded.percent}%.",
                )
            else:
                messages.success(request, "Score saved; this attempt has more essays to grade.")
            return redirect("teach-grading")
    return render(
        request,
        "quizzes/teach/essay_grade.html",
        {"attempt": attempt, "item": item, "form": form},
    )


@login_required
def overrides(request, quiz_id):
    quiz = _taught_quiz(request, quiz_id)
    # Only the course's learners can be chosen; the form lists them sorted, as searched.
    enrolled = Enrolment.objects.filter(course=quiz.module.course).values_list("user", flat=True)
    users = get_user_model().objects.filter(pk__in=enrolled)
    query = " ".join(request.GET.get("q", "").split())[:100]
    form = forms.OverrideForm(request.POST or None, learners=users, query=query)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            overrides_services.quiz_override_set(
                actor=request.user,
                quiz=quiz,
                user=data["user"],
                time_limit_minutes=data["time_limit_minutes"],
                attempts_allowed=data["attempts_allowed"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, f"Override saved for {data['user'].get_full_name()}.")
            return redirect("teach-overrides", quiz_id=quiz.id)
    return render(
        request,
        "quizzes/teach/overrides.html",
        {"quiz": quiz, "form": form, "overrides": teaching_selectors.quiz_overrides(quiz=quiz)},
    )


@login_required
@require_POST
def override_delete(request, quiz_id, override_id):
    quiz = _taught_quiz(request, quiz_id)
    override = get_object_or_404(QuizOverride, pk=override_id, quiz=quiz)
    overrides_services.quiz_override_delete(actor=request.user, override_id=override.id)
    messages.success(request, "Override removed.")
    return redirect("teach-overrides", quiz_id=quiz.id)
