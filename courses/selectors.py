"""Reads for courses: the catalogue, a course outline, and a learner's progress."""

from django.db.models import Prefetch, QuerySet

from lms.errors import NotFound

from .models import Course, Enrolment, LessonProgress, Module, ModuleProgress


def courses_visible_to(*, user) -> QuerySet[Course]:
    """Published courses, plus drafts the user teaches (staff see all)."""
    if user.is_authenticated and user.is_staff:
        return Course.objects.all()
    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    if user.is_authenticated:
        return (published | Course.objects.filter(instructors=user)).distinct()
    return published


def course_detail(*, user, slug: str) -> Course:
    from quizzes.models import Quiz

    course = (
        courses_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.prefetch_related(
                    "lessons", Prefetch("quizzes", queryset=Quiz.objects.order_by("id"))
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if course is None:
        raise NotFound("No such course.")
    return course


def enrolment_of(*, user, course: Course) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def lessons_read_ids(*, enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )


def module_progress_by_module(*, enrolment: Enrolment | None) -> dict[int, ModuleProgress]:
    if enrolment is None:
        return {}
    return {p.module_id: p for p in ModuleProgress.objects.filter(enrolment=enrolment)}


def progress_of(*, user) -> QuerySet[Enrolment]:
    """Every enrolment of the user with its modules' progress, for 'my progress'."""
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related(
            Prefetch(
                "module_progress",
                queryset=ModuleProgress.objects.select_related("module").order_by(
                    "module__position"
                ),
            )
        )
        .order_by("-enrolled_at")
    )
