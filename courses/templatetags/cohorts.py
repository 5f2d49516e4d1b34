"""Small helpers for the director's pages: percentages, status words and sort links."""

from django import template
from django.http import QueryDict

from courses.cohorts.selectors.dashboard import CELL_STATUS_LABELS

register = template.Library()

# The ACGME's own short forms, so six competency columns fit beside the modules.
COMPETENCY_ABBREVIATIONS = {
    "patient_care": "PC",
    "medical_knowledge": "MK",
    "practice_based_learning": "PBLI",
    "interpersonal_communication": "ICS",
    "professionalism": "PROF",
    "systems_based_practice": "SBP",
}


@register.filter
def percent(share) -> str:
    """0.4231 -> "42%"."""
    if share is None:
        return "\u2013"  # an en dash: no value
    return f"{round(share * 100):d}%"


@register.filter
def status_label(status: str) -> str:
    return CELL_STATUS_LABELS.get(status, status)


@register.filter
def abbreviation(code: str) -> str:
    return COMPETENCY_ABBREVIATIONS.get(code, code)


@register.filter
def get(mapping, key):
    """mapping[key], or None; None for no mapping, so lookups chain (`a|get:x|get:y`)."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def sort_url(context, key: str) -> str:
    """This page's query with `sort` set to `key`, reversed if it already sorts by it."""
    query: QueryDict = context["request"].GET.copy()
    current = query.get("sort", "name")
    query["sort"] = f"-{key}" if current == key else key
    query.pop("page", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context, key: str) -> str:
    """aria-sort value of a column header."""
    current = context["request"].GET.get("sort", "name")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    query: QueryDict = context["request"].GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()
