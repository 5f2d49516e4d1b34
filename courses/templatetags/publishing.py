"""The publish control on any teaching page: `{% load publishing %}{% publish_control item %}`
for a course, module, lesson or quiz (the page's user must be an instructor of its course)."""

from django import template

from courses.models import Course, Lesson, Module
from courses.selectors.publishing import publish_control_for
from quizzes.models import Quiz

register = template.Library()


@register.inclusion_tag("teach/_publish_control.html", takes_context=True)
def publish_control(context: template.Context, item: Course | Module | Lesson | Quiz) -> dict:
    request = context.get("request")
    return {
        "control": publish_control_for(item=item),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
