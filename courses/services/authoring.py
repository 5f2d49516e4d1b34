"""Authoring: courses, their settings and certificate branding, modules and lessons.

The one validation of what an instructor writes: the pages' forms and the API's serializers
only parse, and every rule (bounds from courses.models, what the certificate needs of the
continuing-education fields) is checked here.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils.text import slugify

from accounts.models import User
from certificates.models import CREDIT_STEP, CertificateBranding, CreditClaim
from courses.models import (
    COURSE_ABOUT_MAX_CHARS,
    COURSE_SUMMARY_MAX_CHARS,
    CREDIT_STATEMENT_MAX_CHARS,
    LESSON_BODY_MAX_CHARS,
    LESSON_MINUTES_MAX,
    LESSONS_PER_MODULE_MAX,
    MODULE_OBJECTIVE_MAX_CHARS,
    MODULE_OBJECTIVES_MAX,
    MODULE_SUMMARY_MAX_CHARS,
    MODULES_PER_COURSE_MAX,
    Competency,
    Course,
    Enrolment,
    Lesson,
    Module,
    ModuleProgress,
)
from courses.selectors.authoring import (
    lesson_has_learner_work,
    module_has_learner_work,
    require_course_creator,
    require_course_instructor,
)
from lms.errors import ApplicationError, Conflict, validate_model

COURSE_FIELDS = (
    "title",
    "slug",
    "summary",
    "about",
    "pass_mark_percent",
    "accredited_provider",
    "credit_type",
    "max_credits",
    "learning_format",
    "designation_statement",
    "accreditation_statement",
)
# No status here: a new course is a draft, and publishing goes through
# courses.services.publishing, whose rules (what a draft hides, what may be unpublished) hold
# on every path.
BRANDING_FIELDS = ("issuer_name", "signatory_name", "signatory_title")
MODULE_FIELDS = ("title", "slug", "summary", "objectives", "competencies", "required")
LESSON_FIELDS = ("title", "slug", "body", "estimated_minutes")


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", details={field: [message]})


def _check_known(fields: Mapping[str, object], allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def _check_length(field: str, value: str, most: int) -> None:
    if len(value) > most:
        raise _invalid(field, f"At most {most} characters (this has {len(value)}).")


def _set(instance: Model, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


def _unique_slug(wanted: str, taken: set[str], limit: int = 100) -> str:
    base = (slugify(wanted) or "untitled")[:limit].strip("-") or "untitled"
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = f"{base[: limit - len(suffix)]}{suffix}", n + 1
    return slug


# --- courses ---------------------------------------------------------------------------------


def _check_credit(course: Course) -> None:
    """The continuing-education fields as the certificate and the credit claim need them.

    A learner claims credit in steps of CREDIT_STEP up to the maximum, and the certificate
    prints the provider and both statements beside the credit: a course that awards credit
    states all of them, and a maximum a learner can claim exactly.
    """
    if bool(course.credit_type) != (course.max_credits > 0):
        message = "A course that awards credit needs both a credit type and a maximum above 0."
        raise _invalid("max_credits" if course.credit_type else "credit_type", message)
    if course.max_credits % CREDIT_STEP:
        raise _invalid("max_credits", f"Give the maximum in steps of {CREDIT_STEP} (such as 1.75).")
    for name in ("designation_statement", "accreditation_statement"):
        _check_length(name, getattr(course, name), CREDIT_STATEMENT_MAX_CHARS)
    if course.awards_credit:
        for name, label in (
            ("accredited_provider", "the accredited provider"),
            ("designation_statement", "the designation statement"),
            ("accreditation_statement", "the accreditation statement"),
        ):
            if not getattr(course, name):
                raise _invalid(name, f"The certificate of a course with credit states {label}.")
    if course.pk is None:
        return
    claimed = CreditClaim.objects.filter(enrolment__course=course).aggregate(m=Max("credits"))["m"]
    if claimed is not None and (not course.awards_credit or course.max_credits < claimed):
        raise _invalid(
            "max_credits",
            f"A learner has already claimed {claimed} credits: the maximum cannot go below it.",
        )


def _check_course(course: Course) -> None:
    validate_model(course)
    _check_length("summary", course.summary, COURSE_SUMMARY_MAX_CHARS)
    _check_length("about", course.about, COURSE_ABOUT_MAX_CHARS)
    _check_credit(course)


@transaction.atomic
def course_create(*, actor: User, title: str, slug: str = "", **fields: Any) -> Course:
    """A new course, as a draft, taught by its creator."""
    require_course_creator(user=actor)
    _check_known(fields, COURSE_FIELDS)
    course = Course(status=Course.Status.DRAFT)
    taken = set(Course.objects.values_list("slug", flat=True))
    _set(course, {**fields, "title": title, "slug": slug.strip() or _unique_slug(title, taken)})
    _check_course(course)
    course.save()
    course.instructors.add(actor)
    return course


@transaction.atomic
def course_update(*, actor: User, course: Course, **fields: Any) -> Course:
    """Change any of COURSE_FIELDS of a course the actor teaches."""
    require_course_instructor(user=actor, course=course)
    _check_known(fields, COURSE_FIELDS)
    course = Course.objects.select_for_update().get(pk=course.pk)
    _set(course, fields)
    _check_course(course)
    course.save()
    return course


@transaction.atomic
def course_branding_update(*, actor: User, course: Course, **fields: str) -> CertificateBranding:
    """The text of the course's certificate branding (its images stay with staff, in the
    admin). Certificates already issued keep theirs until they are rendered again."""
    require_course_instructor(user=actor, course=course)
    _check_known(fields, BRANDING_FIELDS)
    branding, _ = CertificateBranding.objects.get_or_create(course=course)
    _set(branding, fields)
    validate_model(branding)
    branding.save()
    return branding


# --- modules ---------------------------------------------------------------------------------


def _objectives_text(objectives: object) -> str:
    if isinstance(objectives, str):
        lines: list[object] = list(objectives.splitlines())
    elif isinstance(objectives, list | tuple):
        lines = list(objectives)
    else:
        raise _invalid("objectives", "Objectives are a list of lines of text.")
    cleaned = [" ".join(str(line).split()) for line in lines]
    cleaned = [line for line in cleaned if line]
    if len(cleaned) > MODULE_OBJECTIVES_MAX:
        raise _invalid("objectives", f"At most {MODULE_OBJECTIVES_MAX} objectives.")
    for line in cleaned:
        _check_length("objectives", line, MODULE_OBJECTIVE_MAX_CHARS)
    return "\n".join(cleaned)


def _check_module(module: Module) -> None:
    if not isinstance(module.competencies, list) or not all(
        isinstance(code, str) for code in module.competencies
    ):
        raise _invalid("competencies", "Competencies are a list of competency codes.")
    unknown = sorted(set(module.competencies) - set(Competency.values))
    if unknown:
        raise _invalid("competencies", f"Unknown competencies: {', '.join(unknown)}.")
    module.competencies = [code for code in Competency.values if code in module.competencies]
    _check_length("summary", module.summary, MODULE_SUMMARY_MAX_CHARS)
    validate_model(module)


def _module_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    _check_known(fields, MODULE_FIELDS)
    fields = dict(fields)
    if "objectives" in fields:
        fields["objectives"] = _objectives_text(fields["objectives"])
    return fields


@transaction.atomic
def module_add(*, actor: User, course: Course, title: str, **fields: Any) -> Module:
    """A module at the end of the course; enrolled learners get its progress row."""
    require_course_instructor(user=actor, course=course)
    fields = _module_fields(fields)
    course = Course.objects.select_for_update().get(pk=course.pk)
    modules = list(course.modules.values_list("slug", "position"))
    if len(modules) >= MODULES_PER_COURSE_MAX:
        raise Conflict(f"A course has at most {MODULES_PER_COURSE_MAX} modules.")
    slug = str(fields.pop("slug", "")).strip() or _unique_slug(title, {s for s, _ in modules})
    module = Module(course=course, position=max((p for _, p in modules), default=0) + 1)
    _set(module, {**fields, "title": title, "slug": slug})
    _check_module(module)
    module.save()
    ModuleProgress.objects.bulk_create(
        [
            ModuleProgress(enrolment_id=enrolment_id, module=module)
            for enrolment_id in Enrolment.objects.filter(course=course).values_list("id", flat=True)
        ],
        ignore_conflicts=True,
    )
    return module


@transaction.atomic
def module_update(*, actor: User, module: Module, **fields: Any) -> Module:
    require_course_instructor(user=actor, course=module.course)
    fields = _module_fields(fields)
    module = Module.objects.select_for_update().select_related("course").get(pk=module.pk)
    _set(module, fields)
    _check_module(module)
    module.save()
    return module


def _reorder(rows: Sequence[Any], ordered_ids: Sequence[int], what: str) -> None:
    """Give `rows` (locked) the positions 1..n in the order of `ordered_ids`, through free
    positions above them: (parent, position) is unique at every step."""
    by_id = {row.pk: row for row in rows}
    if sorted(ordered_ids) != sorted(by_id):
        raise _invalid("order", f"List every {what} of it exactly once.")
    if not rows:
        return
    manager = type(rows[0])._default_manager
    offset = max(row.position for row in rows) + 1
    for row in rows:
        manager.filter(pk=row.pk).update(position=row.position + offset)
    for position, row_id in enumerate(ordered_ids, start=1):
        manager.filter(pk=row_id).update(position=position)


def _moved(ids: list[int], row_id: int, offset: int) -> list[int]:
    index = ids.index(row_id)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return ids


@transaction.atomic
def modules_reorder(*, actor: User, course: Course, module_ids: Sequence[int]) -> None:
    """Put the course's modules in this order (every module's id, once)."""
    require_course_instructor(user=actor, course=course)
    modules = list(Module.objects.select_for_update().filter(course=course).order_by("position"))
    _reorder(modules, list(module_ids), "module")


@transaction.atomic
def module_move(*, actor: User, module: Module, offset: int) -> None:
    """Move a module up (-1) or down (+1); at the top or bottom it stays."""
    require_course_instructor(user=actor, course=module.course)
    modules = list(
        Module.objects.select_for_update().filter(course=module.course).order_by("position")
    )
    _reorder(modules, _moved([m.pk for m in modules], module.pk, offset), "module")


@transaction.atomic
def module_remove(*, actor: User, module: Module) -> None:
    """Remove a module no learner has worked in, with its lessons and quizzes (their
    questions stay in the course's bank). A module with learners' work stays: make it
    optional instead, or edit it."""
    require_course_instructor(user=actor, course=module.course)
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module_has_learner_work(module=module):
        raise Conflict(
            "Learners have already worked in this module (lessons read or quiz attempts): it "
            "cannot be removed without losing their progress. Make it optional instead.",
            code="learner_progress",
        )
    course = module.course
    module.delete()
    rest = list(Module.objects.select_for_update().filter(course=course).order_by("position"))
    _reorder(rest, [m.pk for m in rest], "module")


# --- lessons ---------------------------------------------------------------------------------


def _check_lesson(lesson: Lesson) -> None:
    _check_length("body", lesson.body, LESSON_BODY_MAX_CHARS)
    minutes = lesson.estimated_minutes
    if not isinstance(minutes, int) or not 1 <= minutes <= LESSON_MINUTES_MAX:
        raise _invalid("estimated_minutes", f"Estimate between 1 and {LESSON_MINUTES_MAX} minutes.")
    if not lesson.body.strip():
        raise _invalid("body", "Write the lesson's text.")
    validate_model(lesson)


@transaction.atomic
def lesson_add(*, actor: User, module: Module, title: str, **fields: Any) -> Lesson:
    """A lesson at the end of the module."""
    require_course_instructor(user=actor, course=module.course)
    _check_known(fields, LESSON_FIELDS)
    module = Module.objects.select_for_update().get(pk=module.pk)
    lessons = list(module.lessons.values_list("slug", "position"))
    if len(lessons) >= LESSONS_PER_MODULE_MAX:
        raise Conflict(f"A module has at most {LESSONS_PER_MODULE_MAX} lessons.")
    fields = dict(fields)
    slug = str(fields.pop("slug", "")).strip() or _unique_slug(title, {s for s, _ in lessons})
    lesson = Lesson(module=module, position=max((p for _, p in lessons), default=0) + 1)
    _set(lesson, {"estimated_minutes": 10, **fields, "title": title, "slug": slug})
    _check_lesson(lesson)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(*, actor: User, lesson: Lesson, **fields: Any) -> Lesson:
    require_course_instructor(user=actor, course=lesson.module.course)
    _check_known(fields, LESSON_FIELDS)
    lesson = Lesson.objects.select_for_update().select_related("module__course").get(pk=lesson.pk)
    _set(lesson, fields)
    _check_lesson(lesson)
    lesson.save()
    return lesson


@transaction.atomic
def lessons_reorder(*, actor: User, module: Module, lesson_ids: Sequence[int]) -> None:
    require_course_instructor(user=actor, course=module.course)
    lessons = list(Lesson.objects.select_for_update().filter(module=module).order_by("position"))
    _reorder(lessons, list(lesson_ids), "lesson")


@transaction.atomic
def lesson_move(*, actor: User, lesson: Lesson, offset: int) -> None:
    """Move a lesson up (-1) or down (+1) within its module."""
    require_course_instructor(user=actor, course=lesson.module.course)
    lessons = list(
        Lesson.objects.select_for_update().filter(module_id=lesson.module_id).order_by("position")
    )
    _reorder(lessons, _moved([x.pk for x in lessons], lesson.pk, offset), "lesson")


@transaction.atomic
def lesson_remove(*, actor: User, lesson: Lesson) -> None:
    """Remove a lesson no learner has read yet."""
    require_course_instructor(user=actor, course=lesson.module.course)
    if lesson_has_learner_work(lesson_id=lesson.pk):
        raise Conflict(
            "Learners have already read this lesson: removing it would change their progress. "
            "Edit its text instead.",
            code="learner_progress",
        )
    module = lesson.module
    Lesson.objects.filter(pk=lesson.pk).delete()
    rest = list(Lesson.objects.select_for_update().filter(module=module).order_by("position"))
    _reorder(rest, [x.pk for x in rest], "lesson")
