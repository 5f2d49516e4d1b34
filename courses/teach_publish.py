"""Publishing from the teaching pages: one route for a course, module, lesson or quiz.

GET shows the item's publish control (state, what publishing changes for learners who have
completed the course, a quiz's problems); POST publishes or unpublishes it. Only the course's
instructors may; the service checks again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from courses.models import Course, Lesson, Module
from courses.selectors import publishing as publishing_selectors
from courses.services import publishing as publishing_services
from lms.errors import ApplicationError
from quizzes.models import Quiz


def _page_of(item: Course | Module | Lesson | Quiz) -> str:
    """Where the item is edited or seen: the quiz builder, the lesson, or the course page."""
    if isinstance(item, Quiz):
        return reverse("teach-quiz", kwargs={"quiz_id": item.pk})
    if isinstance(item, Lesson):
        return reverse("lesson", kwargs={"lesson_id": item.pk})
    course = publishing_selectors.course_of(item)
    return reverse("course", kwargs={"slug": course.slug})


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, kind: str, item_id: int):
    item = publishing_selectors.publishable_item(user=request.user, kind=kind, item_id=item_id)
    if request.method == "GET":
        return render(
            request,
            "courses/teach_publish.html",
            {"item": item, "kind": kind, "course": publishing_selectors.course_of(item)},
        )
    action = request.POST.get("action")
    if action not in ("publish", "unpublish"):
        raise ApplicationError("Choose publish or unpublish.", code="invalid_action")
    try:
        publishing_services.publish_state_set(
            actor=request.user, item=item, published=action == "publish"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if action == "publish":
            messages.success(request, f"“{item.title}” is published: learners see it.")
        else:
            messages.success(
                request, f"“{item.title}” is a draft again: learners no longer see it."
            )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _page_of(item)
    return redirect(target)
