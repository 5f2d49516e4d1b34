"""The grading benchmark's baseline: a task that does nothing, on the same worker and queue."""

from lms.celery import app
from tasks.base import TASK_DEFAULTS


@app.task(name="benchmarks.noop", **TASK_DEFAULTS)
def noop(n: int) -> None:
    """Nothing: what is measured is the broker and worker round trip around it."""
