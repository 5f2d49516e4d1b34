from django import template
from django.utils.safestring import mark_safe

from courses.models import render_markdown

register = template.Library()


@register.filter
def markdown(text) -> str:
    """Instructor text (feedback, comments) as sanitised HTML."""
    if not isinstance(text, str) or not text:
        return ""
    return mark_safe(render_markdown(text))  # noqa: S308  (sanitised by nh3)
