"""A course's staff page: its instructors add and remove instructors and teaching assistants
by e-mail; its teaching assistants see who is on the staff. Also the new-run page, where an
instructor copies the course as a draft for next year's cohort."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from courses.models import Course
from courses.selectors import staff as staff_selectors
from courses.selectors.publishing import completed_learners_count
from courses.services import course_copy as copy_services
from courses.services import course_staff as staff_services
from lms.errors import ApplicationError
from lms.forms import show_service_error

from .forms_staff import CourseCopyForm, StaffAddForm


@login_required
@require_http_methods(["GET", "POST"])
def course_staff(request, slug: str):
    course = get_object_or_404(Course, slug=slug)
    staff_selectors.require_course_staff(user=request.user, course=course)
    may_edit = staff_selectors.is_course_instructor(user=request.user, course=course)
    form = StaffAddForm()
    if request.method == "POST":
        staff_selectors.require_course_instructor(user=request.user, course=course)
        if request.POST.get("action") == "remove":
            user_id = request.POST.get("user", "")
            try:
                staff_services.course_staff_remove(
                    actor=request.user,
                    course=course,
                    user_id=int(user_id) if user_id.isdecimal() else 0,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Removed from the course's staff.")
            return redirect("teach-course-staff", slug=course.slug)
        form = StaffAddForm(request.POST)
        if form.is_valid():
            role = form.cleaned_data["role"]
            try:
                user = staff_services.course_staff_add(
                    actor=request.user, course=course, email=form.cleaned_data["email"], role=role
                )
            except ApplicationError as error:
                show_service_error(form, error)
            else:
                label = staff_selectors.CourseStaffRole(role).label.lower()
                messages.success(
                    request, f"{user.get_full_name()} is now a {label} of this course."
                )
                return redirect("teach-course-staff", slug=course.slug)
    instructors, assistants = staff_selectors.course_staff_of(course=course)
    return render(
        request,
        "courses/teach_staff.html",
        {
            "course": course,
            "instructors": instructors,
            "assistants": assistants,
            "form": form,
            "may_edit": may_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_copy(request, slug: str):
    course = get_object_or_404(Course, slug=slug)
    staff_selectors.require_course_instructor(user=request.user, course=course)
    form = CourseCopyForm(
        request.POST or None,
        initial={"title": f"{course.title} (new run)", "slug": f"{course.slug}-new-run"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = copy_services.course_copy(
                actor=request.user,
                course=course,
                title=form.cleaned_data["title"],
                slug=form.cleaned_data["slug"],
            )
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                f"“{copy.title}” is a draft copy of {course.title}: publish it when it is ready.",
            )
            return redirect("course", slug=copy.slug)
    return render(
        request,
        "courses/teach_copy.html",
        {"course": course, "form": form, "learners": completed_learners_count(course=course)},
    )
