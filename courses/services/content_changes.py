"""What changes for learners when a course's content is published or taken back to draft:
the writes the publishing services of courses and quizzes share."""

from collections.abc import Iterable

from courses.models import Course, Enrolment, Module
from courses.services.progress import enrolments_completion_check, modules_progress_refresh
from lms.errors import Conflict
from quizzes.models import Attempt


def course_enrolments_lock(*, course: Course) -> list[Enrolment]:
    """Lock the course's enrolments (in id order, as every progress writer does): a learner
    cannot start an attempt or read a lesson while what is published changes under them."""
    return list(
        Enrolment.objects.select_for_update()
        .select_related("course")
        .filter(course=course)
        .order_by("pk")
    )


def refuse_while_attempts_open(*, quiz_filter: dict[str, object], what: str) -> None:
    """A learner in the middle of an attempt would be left inside a draft: refuse until the
    attempts are submitted (the deadline sweeper submits those with a time limit)."""
    open_count = Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, **quiz_filter).count()
    if open_count:
        raise Conflict(
            f"{open_count} learner{'s are' if open_count != 1 else ' is'} in the middle of an "
            f"attempt in this {what}. Unpublish it once they have submitted.",
            code="attempts_in_progress",
            details={"attempts_in_progress": open_count},
        )


def active_progress_refresh(*, enrolments: list[Enrolment], modules: Iterable[Module]) -> None:
    """Recompute the modules' progress for the learners still working through the course
    (completed ones keep theirs). The enrolments come locked."""
    active = [e for e in enrolments if e.status == Enrolment.Status.ACTIVE]
    pairs = [(e, m) for e in active for m in modules]
    if pairs:
        modules_progress_refresh(pairs=pairs)
        # A draft that held learners back no longer does: those done with the rest complete.
        enrolments_completion_check(enrolments=active)
