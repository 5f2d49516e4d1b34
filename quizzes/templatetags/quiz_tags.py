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


@register.filter
def clock(seconds) -> str:
    """Seconds as the timer (attempt.js) shows them: minutes and seconds, 29:58, 0:05."""
    try:
        total = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    minutes, secs = divmod(total, 60)
    return f"{minutes}:{secs:02d}"


@register.filter
def attempts_left(count) -> str:
    """ "2 attempts left", "1 attempt left", "no attempts left"."""
    if not count:
        return "no attempts left"
    return f"{count} attempt{'' if count == 1 else 's'} left"
