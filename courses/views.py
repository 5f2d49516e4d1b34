from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from certificates.selectors import certificates_of
from lms.errors import NotFound

from . import selectors, services
from .models import Lesson


@login_required
def dashboard(request):
    enrolments = selectors.progress_of(user=request.user)
    enrolled_ids = [e.course_id for e in enrolments]
    catalogue = selectors.courses_visible_to(user=request.user).exclude(id__in=enrolled_ids)
    return render(
        request,
        "courses/dashboard.html",
        {
            "enrolments": enrolments,
            "catalogue": catalogue,
            "certificates": certificates_of(user=request.user)[:5],
        },
    )


@login_required
def course_detail(request, slug):
    course = selectors.course_detail(user=request.user, slug=slug)
    enrolment = selectors.enrolment_of(user=request.user, course=course)
    progress = selectors.module_progress_by_module(enrolment=enrolment)
    modules = [(m, progress.get(m.id)) for m in course.modules.all()]
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "enrolment": enrolment,
            "modules": modules,
            "lessons_read": selectors.lessons_read_ids(enrolment=enrolment),
        },
    )


@login_required
@require_POST
def course_enrol(request, slug):
    course = selectors.course_detail(user=request.user, slug=slug)
    services.enrolment_create(user=request.user, course=course)
    return redirect("course", slug=course.slug)


def _lesson_for(request, lesson_id) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("module__course"), pk=lesson_id)
    if (
        not selectors.courses_visible_to(user=request.user)
        .filter(pk=lesson.module.course_id)
        .exists()
    ):
        raise NotFound("No such lesson.")
    return lesson


@login_required
def lesson_detail(request, lesson_id):
    lesson = _lesson_for(request, lesson_id)
    course = lesson.module.course
    enrolment = selectors.enrolment_of(user=request.user, course=course)
    siblings = list(lesson.module.lessons.all())
    index = siblings.index(lesson)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "lesson": lesson,
            "course": course,
            "enrolment": enrolment,
            "is_read": lesson.id in selectors.lessons_read_ids(enrolment=enrolment),
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "quizzes": lesson.module.quizzes.all(),
        },
    )


@login_required
@require_POST
def lesson_complete(request, lesson_id):
    lesson = _lesson_for(request, lesson_id)
    services.lesson_complete(user=request.user, lesson=lesson)
    if request.headers.get("HX-Request"):
        return render(request, "courses/partials/lesson_read.html", {"lesson": lesson})
    return redirect("lesson", lesson_id=lesson.id)
