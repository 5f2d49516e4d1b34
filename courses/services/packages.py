"""Course packages in: every file checked first (the manifest by the authoring services' own
rules, each lesson's front matter, each quiz through the GIFT parser and the question editor's
checks), then the course created or updated in place in one transaction, keyed by slugs.

Loading the same package twice changes nothing. An edited lesson is updated; an edited
question that learners have been asked becomes a new version (`question_revise`), so their
attempts keep the one they answered. A package with any problem writes nothing.
"""

import hashlib
import posixpath
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from courses.lesson_markup import lesson_image_url
from courses.models import (
    IMAGE_ALT_MAX_CHARS,
    IMAGE_UPLOAD_MAX_BYTES,
    LESSONS_PER_MODULE_MAX,
    MODULES_PER_COURSE_MAX,
    Course,
    Lesson,
    LessonImage,
    Module,
)
from courses.selectors.authoring import require_course_creator
from courses.selectors.packages import MANIFEST
from courses.selectors.staff import is_course_instructor
from courses.services.authoring import (
    _check_course,
    _check_lesson,
    _check_module,
    _objectives_text,
)
from courses.services.lesson_files import reencoded_image
from lms.errors import ApplicationError, PermissionDenied, validate_model
from quizzes.formats.base import FormatError, decode_text
from quizzes.formats.gift import parse_gift
from quizzes.models import Question, QuestionCategory, Quiz, QuizSlot
from quizzes.services.authoring import _question_fields, _write_answers, question_revise
from quizzes.services.bank_import import PlannedQuestion, questions_check

COURSE_KEYS = (
    "slug",
    "title",
    "summary",
    "about",
    "status",
    "pass_mark_percent",
    "credit",
    "modules",
)
CREDIT_KEYS = (
    "accredited_provider",
    "credit_type",
    "max_credits",
    "learning_format",
    "designation_statement",
    "accreditation_statement",
)
MODULE_KEYS = (
    "slug",
    "title",
    "summary",
    "objectives",
    "competencies",
    "required",
    "status",
    "lessons",
    "quiz",
)
QUIZ_KEYS = (
    "title",
    "file",
    "intro",
    "pass_mark_percent",
    "attempts_allowed",
    "grading_method",
    "shuffle_choices",
    "status",
)
LESSON_NAME = re.compile(r"^(?:\d+-)?(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
IMAGE_LINK = re.compile(r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<src>[^)\s]+)\)")


@dataclass(frozen=True, order=True)
class PackageProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class PlanItem:
    kind: str  # course | module | lesson | quiz | question | image
    key: str
    action: str  # created | updated | unchanged | new version


@dataclass
class LessonData:
    file: str
    slug: str
    fields: dict[str, Any]
    images: list[tuple[str, str, str]]  # (link as written, package path, alt text)


@dataclass
class ModuleData:
    slug: str
    fields: dict[str, Any]
    status: str
    lessons: list[LessonData] = field(default_factory=list)
    quiz: dict[str, Any] | None = None
    quiz_file: str = ""
    questions: list[PlannedQuestion] = field(default_factory=list)


@dataclass
class Package:
    """A package read and checked: what it says, or its problems."""

    course: dict[str, Any] = field(default_factory=dict)
    modules: list[ModuleData] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # package path -> re-encoded bytes
    problems: list[PackageProblem] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.course.get("slug", ""))


@dataclass
class PackagePlan:
    """What loading the package does (or did): each row created, updated or unchanged."""

    slug: str
    items: list[PlanItem] = field(default_factory=list)
    problems: list[PackageProblem] = field(default_factory=list)
    course: Course | None = None

    def count(self, action: str) -> int:
        return sum(item.action == action for item in self.items)

    @property
    def new_versions(self) -> int:
        return self.count("new version")

    @property
    def changes(self) -> list[PlanItem]:
        return [item for item in self.items if item.action != "unchanged"]

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, int]:
        return {
            action: self.count(action)
            for action in ("created", "updated", "new version", "unchanged")
        }


# --- reading and checking ----------------------------------------------------------------


def _lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    """The line (1-based) where each key or item of the YAML document starts."""
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*path, key.value)] = key.start_mark.line + 1
            _lines(value, (*path, key.value), out)
            out[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), out)


class _Checker:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.package = Package()
        self.lines: dict[tuple[Any, ...], int] = {}

    def problem(self, file: str, line: int, reason: str) -> None:
        self.package.problems.append(PackageProblem(file, line, reason))

    def at(self, *path: Any) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def manifest_problem(self, path: tuple[Any, ...], reason: str) -> None:
        self.problem(MANIFEST, self.at(*path), reason)

    def service_error(
        self, path: tuple[Any, ...], error: ApplicationError, names: dict[str, str]
    ) -> None:
        """A service's refusal reported at the manifest line of the field it names."""
        details = error.details or {}
        found = False
        for name, messages in details.items():
            if isinstance(messages, list):
                key = names.get(name, name)
                for message in messages:
                    self.manifest_problem((*path, key), f"{key}: {message}")
                    found = True
        if not found:
            self.manifest_problem(path, error.message)

    def known(self, data: dict[str, Any], allowed: tuple[str, ...], path: tuple[Any, ...]) -> None:
        for key in data:
            if key not in allowed:
                self.manifest_problem((*path, key), f"Unknown field “{key}”.")

    def check(self) -> Package:
        raw = self.files.get(MANIFEST)
        if raw is None:
            self.problem(MANIFEST, 1, "The package has no course.yaml at its top.")
            return self.package
        try:
            text = decode_text(raw)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except FormatError as error:
            for p in error.problems:
                self.problem(MANIFEST, p.line, p.reason)
            return self.package
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            self.problem(MANIFEST, mark.line + 1 if mark else 1, f"Not valid YAML: {error}")
            return self.package
        if node is not None:
            _lines(node, (), self.lines)
        if not isinstance(data, dict):
            self.problem(MANIFEST, 1, "The manifest is a mapping of the course's fields.")
            return self.package
        self.course(data)
        modules = data.get("modules")
        if not isinstance(modules, list) or not modules:
            self.manifest_problem(("modules",), "List the course's modules under “modules”.")
            modules = []
        if len(modules) > MODULES_PER_COURSE_MAX:
            self.manifest_problem(
                ("modules",), f"A course has at most {MODULES_PER_COURSE_MAX} modules."
            )
        seen: set[str] = set()
        for index, module in enumerate(modules):
            self.module(index, module, seen)
        self.package.problems.sort()
        return self.package

    def course(self, data: dict[str, Any]) -> None:
        self.known(data, COURSE_KEYS, ())
        credit = data.get("credit") or {}
        if not isinstance(credit, dict):
            self.manifest_problem(("credit",), "“credit” is a mapping of the credit fields.")
            credit = {}
        self.known(credit, CREDIT_KEYS, ("credit",))
        fields: dict[str, Any] = {
            "slug": data.get("slug", ""),
            "title": data.get("title", ""),
            "summary": data.get("summary", "") or "",
            "status": data.get("status", Course.Status.DRAFT),
            "pass_mark_percent": data.get("pass_mark_percent", 70),
            "about": self.about(data.get("about")),
        }
        for name in CREDIT_KEYS:
            value = credit.get(name, "")
            fields[name] = "" if value is None else value
        try:
            fields["max_credits"] = Decimal(str(fields["max_credits"] or "0"))
        except InvalidOperation:
            self.manifest_problem(
                ("credit", "max_credits"), "max_credits is a number such as “12.00”."
            )
            fields["max_credits"] = Decimal(0)
        if not all(isinstance(fields[n], str) for n in ("slug", "title", "summary", "status")):
            self.manifest_problem((), "slug, title, summary and status are text.")
            return
        names = {
            name: name
            for name in ("slug", "title", "summary", "about", "status", "pass_mark_percent")
        }
        names.update({name: "credit" for name in CREDIT_KEYS})
        try:
            _check_course(
                Course(**{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()})
            )
        except ApplicationError as error:
            # A course of this slug already there is the one the package updates.
            details = {
                k: v for k, v in (error.details or {}).items() if k != "slug" or not _slug_taken(v)
            }
            if details or not error.details:
                self.service_error((), ApplicationError(error.message, details=details), names)
        self.package.course = fields

    def about(self, path: object) -> str:
        """The body of the course's "About this course" file (Markdown with front matter)."""
        if not path:
            return ""
        if not isinstance(path, str) or path not in self.files:
            self.manifest_problem(("about",), f"The about page “{path}” is not in the package.")
            return ""
        parsed = self.front_matter(path)
        return parsed[2].strip() if parsed is not None else ""

    def module(self, index: int, data: Any, seen: set[str]) -> None:
        path: tuple[Any, ...] = ("modules", index)
        if not isinstance(data, dict):
            self.manifest_problem(path, "A module is a mapping of its fields.")
            return
        self.known(data, MODULE_KEYS, path)
        slug = data.get("slug")
        if not isinstance(slug, str) or not slug:
            self.manifest_problem(path, "Give the module a slug.")
            return
        if slug in seen:
            self.manifest_problem((*path, "slug"), f"Two modules have the slug “{slug}”.")
        seen.add(slug)
        fields = {
            "slug": slug,
            "title": data.get("title", ""),
            "summary": data.get("summary", "") or "",
            "competencies": data.get("competencies") or [],
            "required": data.get("required", True),
        }
        try:
            fields["objectives"] = _objectives_text(data.get("objectives") or [])
            probe = Module(
                course=Course(),
                position=index + 1,
                **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
            )
            probe.status = data.get("status", Module.Status.DRAFT)
            _check_module_unsaved(probe)
            fields["competencies"] = probe.competencies
        except ApplicationError as error:
            self.service_error(path, error, {})
        module = ModuleData(
            slug=slug, fields=fields, status=str(data.get("status", Module.Status.DRAFT))
        )
        lessons = data.get("lessons") or []
        if not isinstance(lessons, list):
            self.manifest_problem((*path, "lessons"), "List the module's lesson files.")
            lessons = []
        if len(lessons) > LESSONS_PER_MODULE_MAX:
            self.manifest_problem(
                (*path, "lessons"), f"A module has at most {LESSONS_PER_MODULE_MAX} lessons."
            )
        slugs: set[str] = set()
        for position, lesson_file in enumerate(lessons):
            lesson = self.lesson((*path, "lessons", position), lesson_file, module.status)
            if lesson is not None:
                if lesson.slug in slugs:
                    self.manifest_problem(
                        (*path, "lessons", position), f"Two lessons are “{lesson.slug}”."
                    )
                slugs.add(lesson.slug)
                module.lessons.append(lesson)
        quiz = data.get("quiz")
        if quiz is not None:
            self.quiz((*path, "quiz"), quiz, module)
        self.package.modules.append(module)

    def lesson(self, path: tuple[Any, ...], name: Any, status: str) -> LessonData | None:
        if not isinstance(name, str) or name not in self.files:
            self.manifest_problem(path, f"No lesson file “{name}” in the package.")
            return None
        match = LESSON_NAME.match(posixpath.basename(name))
        if match is None:
            self.manifest_problem(path, f"“{name}”: a lesson's file is NN-slug.md (lower case).")
            return None
        front = self.front_matter(name)
        if front is None:
            return None
        meta, front_text, body_text = front
        body_line = front_text.count("\n") + 4
        fields = {
            "title": meta.get("title", ""),
            "body": body_text.strip(),
            "estimated_minutes": meta.get("minutes"),
        }
        slug = match["slug"]
        try:
            if not isinstance(fields["title"], str):
                raise ApplicationError("Text.", details={"title": ["The title is text."]})
            fields["title"] = fields["title"].strip()
            _check_lesson_unsaved(
                Lesson(module=Module(), position=1, slug=slug, status=status, **fields)
            )
        except ApplicationError as error:
            details = error.details or {}
            for field_name, messages in details.items():
                label = {"estimated_minutes": "minutes"}.get(field_name, field_name)
                where = body_line if label == "body" else _front_line(front_text, label)
                for message in messages if isinstance(messages, list) else []:
                    self.problem(name, where, f"{label}: {message}")
            if not details:
                self.problem(name, 1, error.message)
        images = self.image_links(name, body_text, body_line)
        return LessonData(file=name, slug=slug, fields=fields, images=images)

    def front_matter(self, name: str) -> tuple[dict[str, Any], str, str] | None:
        """(front matter, its text, the body) of a lesson file, or None with its problems."""
        try:
            text = decode_text(self.files[name])
        except FormatError as error:
            for p in error.problems:
                self.problem(name, p.line, p.reason)
            return None
        front = FRONT_MATTER.match(text)
        if front is None:
            self.problem(name, 1, "A lesson starts with front matter between “---” lines.")
            return None
        try:
            meta = yaml.safe_load(front["yaml"]) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            self.problem(name, (mark.line + 2) if mark else 2, f"Not valid YAML: {error}")
            return None
        if not isinstance(meta, dict):
            self.problem(name, 2, "The front matter is a mapping (title, minutes).")
            return None
        for key in meta:
            if key not in ("title", "minutes"):
                self.problem(name, _front_line(front["yaml"], str(key)), f"Unknown field “{key}”.")
        return meta, front["yaml"], front["body"]

    def image_links(self, name: str, body: str, body_line: int) -> list[tuple[str, str, str]]:
        """The body's links to package images (the image checked once), with their alt text."""
        images = []
        for link in IMAGE_LINK.finditer(body):
            src = link["src"]
            if src.startswith(("/lesson-images/", "http://", "https://")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), src))
            line = body_line + body[: link.start()].count("\n")
            if target not in self.files:
                self.problem(name, line, f"The image “{src}” is not in the package.")
                continue
            alt = " ".join(link["alt"].replace("\\", "").split())
            if not alt or len(alt) > IMAGE_ALT_MAX_CHARS:
                self.problem(name, line, f"Give the image alt text (1 to {IMAGE_ALT_MAX_CHARS}).")
                continue
            if target in self.package.images or self.image(name, line, target):
                images.append((link.group(0), target, alt))
        return images

    def image(self, lesson: str, line: int, target: str) -> bool:
        data = self.files[target]
        if len(data) > IMAGE_UPLOAD_MAX_BYTES:
            self.problem(
                target, 1, f"An image is at most {IMAGE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
            )
            return False
        try:
            content, _, _, _ = reencoded_image(data)
        except ApplicationError as error:
            self.problem(target, 1, f"{error.message} (used by {lesson}:{line})")
            return False
        self.package.images[target] = content
        return True

    def quiz(self, path: tuple[Any, ...], data: Any, module: ModuleData) -> None:
        if not isinstance(data, dict):
            self.manifest_problem(path, "A module's quiz is a mapping of its settings.")
            return
        self.known(data, QUIZ_KEYS, path)
        settings = {k: v for k, v in data.items() if k in QUIZ_KEYS and k != "file"}
        settings.setdefault("intro", "")
        settings["intro"] = settings["intro"] or ""
        try:
            validate_model(Quiz(**settings), exclude=["module"])
        except (ApplicationError, TypeError, ValueError) as error:
            if isinstance(error, ApplicationError):
                self.service_error(path, error, {})
            else:
                self.manifest_problem(path, str(error))
        module.quiz = settings
        name = data.get("file")
        if not isinstance(name, str) or name not in self.files:
            self.manifest_problem((*path, "file"), f"No quiz file “{name}” in the package.")
            return
        module.quiz_file = name
        default = (self.package.slug or "questions", module.slug)
        try:
            parsed = parse_gift(decode_text(self.files[name]))
        except FormatError as error:
            for p in error.problems:
                self.problem(name, p.line, p.reason)
            return
        if not parsed:
            self.problem(name, 1, "The quiz file holds no questions.")
        module.questions = questions_check(parsed, default_category=default)
        titles: set[str] = set()
        for planned in module.questions:
            for reason in planned.problems:
                self.problem(name, planned.line, reason)
            if not planned.parsed.title:
                self.problem(
                    name,
                    planned.line,
                    "Give every question a ::title:: (the loader finds it again by it).",
                )
            elif planned.name in titles:
                self.problem(name, planned.line, f"Two questions are titled “{planned.name}”.")
            titles.add(planned.name)


def _front_line(front: str, key: str) -> int:
    """The file line of a front matter key (the file's line 1 is the opening "---")."""
    for number, line in enumerate(front.splitlines(), start=2):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _slug_taken(messages: object) -> bool:
    return isinstance(messages, list) and all("already exists" in str(m) for m in messages)


def _check_module_unsaved(module: Module) -> None:
    """The module service's checks on a module not saved yet (its course is the package's)."""
    try:
        _check_module(module)
    except ApplicationError as error:
        details = {k: v for k, v in (error.details or {}).items() if k != "course"}
        if details or not error.details:
            raise ApplicationError(error.message, details=details) from None


def _check_lesson_unsaved(lesson: Lesson) -> None:
    try:
        _check_lesson(lesson)
    except ApplicationError as error:
        details = {k: v for k, v in (error.details or {}).items() if k != "module"}
        if details or not error.details:
            raise ApplicationError(error.message, details=details) from None


def package_check(files: dict[str, bytes]) -> Package:
    """The package read and checked; nothing is written."""
    return _Checker(files).check()


# --- writing -----------------------------------------------------------------------------


class _Rollback(Exception):
    """Ends a dry run's transaction: the plan is kept, every write undone."""


def _assign(instance: Any, fields: dict[str, Any]) -> bool:
    """Set the fields that differ; True when any did."""
    changed = False
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


class _Writer:
    def __init__(self, package: Package, actor: User, dry_run: bool) -> None:
        self.package = package
        self.actor = actor
        self.dry_run = dry_run
        self.plan = PackagePlan(slug=package.slug)
        self._made: list[int] = []  # images made for the lesson being written

    def note(self, kind: str, key: str, action: str) -> None:
        self.plan.items.append(PlanItem(kind, key, action))

    def write(self) -> PackagePlan:
        data = self.package.course
        course = Course.objects.select_for_update().filter(slug=data["slug"]).first()
        fields = {k: v for k, v in data.items() if k != "slug"}
        if course is None:
            require_course_creator(user=self.actor)
            course = Course(slug=data["slug"])
            _assign(course, fields)
            _check_course(course)
            course.save()
            course.instructors.add(self.actor)
            self.note("course", course.slug, "created")
        else:
            if not is_course_instructor(user=self.actor, course=course):
                raise PermissionDenied(
                    "Only the course's instructors can load a package into it.",
                    code="not_instructor",
                )
            changed = _assign(course, fields)
            if changed:
                _check_course(course)
                course.save()
            self.note("course", course.slug, "updated" if changed else "unchanged")
        self.plan.course = course
        self.modules(course)
        return self.plan

    def modules(self, course: Course) -> None:
        existing = {m.slug: m for m in Module.objects.select_for_update().filter(course=course)}
        wanted = [m.slug for m in self.package.modules]
        order = wanted + sorted(
            (s for s in existing if s not in wanted), key=lambda s: existing[s].position
        )
        # Positions move through free values above the current ones: (course, position) is
        # unique at every step. Only when the order changes, so a second load writes nothing.
        if any(existing[s].position != i for i, s in enumerate(order, start=1) if s in existing):
            offset = max((m.position for m in existing.values()), default=0) + len(order) + 1
            for module in existing.values():
                Module.objects.filter(pk=module.pk).update(position=module.position + offset)
                module.position += offset
        for position, data in enumerate(self.package.modules, start=1):
            found = existing.get(data.slug)
            fields = {**data.fields, "status": data.status, "position": position}
            key = data.slug
            if found is None:
                module = Module(course=course, slug=data.slug)
                _assign(module, fields)
                _check_module(module)
                module.save()
                self.note("module", key, "created")
            else:
                module = found
                changed = _assign(module, fields)
                if changed:
                    _check_module(module)
                    module.save()
                self.note("module", key, "updated" if changed else "unchanged")
            self.lessons(module, data)
            self.quiz(course, module, data)
        for position, slug in enumerate(order, start=1):
            if slug not in wanted and existing[slug].position != position:
                Module.objects.filter(pk=existing[slug].pk).update(position=position)

    def lessons(self, module: Module, data: ModuleData) -> None:
        existing = {x.slug: x for x in Lesson.objects.select_for_update().filter(module=module)}
        wanted = [x.slug for x in data.lessons]
        order = wanted + sorted(
            (s for s in existing if s not in wanted), key=lambda s: existing[s].position
        )
        if any(existing[s].position != i for i, s in enumerate(order, start=1) if s in existing):
            offset = max((x.position for x in existing.values()), default=0) + len(order) + 1
            for lesson in existing.values():
                Lesson.objects.filter(pk=lesson.pk).update(position=lesson.position + offset)
                lesson.position += offset
        for position, lesson_data in enumerate(data.lessons, start=1):
            found = existing.get(lesson_data.slug)
            key = f"{module.slug}/{lesson_data.slug}"
            created = found is None
            lesson = found or Lesson(
                module=module, slug=lesson_data.slug, position=position, body=""
            )
            body = self.images(module.course, lesson, lesson_data, key)
            fields = {
                **lesson_data.fields,
                "body": body,
                "status": data.status,
                "position": position,
            }
            changed = _assign(lesson, fields)
            if changed or created:
                _check_lesson(lesson)
                lesson.save()
            self.note(
                "lesson", key, "created" if created else "updated" if changed else "unchanged"
            )
            for image in LessonImage.objects.filter(
                lesson=None, course=module.course, pk__in=self._made
            ):
                image.lesson = lesson
                image.save(update_fields=["lesson"])
            self._made.clear()
        for position, slug in enumerate(order, start=1):
            if slug not in wanted and existing[slug].position != position:
                Lesson.objects.filter(pk=existing[slug].pk).update(position=position)

    def images(self, course: Course, lesson: Lesson, data: LessonData, key: str) -> str:
        """The lesson's body with each package image link pointing at its LessonImage: the
        lesson's image of the same (re-encoded) content, or a new one."""
        body = str(data.fields["body"])
        if not data.images:
            return body
        known: dict[str, int] = {}
        if lesson.pk is not None:
            for image in LessonImage.objects.filter(lesson=lesson):
                try:
                    with image.file.open("rb") as stored:
                        known[hashlib.sha256(stored.read()).hexdigest()] = image.pk
                except OSError:
                    continue
        for written, target, alt in data.images:
            content = self.package.images[target]
            digest = hashlib.sha256(content).hexdigest()
            image_id = known.get(digest)
            if image_id is None:
                image_id = self.image_create(course, content, alt)
                known[digest] = image_id
                self.note("image", f"{key}: {target}", "created")
            alt_md = alt.replace("[", "\\[").replace("]", "\\]")
            body = body.replace(written, f"![{alt_md}]({lesson_image_url(image_id)})")
        return body

    def image_create(self, course: Course, content: bytes, alt: str) -> int:
        """A LessonImage as the authoring service stores one (the content already re-encoded
        by `reencoded_image` when the package was checked)."""
        _, content_type, suffix, (width, height) = reencoded_image(content)
        image = LessonImage(
            course=course,
            content_type=content_type,
            width=width,
            height=height,
            alt_text=alt,
            uploaded_by=self.actor,
        )
        if self.dry_run:
            image.file.name = f"lesson-images/dry-run/{uuid.uuid4().hex}.{suffix}"
        else:
            image.file.save(f"{uuid.uuid4().hex}.{suffix}", ContentFile(content), save=False)
        image.save()
        self._made.append(image.pk)
        return image.pk

    def quiz(self, course: Course, module: Module, data: ModuleData) -> None:
        if data.quiz is None:
            return
        quiz = Quiz.objects.select_for_update().filter(module=module).order_by("id").first()
        key = module.slug
        if quiz is None:
            quiz = Quiz(module=module)
            _assign(quiz, data.quiz)
            validate_model(quiz)
            quiz.save()
            self.note("quiz", key, "created")
        else:
            changed = _assign(quiz, data.quiz)
            if changed:
                validate_model(quiz)
                quiz.save()
            self.note("quiz", key, "updated" if changed else "unchanged")
        questions = [self.question(course, key, planned) for planned in data.questions]
        slots = list(quiz.slots.order_by("position").values_list("question_id", flat=True))
        if slots != [q.pk for q in questions]:
            quiz.slots.all().delete()
            QuizSlot.objects.bulk_create(
                QuizSlot(quiz=quiz, position=position, question=question)
                for position, question in enumerate(questions, start=1)
            )

    def question(self, course: Course, key: str, planned: PlannedQuestion) -> Question:
        category = self.category(course, planned.category)
        question = Question.objects.filter(
            category=category, name=planned.name, is_current=True
        ).first()
        label = f"{key}: {planned.name}"
        if question is None:
            question = Question(category=category, type=planned.parsed.type)
            _question_fields(question, dict(planned.fields))
            question.save()
            _write_answers(question, planned.answers)
            self.note("question", label, "created")
            return question
        if question.type != planned.parsed.type:
            raise ApplicationError(
                f"“{planned.name}” in {key} changed type: give the new question a new title.",
                code="package_invalid",
            )
        if _same_question(question, planned):
            self.note("question", label, "unchanged")
            return question
        version = question.version
        revised = question_revise(
            actor=self.actor, question=question, answers=planned.answers, **planned.fields
        )
        self.note("question", label, "new version" if revised.version != version else "updated")
        return revised

    def category(self, course: Course, path: tuple[str, ...]) -> QuestionCategory:
        parent: QuestionCategory | None = None
        for name in path:
            parent, _ = QuestionCategory.objects.get_or_create(
                course=course, parent=parent, name=name
            )
        assert parent is not None  # questions_check gives every question a category
        return parent


def _decimal(value: object) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value)).normalize()


def _same_question(question: Question, planned: PlannedQuestion) -> bool:
    probe = Question(type=question.type, category=question.category)
    _question_fields(probe, dict(planned.fields))
    for name in ("name", "text", "general_feedback", "case_sensitive", "default_points"):
        if getattr(probe, name) != getattr(question, name):
            return False
    rows = list(question.choices.order_by("position"))
    if len(rows) != len(planned.answers):
        return False
    for row, answer in zip(rows, planned.answers, strict=True):
        if (
            row.text != str(answer.get("text", "")).strip()
            or row.match_text != str(answer.get("match_text", "")).strip()
            or row.feedback != str(answer.get("feedback", "")).strip()
            or _decimal(row.fraction) != (_decimal(answer.get("fraction", 0)) or Decimal(0))
            or _decimal(row.value_min) != _decimal(answer.get("value_min"))
            or _decimal(row.value_max) != _decimal(answer.get("value_max"))
        ):
            return False
    return True


def _invalid_package(problems: list[PackageProblem]) -> ApplicationError:
    return ApplicationError(
        f"Nothing was loaded: the package has {len(problems)} problem"
        f"{'s' if len(problems) != 1 else ''} to correct first.",
        code="package_invalid",
        details={"problems": [str(p) for p in problems]},
    )


def package_load(*, actor: User, files: dict[str, bytes], dry_run: bool = False) -> PackagePlan:
    """Check the package, then create or update its course in one transaction; a dry run
    (the preview) does the same and undoes it, keeping the plan. A package with problems
    returns them in the plan and writes nothing."""
    package = package_check(files)
    if package.problems:
        return PackagePlan(slug=package.slug, problems=package.problems)
    writer = _Writer(package, actor, dry_run)
    try:
        with transaction.atomic():
            writer.write()
            if dry_run:
                raise _Rollback
    except _Rollback:
        writer.plan.course = Course.objects.filter(slug=package.slug).first()
    return writer.plan


def package_load_or_raise(*, actor: User, files: dict[str, bytes]) -> PackagePlan:
    plan = package_load(actor=actor, files=files)
    if plan.problems:
        raise _invalid_package(plan.problems)
    return plan
