"""What is live for learners: a published lesson or quiz in a published module of a
published course. Drafts are seen by the course's staff only."""

from courses.models import Course, Enrolment, Lesson, Module
from quizzes.models import Quiz


def module_is_live(module: Module) -> bool:
    return module.is_published and module.course.is_published


def lesson_is_live(lesson: Lesson) -> bool:
    return lesson.is_published and module_is_live(lesson.module)


def quiz_is_live(quiz: Quiz) -> bool:
    return quiz.is_published and module_is_live(quiz.module)


def completed_learners_count(*, course: Course) -> int:
    """Learners who have completed the course: publishing into it leaves them completed."""
    return Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED).count()
