"""Lesson images and downloadable files: checked by what they contain, never by their name.

An image is opened by Pillow (only PNG, JPEG, WebP and GIF are taken), turned upright by its
EXIF orientation, and written again from its pixels alone: GPS position, camera serial and
every other metadata block stay behind. The stored file is ours, so a page never serves the
bytes an uploader chose.
"""

import io
import uuid
from pathlib import PurePosixPath
from typing import IO

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from courses.lesson_markup import image_markdown
from courses.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_PER_LESSON_MAX,
    IMAGE_ALT_MAX_CHARS,
    IMAGE_MAX_PIXELS,
    IMAGE_UPLOAD_MAX_BYTES,
    LESSON_BODY_MAX_CHARS,
    Course,
    Lesson,
    LessonAttachment,
    LessonImage,
)
from courses.selectors.authoring import require_course_instructor
from lms.errors import ApplicationError, Conflict

# Pillow's format name -> (the format we store, its content type, its file suffix). A GIF is
# stored as a PNG of its first frame: a lesson's picture does not move.
IMAGE_FORMATS = {
    "PNG": ("PNG", "image/png", "png"),
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "GIF": ("PNG", "image/png", "png"),
}
# Wider than any lesson column at twice its pixel density; larger uploads are scaled down.
IMAGE_MAX_SIDE = 2400

# What a lesson may offer for download: suffix -> (content type, how its first bytes begin).
ATTACHMENT_TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        b"PK\x03\x04",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_file", details={field: [message]})


def _read_bounded(upload: IO[bytes], most: int, field: str, what: str) -> bytes:
    data = upload.read(most + 1)
    if len(data) > most:
        raise _invalid(field, f"{what} must be at most {most // (1024 * 1024)} MB.")
    if not data:
        raise _invalid(field, "The file is empty.")
    return data


def _check_alt(alt_text: str) -> str:
    alt = " ".join(alt_text.split())
    if not alt:
        raise _invalid(
            "alt_text",
            "Describe the image for learners who cannot see it (alt text is required).",
        )
    if len(alt) > IMAGE_ALT_MAX_CHARS:
        raise _invalid("alt_text", f"Alt text is at most {IMAGE_ALT_MAX_CHARS} characters.")
    return alt


def reencoded_image(data: bytes) -> tuple[bytes, str, str, tuple[int, int]]:
    """The upload written again from its pixels: (bytes, content type, suffix, size)."""
    not_an_image = _invalid("image", "Upload a PNG, JPEG, WebP or GIF image.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise not_an_image from None
    if kind not in IMAGE_FORMATS:
        raise not_an_image
    if width * height > IMAGE_MAX_PIXELS:
        raise _invalid("image", f"The image is over {IMAGE_MAX_PIXELS // 1_000_000} megapixels.")
    stored_as, content_type, suffix = IMAGE_FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    # Only the pixels: a new image has no EXIF, XMP, ICC or text chunks of the upload's.
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") and stored_as != "JPEG" else "RGB"
    pixels = upright.convert(mode)
    pixels.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if stored_as in ("JPEG", "WEBP") else {}
    clean.save(out, format=stored_as, **options)
    return out.getvalue(), content_type, suffix, clean.size


@transaction.atomic
def lesson_image_add(
    *,
    actor: User,
    course: Course,
    upload: IO[bytes],
    alt_text: str,
    lesson: Lesson | None = None,
) -> LessonImage:
    """Store an image for the course's lessons; with a lesson, add it to the end of the
    lesson's text as Markdown with its alt text (the instructor moves it where it belongs)."""
    require_course_instructor(user=actor, course=course)
    if lesson is not None and lesson.module.course_id != course.pk:
        raise _invalid("lesson", "That lesson is not in this course.")
    alt = _check_alt(alt_text)
    data = _read_bounded(upload, IMAGE_UPLOAD_MAX_BYTES, "image", "An image")
    content, content_type, suffix, (width, height) = reencoded_image(data)
    image = LessonImage(
        course=course,
        lesson=lesson,
        content_type=content_type,
        width=width,
        height=height,
        alt_text=alt,
        uploaded_by=actor,
    )
    image.file.save(f"{uuid.uuid4().hex}.{suffix}", ContentFile(content), save=False)
    image.save()
    if lesson is not None:
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        body = f"{locked.body.rstrip()}\n\n{image_markdown(alt_text=alt, image_id=image.pk)}\n"
        if len(body) > LESSON_BODY_MAX_CHARS:
            raise _invalid("image", "The lesson's text is full: there is no room for an image.")
        Lesson.objects.filter(pk=lesson.pk).update(body=body)
    return image


@transaction.atomic
def lesson_attachment_add(
    *, actor: User, lesson: Lesson, upload: IO[bytes], filename: str
) -> LessonAttachment:
    """Offer a file for download with the lesson: PDF, Word, PowerPoint or Excel, checked by
    its first bytes as well as its name."""
    require_course_instructor(user=actor, course=lesson.module.course)
    if lesson.attachments.count() >= ATTACHMENTS_PER_LESSON_MAX:
        raise Conflict(f"A lesson offers at most {ATTACHMENTS_PER_LESSON_MAX} files.")
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()[:200]
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    kind = ATTACHMENT_TYPES.get(suffix)
    allowed = "Attach a PDF, Word (.docx), PowerPoint (.pptx) or Excel (.xlsx) file."
    if kind is None:
        raise _invalid("attachment", allowed)
    data = _read_bounded(upload, ATTACHMENT_MAX_BYTES, "attachment", "A file")
    content_type, magic = kind
    if not data.startswith(magic):
        raise _invalid("attachment", f"The file is not the {suffix.upper()} its name says.")
    attachment = LessonAttachment(
        lesson=lesson,
        filename=name,
        content_type=content_type,
        size=len(data),
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{suffix}", ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def lesson_attachment_remove(*, actor: User, attachment: LessonAttachment) -> None:
    require_course_instructor(user=actor, course=attachment.lesson.module.course)
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
