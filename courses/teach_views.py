"""Course authoring pages: a new course, its settings and modules, module and lesson editors
with a live preview, images and files; and the views that serve those images and files.

Every page checks that the caller teaches the course (staff may do everything); the services
check it again, since they are the way in for every caller.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from courses.selectors import authoring as authoring_selectors
from courses.selectors import catalogue as catalogue_selectors
from courses.services import authoring as authoring_services
from courses.services import lesson_files as files_services
from lms.errors import ApplicationError, NotFound
from lms.forms import show_service_error

from . import teach_forms as forms
from .models import Lesson, LessonAttachment, LessonImage, Module


def _taught_module(request, module_id: int) -> Module:
    module = get_object_or_404(Module.objects.select_related("course"), pk=module_id)
    authoring_selectors.require_course_instructor(user=request.user, course=module.course)
    return module


def _taught_lesson(request, lesson_id: int) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("module__course"), pk=lesson_id)
    authoring_selectors.require_course_instructor(user=request.user, course=lesson.module.course)
    return lesson


def _focus_after_move(request, ids: list[int]) -> dict | None:
    """The arrow button to focus after a move: the one pressed, or the other one at the top
    or the bottom (a disabled button cannot take focus)."""
    moved, pressed = request.GET.get("moved", ""), request.GET.get("to", "")
    index = next((n for n, i in enumerate(ids) if str(i) == moved), None)
    if index is None or pressed not in ("up", "down") or len(ids) < 2:
        return None
    if pressed == "up" and index == 0:
        pressed = "down"
    elif pressed == "down" and index == len(ids) - 1:
        pressed = "up"
    return {"id": ids[index], "button": pressed}


def _offset(request) -> tuple[str, int]:
    action = request.POST.get("action", "")
    if action not in ("up", "down"):
        raise ApplicationError("Move up or down.", code="invalid_action")
    return action, -1 if action == "up" else 1


# --- courses ---------------------------------------------------------------------------------


@login_required
def course_new(request):
    authoring_selectors.require_course_creator(user=request.user)
    form = forms.CourseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = authoring_services.course_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, "Course created as a draft: only its instructors see it.")
            return redirect("teach-course", slug=course.slug)
    return render(
        request, "courses/teach/course_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _branding_initial(course) -> dict:
    branding = getattr(course, "certificate_branding", None)
    return {name: getattr(branding, name, "") for name in authoring_services.BRANDING_FIELDS}


@login_required
def course_edit(request, slug):
    """The course's settings, its continuing-education fields, and its modules in order."""
    course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
    initial = {name: getattr(course, name) for name in authoring_services.COURSE_FIELDS}
    form = forms.CourseSettingsForm(
        request.POST or None, initial={**initial, **_branding_initial(course)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                course = authoring_services.course_update(
                    actor=request.user, course=course, **form.course_fields()
                )
                authoring_services.course_branding_update(
                    actor=request.user, course=course, **form.branding_fields()
                )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, "Course settings saved.")
            return redirect("teach-course", slug=course.slug)
    modules = list(course.modules.all())
    return render(
        request,
        "courses/teach/course_edit.html",
        {
            "course": course,
            "form": form,
            "modules": modules,
            "focus": _focus_after_move(request, [m.pk for m in modules]),
            "credit_fields": [form[name] for name in form.CREDIT],
            "branding_fields": [form[name] for name in authoring_services.BRANDING_FIELDS],
            "module_form": forms.ModuleForm(),
        },
        status=400 if form.errors else 200,
    )


# --- modules ---------------------------------------------------------------------------------


@login_required
def module_new(request, slug):
    course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
    form = forms.ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            module = authoring_services.module_add(
                actor=request.user, course=course, **form.cleaned_data
            )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, f"Module “{module.title}” added.")
            return redirect("teach-module", module_id=module.pk)
    return render(
        request,
        "courses/teach/module_edit.html",
        {"course": course, "module": None, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def module_edit(request, module_id):
    module = _taught_module(request, module_id)
    initial = {
        "title": module.title,
        "slug": module.slug,
        "summary": module.summary,
        "objectives": module.objectives,
        "competencies": module.competencies,
        "required": module.required,
    }
    form = forms.ModuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            authoring_services.module_update(actor=request.user, module=module, **form.cleaned_data)
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, "Module saved.")
            return redirect("teach-module", module_id=module.pk)
    lessons = list(module.lessons.order_by("position"))
    return render(
        request,
        "courses/teach/module_edit.html",
        {
            "course": module.course,
            "module": module,
            "form": form,
            "lessons": lessons,
            "quizzes": module.quizzes.order_by("id"),
            "focus": _focus_after_move(request, [x.pk for x in lessons]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def module_move(request, module_id):
    module = _taught_module(request, module_id)
    action, offset = _offset(request)
    authoring_services.module_move(actor=request.user, module=module, offset=offset)
    # Back to the moved module's row with its arrow focused (autofocus); no #fragment, which
    # would cancel autofocus.
    url = reverse("teach-course", kwargs={"slug": module.course.slug})
    return redirect(f"{url}?moved={module.pk}&to={action}")


@login_required
def module_remove(request, module_id):
    """Ask, then remove a module no learner has worked in."""
    module = _taught_module(request, module_id)
    has_work = authoring_selectors.module_has_learner_work(module=module)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        authoring_services.module_remove(actor=request.user, module=module)
        messages.success(request, f"Module “{module.title}” removed.")
        return redirect("teach-course", slug=module.course.slug)
    return render(
        request,
        "courses/teach/module_remove.html",
        {
            "module": module,
            "course": module.course,
            "has_work": has_work,
            "lessons": module.lessons.count(),
            "quizzes": module.quizzes.order_by("id"),
        },
        status=409 if has_work else 200,
    )


# --- lessons ---------------------------------------------------------------------------------


@login_required
def lesson_new(request, module_id):
    module = _taught_module(request, module_id)
    form = forms.LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = authoring_services.lesson_add(
                actor=request.user, module=module, **form.cleaned_data
            )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, f"Lesson “{lesson.title}” added.")
            return redirect("teach-lesson", lesson_id=lesson.pk)
    return render(
        request,
        "courses/teach/lesson_edit.html",
        {"course": module.course, "module": module, "lesson": None, "form": form},
        status=400 if form.errors else 200,
    )


def _lesson_files_save(request, lesson: Lesson, files: forms.LessonFilesForm) -> None:
    data = files.cleaned_data
    if data["image"] is not None or data["alt_text"]:
        if data["image"] is None:
            raise ApplicationError(
                "Choose the image the alt text describes.",
                details={"image": ["Choose the image the alt text describes."]},
            )
        files_services.lesson_image_add(
            actor=request.user,
            course=lesson.module.course,
            lesson=lesson,
            upload=data["image"],
            alt_text=data["alt_text"],
        )
    if data["attachment"] is not None:
        files_services.lesson_attachment_add(
            actor=request.user,
            lesson=lesson,
            upload=data["attachment"],
            filename=data["attachment"].name,
        )


@login_required
def lesson_edit(request, lesson_id):
    """The lesson's text with a live preview, and its images and files: one form, so the
    text typed so far is saved with an upload."""
    lesson = _taught_lesson(request, lesson_id)
    initial = {
        "title": lesson.title,
        "slug": lesson.slug,
        "estimated_minutes": lesson.estimated_minutes,
        "body": lesson.body,
    }
    form = forms.LessonForm(request.POST or None, initial=initial)
    files = forms.LessonFilesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and files.is_valid():
        try:
            with transaction.atomic():
                authoring_services.lesson_update(
                    actor=request.user, lesson=lesson, **form.cleaned_data
                )
                _lesson_files_save(request, lesson, files)
        except ApplicationError as error:
            about_files = set(error.details) & set(files.fields)
            show_service_error(files if about_files else form, error)
        else:
            messages.success(request, "Lesson saved.")
            return redirect("teach-lesson", lesson_id=lesson.pk)
    return render(
        request,
        "courses/teach/lesson_edit.html",
        {
            "course": lesson.module.course,
            "module": lesson.module,
            "lesson": lesson,
            "form": form,
            "files": files,
            "attachments": lesson.attachments.all(),
            "preview": Lesson(body=form["body"].value() or ""),
        },
        status=400 if form.errors or files.errors else 200,
    )


@login_required
@require_POST
def lesson_preview(request, module_id):
    """The posted Markdown rendered exactly as the learner's lesson page renders it."""
    _taught_module(request, module_id)
    preview = Lesson(body=request.POST.get("body", ""))
    return render(request, "courses/teach/partials/lesson_preview.html", {"preview": preview})


@login_required
@require_POST
def lesson_move(request, lesson_id):
    lesson = _taught_lesson(request, lesson_id)
    action, offset = _offset(request)
    authoring_services.lesson_move(actor=request.user, lesson=lesson, offset=offset)
    url = reverse("teach-module", kwargs={"module_id": lesson.module_id})
    return redirect(f"{url}?moved={lesson.pk}&to={action}")


@login_required
def lesson_remove(request, lesson_id):
    lesson = _taught_lesson(request, lesson_id)
    has_work = authoring_selectors.lesson_has_learner_work(lesson_id=lesson.pk)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        authoring_services.lesson_remove(actor=request.user, lesson=lesson)
        messages.success(request, f"Lesson “{lesson.title}” removed.")
        return redirect("teach-module", module_id=lesson.module_id)
    return render(
        request,
        "courses/teach/lesson_remove.html",
        {"lesson": lesson, "module": lesson.module, "has_work": has_work},
        status=409 if has_work else 200,
    )


@login_required
@require_POST
def attachment_remove(request, attachment_id):
    attachment = get_object_or_404(
        LessonAttachment.objects.select_related("lesson__module__course"), pk=attachment_id
    )
    authoring_selectors.require_course_instructor(
        user=request.user, course=attachment.lesson.module.course
    )
    files_services.lesson_attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, f"“{attachment.filename}” removed from the lesson.")
    return redirect("teach-lesson", lesson_id=attachment.lesson_id)


# --- serving images and files ----------------------------------------------------------------


def _visible(request, course_id: int) -> bool:
    return catalogue_selectors.courses_visible_to(user=request.user).filter(pk=course_id).exists()


@login_required
@require_GET
def lesson_image(request, image_id):
    """An uploaded image, to whoever may read the course's lessons."""
    image = LessonImage.objects.filter(pk=image_id).first()
    if image is None or not _visible(request, image.course_id):
        raise NotFound("No such image.")
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    # The bytes of an id never change (a new upload is a new id); only signed-in readers.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def lesson_attachment(request, attachment_id):
    attachment = (
        LessonAttachment.objects.select_related("lesson__module").filter(pk=attachment_id).first()
    )
    if attachment is None or not _visible(request, attachment.lesson.module.course_id):
        raise NotFound("No such file.")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
