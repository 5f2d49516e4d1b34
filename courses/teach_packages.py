"""Course packages on the site: staff and instructors upload a zip, see what it would create
or change and every problem, then confirm; a course's instructors download it as a zip."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import Course
from courses.selectors import staff as staff_selectors
from courses.selectors.packages import course_package, require_package_importer
from courses.services import package_files
from courses.services.packages import package_load
from lms.errors import ApplicationError


class PackageUploadForm(forms.Form):
    package = forms.FileField(
        label="Course package (.zip)",
        help_text=(
            "A zip of the package folder (course.yaml, lessons/, quizzes/, images/); at most "
            f"{package_files.UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
        ),
    )

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > package_files.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"Upload a zip of at most {package_files.UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload


def _preview(request, data: bytes, form: PackageUploadForm):
    try:
        plan = package_load(actor=request.user, files=package_files.read_zip(data), dry_run=True)
    except ApplicationError as error:
        form.add_error("package", error.message)
        return render(request, "courses/teach_package_import.html", {"form": form}, status=400)
    token = package_files.upload_keep(user_id=request.user.pk, data=data) if plan.is_valid else ""
    return render(
        request,
        "courses/teach_package_import.html",
        {"form": PackageUploadForm(), "plan": plan, "token": token},
        status=200 if plan.is_valid else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def package_import(request):
    """Upload (a preview that writes nothing) and confirm (the same file, loaded)."""
    require_package_importer(user=request.user)
    if request.method == "POST" and "token" in request.POST:
        data = package_files.upload_take(user_id=request.user.pk, token=request.POST["token"])
        if data is None:
            messages.error(request, "Upload the package again: its preview was too old.")
            return redirect("teach-course-import")
        try:
            plan = package_load(actor=request.user, files=package_files.read_zip(data))
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("teach-course-import")
        if plan.problems or plan.course is None:
            messages.error(request, "Nothing was loaded: the package changed its problems.")
            return redirect("teach-course-import")
        counts = plan.summary()
        messages.success(
            request,
            f"Loaded {plan.course.title}: {counts['created']} created, {counts['updated']} "
            f"updated, {counts['new version']} new question versions.",
        )
        return redirect("teach-course", slug=plan.course.slug)
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            return _preview(request, form.cleaned_data["package"].read(), form)
        return render(request, "courses/teach_package_import.html", {"form": form}, status=400)
    return render(request, "courses/teach_package_import.html", {"form": form})


@login_required
@require_GET
def package_download(request, slug: str):
    course = get_object_or_404(Course, slug=slug)
    staff_selectors.require_course_instructor(user=request.user, course=course)
    data = package_files.write_zip(course_package(course=course))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.zip"'
    return response
