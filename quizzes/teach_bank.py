"""Instructor pages of a course's question bank: questions searched and filtered, the category
tree, tags, moving and copying, editing a bank question; and the quiz builder's "add from the
bank" and "add random questions".

Every page checks that the caller teaches the course (staff may do everything); the bank's
services check it again, since they are the way in for every caller.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from courses.models import Course
from lms.errors import ApplicationError, NotFound, PermissionDenied
from lms.forms import show_service_error
from quizzes.selectors import access as access_selectors
from quizzes.selectors import bank as bank_selectors
from quizzes.services import authoring as authoring_services
from quizzes.services import bank as bank_services

from . import forms, forms_bank
from .models import Question, QuestionCategory, QuestionTag
from .teach import _question_initial, _taught_quiz

BANK_PAGE_SIZE = 50


def _taught_course(request, slug: str) -> Course:
    course = get_object_or_404(Course, slug=slug)
    if not access_selectors.is_course_instructor(user=request.user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can open its question bank.", code="not_instructor"
        )
    return course


def _questions(count: int, noun: str = "question") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _question_ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdecimal()]


def _bank_url(course: Course, filters: str = "") -> str:
    """The bank page, with the filters it was showing (a query string, re-encoded)."""
    url = reverse("teach-bank", kwargs={"slug": course.slug})
    kept = QueryDict(filters).dict()
    wanted = {k: v for k, v in kept.items() if k in ("q", "type", "category", "tag", "page")}
    return f"{url}?{urlencode(wanted)}" if wanted else url


@login_required
def bank(request, slug):
    """The bank: filters, the category tree, the questions with where each is used."""
    course = _taught_course(request, slug)
    tree = bank_selectors.category_tree(course=course)
    nodes = bank_selectors.tree_flat(tree)
    tags = list(bank_selectors.course_tags(course=course))
    filters = forms_bank.BankFilterForm(request.GET or None, nodes=nodes, tags=tags)
    questions = bank_selectors.bank_questions(course=course, **filters.filters())
    page = Paginator(questions, BANK_PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    uses = bank_selectors.questions_uses(questions=listed)
    paths = bank_selectors.category_paths(tree)
    return render(
        request,
        "quizzes/teach_bank.html",
        {
            "course": course,
            "filters": filters,
            "filtering": any(request.GET.get(k) for k in ("q", "type", "category", "tag")),
            "query": request.GET.urlencode(),
            "page_query": _page_query(request),
            "page": page,
            "rows": [(q, paths.get(q.category_id, ""), uses[q.pk]) for q in listed],
            "tree": tree,
            "category_choices": forms_bank.category_choices(nodes),
            "parent_choices": forms_bank.category_choices(nodes, blank="(the top of the bank)"),
            "tags": tags,
            "new_category": forms_bank.CategoryForm(nodes=nodes, prefix="new"),
            "types": Question.Type.choices,
        },
    )


def _page_query(request) -> str:
    """The page's filters as a query string, without the page number (for the page links)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _report(request, error: ApplicationError) -> None:
    """A refusal shown above the page; not-yours and not-found stay the error pages they are."""
    if error.status in (403, 404):
        raise error
    messages.error(request, error.message)


@login_required
@require_POST
def bank_category_new(request, slug):
    course = _taught_course(request, slug)
    nodes = bank_selectors.tree_flat(bank_selectors.category_tree(course=course))
    form = forms_bank.CategoryForm(request.POST, nodes=nodes, prefix="new")
    if not form.is_valid():
        messages.error(request, "Give the new category a name.")
        return redirect(_bank_url(course))
    try:
        category = bank_services.category_create(
            actor=request.user,
            course=course,
            name=form.cleaned_data["name"],
            parent=form.parent_category(),
        )
    except ApplicationError as error:
        _report(request, error)
    else:
        messages.success(request, f"Category “{category.name}” added.")
    return redirect(_bank_url(course))


@login_required
@require_POST
def bank_category_change(request, slug, category_id):
    """Rename, move (nest) or delete a category."""
    course = _taught_course(request, slug)
    category = get_object_or_404(QuestionCategory, pk=category_id, course=course)
    action = request.POST.get("action")
    try:
        if action == "rename":
            category = bank_services.category_rename(
                actor=request.user, category=category, name=request.POST.get("name", "")
            )
            messages.success(request, f"Category renamed “{category.name}”.")
        elif action == "move":
            parent_id = request.POST.get("parent", "")
            parent = (
                get_object_or_404(QuestionCategory, pk=int(parent_id), course=course)
                if parent_id.isdecimal()
                else None
            )
            bank_services.category_move(actor=request.user, category=category, parent=parent)
            where = f"inside “{parent.name}”" if parent else "to the top of the bank"
            messages.success(request, f"Category “{category.name}” moved {where}.")
        elif action == "delete":
            bank_services.category_delete(actor=request.user, category=category)
            messages.success(request, f"Category “{category.name}” deleted.")
        else:
            raise ApplicationError("Unknown action.")
    except ApplicationError as error:
        _report(request, error)
    return redirect(_bank_url(course))


@login_required
@require_POST
def bank_questions_change(request, slug):
    """The selected questions: move or copy to a category, tag or untag."""
    course = _taught_course(request, slug)
    ids = _question_ids(request.POST.getlist("question"))
    action = request.POST.get("action")
    back = _bank_url(course, request.POST.get("filters", ""))
    try:
        if action in ("move", "copy"):
            target_id = request.POST.get(f"{action}_to", "")
            if not target_id.isdecimal():
                raise ApplicationError("Choose the category to put them in.")
            target = get_object_or_404(QuestionCategory, pk=int(target_id), course=course)
            if action == "move":
                count = bank_services.questions_move(
                    actor=request.user, course=course, question_ids=ids, category=target
                )
                messages.success(request, f"{_questions(count)} moved to “{target.name}”.")
            else:
                copies = bank_services.questions_copy(
                    actor=request.user, course=course, question_ids=ids, category=target
                )
                messages.success(request, f"{_questions(len(copies))} copied to “{target.name}”.")
        elif action == "tag":
            tag = bank_services.questions_tag(
                actor=request.user,
                course=course,
                question_ids=ids,
                name=request.POST.get("tag_name", ""),
            )
            messages.success(request, f"Tagged “{tag.name}”.")
        elif action == "untag":
            tag_id = request.POST.get("tag", "")
            if not tag_id.isdecimal():
                raise ApplicationError("Choose the tag to take off.")
            tag = get_object_or_404(QuestionTag, pk=int(tag_id), course=course)
            bank_services.questions_untag(
                actor=request.user, course=course, question_ids=ids, tag=tag
            )
            messages.success(request, f"Tag “{tag.name}” taken off.")
        else:
            raise ApplicationError("Unknown action.")
    except ApplicationError as error:
        _report(request, error)
    return redirect(back)


def _question_page(
    request,
    *,
    question_type: str,
    question: Question | None,
    save,
    template: str,
    context: dict,
    place: forms_bank.BankPlaceForm | None = None,
) -> HttpResponse | None:
    """The question editor's forms and their handling, as the builder's page has them:
    `save(fields, answers)` is called with the checked values and returns the redirect, or
    raises the service's ApplicationError (shown on the form)."""
    base, answers_initial, tf_initial = _question_initial(question) if question else ({}, [], {})
    data = request.POST or None
    form = forms.QuestionForm(data, initial=base, question_type=question_type)
    answers = forms.answer_formset(question_type, data=data, initial=answers_initial)
    tf = (
        forms.TrueFalseForm(data, initial=tf_initial, prefix="tf")
        if question_type == Question.Type.TRUE_FALSE
        else None
    )
    adding_row = answers is not None and data is not None and "add_answer" in data
    if adding_row:
        form = forms.QuestionForm(initial=forms.posted_values(form), question_type=question_type)
        answers = forms.answer_formset_with_another_row(question_type, data=data)
    elif request.method == "POST":
        valid = form.is_valid() and (answers is None or answers.is_valid())
        valid = valid and (tf is None or tf.is_valid()) and (place is None or place.is_valid())
        if valid:
            if tf is not None:
                rows = tf.answers()
            elif answers is not None:
                rows = [a for a in (f.answer() for f in answers.forms) if a]
            else:
                rows = []
            try:
                return save(dict(form.cleaned_data), rows)
            except ApplicationError as error:
                if error.status in (403, 404):
                    raise
                show_service_error(form, error)
    return render(
        request,
        template,
        {
            **context,
            "question": question,
            "type_label": Question.Type(question_type).label,
            "question_type": question_type,
            "form": form,
            "answers": answers,
            "tf": tf,
            "place": place,
            "max_answers": forms.MAX_ANSWERS,
            "not_saved": request.method == "POST" and not adding_row,
        },
    )


@login_required
def bank_question_edit(request, slug, question_id=None, question_type=None):
    """Write a new question into the bank, or edit one (a new version once it was asked)."""
    course = _taught_course(request, slug)
    question = None
    if question_id is not None:
        question = (
            Question.objects.select_related("category")
            .filter(pk=question_id, category__course=course, is_current=True)
            .first()
        )
        if question is None:
            raise NotFound("No such question in this bank.")
        question_type = question.type
    if question_type not in Question.Type.values:
        raise NotFound("No such question type.")
    nodes = bank_selectors.tree_flat(bank_selectors.category_tree(course=course))
    place = None
    if question is None:
        if not nodes:
            messages.error(request, "Add a category first: every bank question sits in one.")
            return redirect(_bank_url(course))
        place = forms_bank.BankPlaceForm(
            request.POST or None,
            nodes=nodes,
            initial={"category": request.GET.get("category", "")},
        )

    def save(fields: dict, rows: list[dict]) -> HttpResponse:
        if question is None:
            assert place is not None  # a new question is placed in a category
            bank_services.bank_question_create(
                actor=request.user,
                category=place.chosen_category(),
                type=question_type,
                answers=rows,
                **fields,
            )
            messages.success(request, "Question added to the bank.")
        else:
            saved = authoring_services.question_revise(
                actor=request.user, question=question, answers=rows, **fields
            )
            if saved.pk != question.pk:
                messages.success(
                    request,
                    f"Saved as version {saved.version}. Attempts already made keep "
                    f"version {question.version}, the one their learners were asked.",
                )
            else:
                messages.success(request, "Question saved.")
        return redirect(_bank_url(course))

    asked = question is not None and bank_selectors.question_is_asked(question=question)
    return _question_page(
        request,
        question_type=question_type,
        question=question,
        save=save,
        place=place,
        template="quizzes/teach_bank_question.html",
        context={
            "course": course,
            "asked": asked,
            "uses": bank_selectors.question_uses(question=question) if question else [],
        },
    )


@login_required
def quiz_bank_add(request, quiz_id):
    """The builder's "add from the bank": pick questions (filtered), added at the quiz's end."""
    quiz = _taught_quiz(request, quiz_id)
    course = quiz.module.course
    if request.method == "POST":
        ids = _question_ids(request.POST.getlist("question"))
        try:
            slots = bank_services.quiz_slots_add_questions(
                actor=request.user, quiz=quiz, question_ids=ids
            )
        except ApplicationError as error:
            _report(request, error)
        else:
            messages.success(request, f"{_questions(len(slots))} added from the bank.")
            return redirect(
                f"{reverse('teach-quiz', kwargs={'quiz_id': quiz.id})}#questions-heading"
            )
    tree = bank_selectors.category_tree(course=course)
    nodes = bank_selectors.tree_flat(tree)
    tags = list(bank_selectors.course_tags(course=course))
    filters = forms_bank.BankFilterForm(request.GET or None, nodes=nodes, tags=tags)
    questions = bank_selectors.bank_questions(course=course, **filters.filters())
    page = Paginator(questions, BANK_PAGE_SIZE).get_page(request.GET.get("page"))
    in_quiz = set(quiz.slots.values_list("question_id", flat=True))
    paths = bank_selectors.category_paths(tree)
    return render(
        request,
        "quizzes/teach_bank_pick.html",
        {
            "quiz": quiz,
            "course": course,
            "filters": filters,
            "page_query": _page_query(request),
            "page": page,
            "rows": [(q, paths.get(q.category_id, ""), q.pk in in_quiz) for q in page],
        },
    )


@login_required
def quiz_bank_random(request, quiz_id):
    """The builder's "add random questions from a category": a slot drawing N per attempt."""
    quiz = _taught_quiz(request, quiz_id)
    course = quiz.module.course
    nodes = bank_selectors.tree_flat(bank_selectors.category_tree(course=course))
    form = forms_bank.RandomSlotForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        try:
            slot = bank_services.quiz_slot_add_random(
                actor=request.user,
                quiz=quiz,
                category=form.chosen_category(),
                count=form.cleaned_data["count"],
                points=form.cleaned_data["points"],
            )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            show_service_error(form, error)
        else:
            messages.success(
                request,
                f"Each attempt now draws {_questions(slot.random_count, 'random question')} "
                f"from “{form.chosen_category().name}” and its subcategories.",
            )
            return redirect(
                f"{reverse('teach-quiz', kwargs={'quiz_id': quiz.id})}#questions-heading"
            )
    return render(
        request,
        "quizzes/teach_bank_random.html",
        {"quiz": quiz, "course": course, "form": form, "has_categories": bool(nodes)},
    )
