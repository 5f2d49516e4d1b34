"""Geometry of the item analysis's response charts, drawn as SVG by a template (no JavaScript).

Horizontal bars, one per choice or response, each with its label above it and its count and
share written beside it, so the chart reads without colour and at phone width. The bars are
the cohort dashboard's (courses.cohorts.charts.Bar); what the numbers are comes from
quizzes.services.item_analysis.
"""

from dataclasses import dataclass

from courses.cohorts.charts import Bar
from quizzes.services.item_analysis import QuestionAnalysis

WIDTH = 320
ROW = 40  # label line, bar, gap
BAR_HEIGHT = 14
VALUE_ROOM = 80  # right of the longest bar: "12 (100%)"
LABEL_CHARS = 42  # a longer label is cut in the chart; its <title> and the description keep it


@dataclass
class ResponseBar:
    bar: Bar
    label_y: float
    value: str  # "3 (75%)"
    value_x: float
    value_y: float
    short_label: str
    right: bool  # earns the whole mark (marked in text, not only by colour)


@dataclass
class ResponseChart:
    width: int
    height: int
    bars: list[ResponseBar]
    description: str


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def response_chart(question: QuestionAnalysis) -> ResponseChart | None:
    """The question's chart, or None when there is nothing to draw (an essay)."""
    if not question.responses:
        return None
    tallest = max(r.count for r in question.responses) or 1
    room = WIDTH - VALUE_ROOM
    bars = []
    described = []
    for n, response in enumerate(question.responses):
        share = round(response.count * 100 / question.attempts) if question.attempts else 0
        right = response.fraction is not None and response.fraction >= 1
        mark = " (right answer)" if right else ""
        label = f"{'✓ ' if right else ''}{response.label or '(empty)'}"
        top = n * ROW + 16
        width = round(response.count / tallest * room, 1)
        bars.append(
            ResponseBar(
                bar=Bar(0, top + 2, max(width, 1.0), BAR_HEIGHT, response.count, label),
                label_y=top - 3,
                value=f"{response.count} ({share}%)",
                value_x=round(max(width, 1.0) + 6, 1),
                value_y=top + 13,
                short_label=_short(label),
                right=right,
            )
        )
        described.append(f"{response.label or '(empty)'}{mark}: {response.count} ({share}%)")
    description = f"Responses of {question.attempts} attempts: " + "; ".join(described)
    if question.no_answer:
        description += f"; no answer: {question.no_answer}"
    return ResponseChart(WIDTH, len(bars) * ROW + 4, bars, description + ".")
