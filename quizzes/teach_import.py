"""Instructor pages: a question file into the course's bank (upload, preview, confirm) and
the bank as a GIFT file.

The previewed file travels to the confirm button signed, inside the page: nothing is stored
between the two steps, and the confirm reads and checks the whole file again.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from courses.models import Course
from lms.errors import ApplicationError, PermissionDenied
from quizzes.formats.files import FILE_FORMATS
from quizzes.models import QuestionCategory
from quizzes.selectors import access as access_selectors
from quizzes.selectors import bank_export as bank_export_selectors
from quizzes.services import bank_import as bank_import_services

# A preview's file, signed for its confirm button; a day is longer than any review of one.
PREVIEW_SALT = "quizzes.bank_import"
PREVIEW_MAX_AGE = 24 * 60 * 60  # seconds


def _taught_course(request, slug: str) -> Course:
    course = get_object_or_404(Course, slug=slug)
    if not access_selectors.is_course_instructor(user=request.user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can change its question bank.", code="not_instructor"
        )
    return course


def _category_choices(course: Course) -> list[tuple[int, str]]:
    paths = bank_export_selectors.category_paths(course=course)
    return sorted(((pk, " / ".join(path)) for pk, path in paths.items()), key=lambda c: c[1])


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Question file",
        help_text=(
            "GIFT (.gift or .txt), Aiken, or Moodle XML (.xml) as Moodle's question bank "
            f"exports it; at most {bank_import_services.IMPORT_MAX_BYTES // 1024} KB."
        ),
    )
    file_format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "Tell from the file's name"), *FILE_FORMATS.items()],
    )
    category = forms.TypedChoiceField(
        label="Category for questions the file files nowhere",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=(
            "The file's own categories ($CATEGORY: in GIFT) are made from the top of the bank; "
            f"questions outside them go here, or to “{bank_import_services.DEFAULT_CATEGORY}”."
        ),
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.TypedChoiceField)  # as declared
        category.choices = [
            ("", f"“{bank_import_services.DEFAULT_CATEGORY}” (made if missing)"),
            *_category_choices(course),
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            bank_import_services.import_size_check(upload.size)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None
        return upload


def _import_page(request, course: Course, form: ImportUploadForm, status: int = 200):
    return render(
        request,
        "quizzes/teach_import.html",
        {"course": course, "form": form, "categories": _category_choices(course)},
        status=status,
    )


@login_required
def bank_import(request, slug):
    """Upload a question file; its preview shows what will be created and every problem."""
    course = _taught_course(request, slug)
    if request.method != "POST":
        return _import_page(request, course, ImportUploadForm(course=course))
    form = ImportUploadForm(request.POST, request.FILES, course=course)
    if not form.is_valid():
        return _import_page(request, course, form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    category_id = form.cleaned_data["category"]
    category = QuestionCategory.objects.get(pk=category_id) if category_id else None
    try:
        plan = bank_import_services.bank_import_preview(
            actor=request.user,
            course=course,
            data=data,
            file_format=form.cleaned_data["file_format"] or None,
            filename=upload.name or "",
            category=category,
        )
    except ApplicationError as error:
        form.add_error(
            "file_format" if error.code == "import_format_unknown" else "file", error.message
        )
        return _import_page(request, course, form, status=400)
    token = ""
    if plan.is_valid:
        token = signing.dumps(
            {
                "course": course.pk,
                "format": plan.file_format,
                "category": category_id,
                "name": upload.name or "",
                "text": data.decode("utf-8-sig"),
            },
            salt=PREVIEW_SALT,
            compress=True,
        )
    return render(
        request,
        "quizzes/teach_import_preview.html",
        {
            "course": course,
            "plan": plan,
            "filename": upload.name,
            "token": token,
            "category": category,
        },
        status=200 if plan.is_valid else 400,
    )


@login_required
@require_POST
def bank_import_confirm(request, slug):
    """Write every question of the previewed file, or none."""
    course = _taught_course(request, slug)
    try:
        sent = signing.loads(
            request.POST.get("file", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
        )
    except signing.BadSignature:
        sent = None
    if not isinstance(sent, dict) or sent.get("course") != course.pk:
        messages.error(request, "Upload the file again: its preview was too old or not sent back.")
        return redirect("teach-bank-import", slug=course.slug)
    category = (
        QuestionCategory.objects.filter(pk=sent["category"], course=course).first()
        if sent["category"]
        else None
    )
    try:
        result = bank_import_services.bank_import_confirm(
            actor=request.user,
            course=course,
            data=sent["text"].encode("utf-8"),
            file_format=sent["format"],
            filename=sent["name"],
            category=category,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("teach-bank-import", slug=course.slug)
    count, made = len(result.questions), len(result.categories)
    messages.success(
        request,
        f"{count} question{'s' if count != 1 else ''} imported into the bank from "
        f"{sent['name'] or 'the file'}"
        + (f", with {made} new categor{'ies' if made != 1 else 'y'}" if made else "")
        + ".",
    )
    return redirect("teach-bank-import", slug=course.slug)


@login_required
@require_GET
def bank_export(request, slug):
    """The bank, or one category of it with its subcategories, as a GIFT file."""
    course = _taught_course(request, slug)
    category = None
    wanted = request.GET.get("category", "")
    if wanted:
        category = get_object_or_404(
            QuestionCategory, pk=int(wanted) if wanted.isdecimal() else 0, course=course
        )
    questions = bank_export_selectors.bank_questions(course=course, category=category)
    text = bank_export_selectors.bank_gift(course=course, questions=questions)
    name = f"{course.slug}-{category.pk}" if category else course.slug
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-questions.gift"'
    return response
