"""Geometry for the dashboard's charts, drawn as SVG by templates: no JavaScript, no CDN.

Functions here only place points and bars; what the numbers are comes from the selectors.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Series:
    label: str
    css_class: str
    points: str  # SVG polyline points "x,y x,y ..."
    last_percent: float


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    description: str


def timeline_chart(points, *, width: int = 640, height: int = 220) -> LineChart:
    """Cumulative module passes and course completions (percent) by day."""
    left, right, top, bottom = 44, width - 12, 10, height - 26
    first, last = points[0].day, points[-1].day
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(left + (day - first).days / span * (right - left), 1)

    def y(share: float) -> float:
        return round(bottom - share * (bottom - top), 1)

    series = [
        Series(
            "Module passes (% of all learner-modules)",
            "series-modules",
            " ".join(f"{x(p.day)},{y(p.modules_passed_share)}" for p in points),
            round(points[-1].modules_passed_share * 100, 1),
        ),
        Series(
            "Course completed (% of learners)",
            "series-completed",
            " ".join(f"{x(p.day)},{y(p.completed_share)}" for p in points),
            round(points[-1].completed_share * 100, 1),
        ),
    ]
    x_ticks, month = [], date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            x_ticks.append(Tick(x(month), month.strftime("%b %Y" if month.month == 1 else "%b")))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if not x_ticks:
        x_ticks.append(Tick(x(first), first.strftime("%-d %b")))
    y_ticks = [Tick(y(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100)]
    description = (
        f"From {first:%-d %B %Y} to {last:%-d %B %Y}: "
        + "; ".join(f"{s.label} reached {s.last_percent}%" for s in series)
        + "."
    )
    return LineChart(width, height, left, right, top, bottom, series, x_ticks, y_ticks, description)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str


@dataclass
class Histogram:
    title: str
    position: int
    width: int
    height: int
    baseline: float
    bars: list[Bar] = field(default_factory=list)
    pass_x: float | None = None
    pass_mark: int | None = None
    total: int = 0
    description: str = ""


def score_histograms(modules, *, width: int = 220, height: int = 96) -> list[Histogram]:
    """One small histogram of best scores (ten bins of 10 points) per module."""
    left, right, top, bottom = 4, width - 4, 6, height - 16
    charts = []
    for module in modules:
        counts = module.score_histogram
        tallest = max(counts) or 1
        step = (right - left) / len(counts)
        bars = []
        for i, count in enumerate(counts):
            bar_height = round(count / tallest * (bottom - top), 1)
            label = f"{i * 10}-{i * 10 + 9 if i < len(counts) - 1 else 100}%"
            bars.append(
                Bar(
                    round(left + i * step + 1, 1),
                    round(bottom - bar_height, 1),
                    round(step - 2, 1),
                    bar_height,
                    count,
                    label,
                )
            )
        mark = module.pass_mark_percent
        total = sum(counts)
        charts.append(
            Histogram(
                title=module.title,
                position=module.position,
                width=width,
                height=height,
                baseline=bottom,
                bars=bars,
                pass_x=round(left + mark / 100 * (right - left), 1) if mark is not None else None,
                pass_mark=mark,
                total=total,
                description=(
                    f"{module.title}: best scores of {total} learner{'s' if total != 1 else ''}; "
                    + ", ".join(f"{b.label}: {b.count}" for b in bars if b.count)
                    if total
                    else f"{module.title}: no scores yet"
                ),
            )
        )
    return charts
