"""Lesson images: checked by content, re-encoded without metadata, shown only from our URL;
and lesson files for download."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from courses.lesson_markup import lesson_image_url
from courses.models import IMAGE_UPLOAD_MAX_BYTES, LessonAttachment, LessonImage, render_markdown
from courses.services.lesson_files import lesson_attachment_add, lesson_image_add
from lms.errors import ApplicationError, PermissionDenied
from tests.factories import UserFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _png() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA", (40, 20), (20, 90, 160, 200))
    image.save(out, format="PNG", pnginfo=_png_text())
    return out.getvalue()


def _png_text():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Dr. Secret Uploader")
    return info


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (60, 30), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[ORIENTATION] = 6  # taken rotated: shown turned 90 degrees
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def lesson(course):
    return course.modules.get(position=1).lessons.get()


def _stored(image: LessonImage) -> Image.Image:
    with image.file.open("rb") as f:
        return Image.open(io.BytesIO(f.read()))


def test_a_png_is_re_encoded_without_its_text_chunks_and_added_to_the_lesson(
    course, instructor, lesson
):
    image = lesson_image_add(
        actor=instructor,
        course=course,
        lesson=lesson,
        upload=_upload(_png(), "chart.png"),
        alt_text="  Handover errors   by hour of the night ",
    )

    stored = _stored(image)
    assert (stored.format, stored.size, image.content_type) == ("PNG", (40, 20), "image/png")
    assert "Author" not in stored.info
    lesson.refresh_from_db()
    assert lesson.body.endswith(
        f"![Handover errors by hour of the night]({lesson_image_url(image.pk)})\n"
    )
    assert (
        f'<img alt="Handover errors by hour of the night" src="/lesson-images/{image.pk}/"'
        in lesson.body_html
    )


def test_a_jpeg_loses_its_gps_position_and_camera_and_stays_upright(course, instructor):
    original = Image.open(io.BytesIO(_jpeg_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)  # the test photo does carry a position

    image = lesson_image_add(
        actor=instructor,
        course=course,
        upload=_upload(_jpeg_with_gps(), "ward.jpg"),
        alt_text="The ward at night",
    )

    stored = _stored(image)
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert "exif" not in stored.info
    # Orientation 6 applied to the pixels: 60x30 becomes 30x60.
    assert stored.size == (30, 60) == (image.width, image.height)


def test_an_svg_named_png_is_refused(course, instructor, unchanged):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    error = unchanged(
        lambda: lesson_image_add(
            actor=instructor, course=course, upload=_upload(svg, "chart.png"), alt_text="Chart"
        ),
        error=ApplicationError,
        code="invalid_file",
    )
    assert "image" in error.details


def test_a_text_file_renamed_jpg_is_refused(course, instructor):
    with pytest.raises(ApplicationError) as raised:
        lesson_image_add(
            actor=instructor,
            course=course,
            upload=_upload(b"just some notes\n" * 10, "photo.jpg"),
            alt_text="Photo",
        )
    assert "image" in raised.value.details
    assert not LessonImage.objects.exists()


def test_an_image_over_the_size_limit_is_refused(course, instructor):
    too_big = _png() + b"\0" * IMAGE_UPLOAD_MAX_BYTES

    with pytest.raises(ApplicationError) as raised:
        lesson_image_add(
            actor=instructor, course=course, upload=_upload(too_big, "big.png"), alt_text="Big"
        )
    assert "at most 5 MB" in raised.value.message


def test_alt_text_is_required(course, instructor):
    with pytest.raises(ApplicationError) as raised:
        lesson_image_add(
            actor=instructor, course=course, upload=_upload(_png(), "a.png"), alt_text="  "
        )
    assert "alt_text" in raised.value.details


def test_only_the_course_instructors_upload(course, learner, unchanged):
    unchanged(
        lambda: lesson_image_add(
            actor=learner, course=course, upload=_upload(_png(), "a.png"), alt_text="A chart"
        ),
        error=PermissionDenied,
    )


@pytest.mark.parametrize(
    "markdown",
    [
        "![x](https://evil.example/pixel.png)",
        "![x](/lesson-images/1/../../admin/)",
        '<img src="data:image/png;base64,AAAA" alt="x">',
        '<img src="/lesson-images/12/?track=1" alt="x">',
        "![x](//evil.example/lesson-images/1/)",
    ],
)
def test_the_sanitiser_drops_every_image_that_is_not_ours(markdown):
    assert "<img" not in render_markdown(markdown)


def test_the_sanitiser_keeps_our_images_with_their_alt_text():
    html = render_markdown('![SBAR card](/lesson-images/7/ "The card")')
    assert html == (
        '<p><img alt="SBAR card" src="/lesson-images/7/" title="The card" loading="lazy"></p>'
    )


def test_the_image_is_served_to_readers_of_the_course_only(course, instructor, learner):
    image = lesson_image_add(
        actor=instructor, course=course, upload=_upload(_png(), "a.png"), alt_text="A chart"
    )
    url = reverse("lesson-image", kwargs={"image_id": image.pk})
    client = Client()
    client.force_login(learner)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.getvalue())).size == (40, 20)

    course.status = course.Status.DRAFT
    course.save(update_fields=["status"])
    assert client.get(url).status_code == 404  # a draft's images are its staff's
    assert Client().get(url).status_code == 302  # to the log-in page


def test_a_pdf_is_offered_for_download_and_a_renamed_file_is_refused(
    course, instructor, lesson, learner
):
    attachment = lesson_attachment_add(
        actor=instructor,
        lesson=lesson,
        upload=_upload(b"%PDF-1.7\n%fake but well begun\n", "I-PASS card.pdf"),
        filename="I-PASS card.pdf",
    )
    client = Client()
    client.force_login(learner)
    response = client.get(reverse("lesson-file", kwargs={"attachment_id": attachment.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "I-PASS card.pdf" in response["Content-Disposition"]
    page = client.get(reverse("lesson", kwargs={"lesson_id": lesson.pk})).content.decode()
    assert "Files for download" in page and "I-PASS card.pdf" in page

    with pytest.raises(ApplicationError):
        lesson_attachment_add(
            actor=instructor,
            lesson=lesson,
            upload=_upload(b"<html>not a pdf</html>", "slides.pdf"),
            filename="slides.pdf",
        )
    with pytest.raises(ApplicationError):
        lesson_attachment_add(
            actor=instructor,
            lesson=lesson,
            upload=_upload(b"MZ\x90\x00", "setup.exe"),
            filename="setup.exe",
        )
    assert LessonAttachment.objects.count() == 1


def test_the_lesson_page_uploads_an_image_and_keeps_the_text_typed(course, instructor, lesson):
    client = Client()
    client.force_login(instructor)
    url = reverse("teach-lesson", kwargs={"lesson_id": lesson.pk})
    form = {
        "title": lesson.title,
        "slug": lesson.slug,
        "estimated_minutes": "9",
        "body": "## New text\n\nTyped before the upload.",
    }

    refused = client.post(url, {**form, "image": _upload(_png(), "a.png"), "alt_text": ""})
    assert refused.status_code == 400
    assert "alt text is required" in refused.content.decode()
    lesson.refresh_from_db()
    assert "Typed before the upload." not in lesson.body  # nothing saved with the refusal

    saved = client.post(url, {**form, "image": _upload(_png(), "a.png"), "alt_text": "A chart"})
    assert saved.status_code == 302
    lesson.refresh_from_db()
    image = LessonImage.objects.get()
    assert (
        lesson.body
        == f"## New text\n\nTyped before the upload.\n\n![A chart](/lesson-images/{image.pk}/)\n"
    )


def test_someone_else_cannot_serve_a_file_from_another_course(course, instructor, lesson):
    attachment = lesson_attachment_add(
        actor=instructor,
        lesson=lesson,
        upload=_upload(b"%PDF-1.4\n", "card.pdf"),
        filename="card.pdf",
    )
    course.status = course.Status.DRAFT
    course.save(update_fields=["status"])
    stranger = UserFactory(username="stranger")
    client = Client()
    client.force_login(stranger)
    assert (
        client.get(reverse("lesson-file", kwargs={"attachment_id": attachment.pk})).status_code
        == 404
    )
