"""A course as a package (course.yaml, lessons with front matter, GIFT quizzes, images): the
format `courses.services.packages` loads, so that export then load gives the course back."""

import posixpath
import re
from decimal import Decimal
from functools import partial
from typing import Any

import yaml
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from courses.models import Course, LessonImage, Module
from courses.selectors.authoring import may_create_course
from lms.errors import PermissionDenied
from quizzes.formats.gift_export import export_gift
from quizzes.models import Quiz
from quizzes.selectors.bank_export import category_paths, question_as_parsed

# The manifest's name, at the package's top.
MANIFEST = "course.yaml"
_OUR_IMAGE_LINK = re.compile(r"\(/lesson-images/(?P<id>[0-9]+)/\)")
_QUIZ_SETTINGS = (
    "title",
    "intro",
    "pass_mark_percent",
    "attempts_allowed",
    "grading_method",
    "shuffle_choices",
    "status",
)


ABOUT = "about.md"  # the course's "About this course" page


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _credit(course: Course) -> dict[str, str]:
    credit = {
        "accredited_provider": course.accredited_provider,
        "credit_type": course.credit_type,
        "max_credits": f"{Decimal(course.max_credits):.2f}",
        "learning_format": course.learning_format,
        "designation_statement": course.designation_statement,
        "accreditation_statement": course.accreditation_statement,
    }
    return credit if course.awards_credit or course.accredited_provider else {}


class _Exporter:
    def __init__(self, course: Course) -> None:
        self.course = course
        self.files: dict[str, bytes] = {}
        self.paths = category_paths(course=course)
        self.images = {i.pk: i for i in LessonImage.objects.filter(course=course)}

    def image_link(self, match: re.Match[str], lesson_path: str) -> str:
        image = self.images.get(int(match["id"]))
        if image is None:
            return match.group(0)
        suffix = posixpath.splitext(image.file.name or "")[1] or ".png"
        name = f"images/image-{image.pk}{suffix}"
        if name not in self.files:
            with image.file.open("rb") as stored:
                self.files[name] = stored.read()
        return f"({posixpath.relpath(name, posixpath.dirname(lesson_path))})"

    def module(self, module: Module) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "slug": module.slug,
            "title": module.title,
            "summary": module.summary,
            "objectives": [line for line in module.objectives.splitlines() if line.strip()],
            "competencies": list(module.competencies),
            "required": module.required,
            "status": module.status,
            "lessons": [],
        }
        for number, lesson in enumerate(module.lessons.order_by("position"), start=1):
            path = f"lessons/{module.slug}/{number:02d}-{lesson.slug}.md"
            body = _OUR_IMAGE_LINK.sub(partial(self.image_link, lesson_path=path), lesson.body)
            front = _dump({"title": lesson.title, "minutes": lesson.estimated_minutes})
            self.files[path] = f"---\n{front}---\n\n{body.strip()}\n".encode()
            entry["lessons"].append(path)
        quiz = Quiz.objects.filter(module=module).order_by("id").first()
        if quiz is not None:
            entry["quiz"] = self.quiz(module, quiz)
        return entry

    def quiz(self, module: Module, quiz: Quiz) -> dict[str, Any]:
        path = f"quizzes/{module.slug}.gift"
        slots = quiz.slots.filter(question__isnull=False).select_related("question")
        questions = [
            question_as_parsed(slot.question, self.paths[slot.question.category_id])
            for slot in slots.order_by("position")
            if slot.question is not None
        ]
        self.files[path] = export_gift(questions).encode()
        settings = {name: getattr(quiz, name) for name in _QUIZ_SETTINGS}
        return {"title": settings.pop("title"), "file": path, **settings}

    def export(self) -> dict[str, bytes]:
        course = self.course
        manifest: dict[str, Any] = {
            "slug": course.slug,
            "title": course.title,
            "summary": course.summary,
            "status": course.status,
            "pass_mark_percent": course.pass_mark_percent,
        }
        if course.about:
            self.files[ABOUT] = (
                f"---\n{_dump({'title': 'About this course'})}---\n\n{course.about}\n".encode()
            )
            manifest["about"] = ABOUT
        credit = _credit(course)
        if credit:
            manifest["credit"] = credit
        manifest["modules"] = [self.module(m) for m in course.modules.order_by("position")]
        self.files[MANIFEST] = _dump(manifest).encode()
        return self.files


def course_package(*, course: Course) -> dict[str, bytes]:
    """The course's package files by path. Quizzes export their fixed questions (a slot that
    draws at random from the bank has no place in a module's GIFT file)."""
    return _Exporter(course).export()


def may_import_package(*, user: User | AnonymousUser) -> bool:
    """Staff, people who may create courses, and anyone who instructs a course (who may load
    a package into the courses they teach)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or may_create_course(user=user)
        or Course.objects.filter(instructors=user).exists()
    )


def require_package_importer(*, user: User | AnonymousUser) -> None:
    if not may_import_package(user=user):
        raise PermissionDenied(
            "Only staff and course instructors can load course packages.", code="not_instructor"
        )
