"""Course packages: the flagship loads, loading twice changes nothing, edits update in place,
bad packages write nothing and say where, and a course round-trips through export."""

import io
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courses.models import Course, Lesson, LessonImage, Module
from courses.services.package_files import PACKAGE_MAX_FILES, read_folder, read_zip
from courses.services.packages import package_check, package_load
from lms.errors import ApplicationError
from quizzes.models import Question, Quiz, QuizSlot
from tests.factories import UserFactory, enrol

pytestmark = pytest.mark.django_db

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "leadership-in-medicine"


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def package(tmp_path):
    copy = tmp_path / "package"
    shutil.copytree(FLAGSHIP, copy)
    return copy


def counts() -> dict[str, int]:
    return {
        "courses": Course.objects.count(),
        "modules": Module.objects.count(),
        "lessons": Lesson.objects.count(),
        "quizzes": Quiz.objects.count(),
        "questions": Question.objects.count(),
        "slots": QuizSlot.objects.count(),
    }


def test_the_flagship_package_loads_with_every_module_lesson_and_question(staff):
    plan = package_load(actor=staff, files=read_folder(FLAGSHIP))
    assert plan.problems == []
    course = Course.objects.get(slug="leadership-in-medicine")
    assert course.is_published and course.max_credits == 12
    assert course.modules.count() == 9
    for module in course.modules.all():
        assert 2 <= module.lessons.count() <= 4
        assert module.objectives.count("\n") >= 2
        assert module.quizzes.get().slots.count() >= 8
    types = Counter(Question.objects.values_list("type", flat=True))
    assert len(types) >= 5
    assert plan.count("created") == sum(counts().values()) - counts()["slots"]


def test_loading_the_flagship_twice_changes_nothing(staff, django_assert_max_num_queries):
    package_load(actor=staff, files=read_folder(FLAGSHIP))
    before = counts()
    bodies = dict(Lesson.objects.values_list("pk", "body"))
    plan = package_load(actor=staff, files=read_folder(FLAGSHIP))
    assert plan.changes == []
    assert plan.count("unchanged") == len(plan.items)
    assert counts() == before
    assert dict(Lesson.objects.values_list("pk", "body")) == bodies
    assert not Question.objects.filter(version__gt=1).exists()


def test_an_edited_lesson_file_updates_only_that_lesson(staff, package):
    package_load(actor=staff, files=read_folder(package))
    before = dict(Lesson.objects.values_list("slug", "body"))
    lesson_file = next((package / "lessons" / "ethics").glob("01-*.md"))
    lesson_file.write_text(lesson_file.read_text() + "\nA sentence added in review.\n")
    plan = package_load(actor=staff, files=read_folder(package))
    assert [(i.kind, i.action) for i in plan.changes] == [("lesson", "updated")]
    after = dict(Lesson.objects.values_list("slug", "body"))
    changed = [slug for slug in after if after[slug] != before[slug]]
    assert changed == ["the-four-principles-in-clinical-leadership"]
    assert after[changed[0]].endswith("A sentence added in review.")


def test_an_edited_question_learners_answered_becomes_a_new_version(staff, package):
    from quizzes.services.attempts import attempt_start

    package_load(actor=staff, files=read_folder(package))
    learner = UserFactory()
    quiz = Quiz.objects.get(module__slug="ethics")
    enrol(learner, quiz.module.course)
    first = quiz.slots.order_by("position")[0].question
    assert first is not None
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    gift = package / "quizzes" / "ethics.gift"
    text = gift.read_text()
    title = f"::{first.name}::"
    start = text.index(title) + len(title)
    gift.write_text(text[:start] + "Revised: " + text[start:])
    plan = package_load(actor=staff, files=read_folder(package))
    assert [(i.kind, i.action) for i in plan.changes] == [("question", "new version")]
    current = Question.objects.get(category=first.category, name=first.name, is_current=True)
    assert current.version == 2 and current.previous_id == first.pk
    assert current.text.startswith("Revised: ")
    assert quiz.slots.order_by("position")[0].question_id == current.pk
    assert attempt.questions.filter(question_id=first.pk).exists()  # the attempt keeps v1
    # Loading the edited package again changes nothing more.
    assert package_load(actor=staff, files=read_folder(package)).changes == []


def test_a_bad_package_writes_nothing_and_reports_each_problem_with_file_and_line(staff, package):
    manifest = package / "course.yaml"
    manifest.write_text(
        manifest.read_text()
        .replace("      - practice_based_learning\n", "      - bedside_manner\n", 1)
        .replace("pass_mark_percent: 70\ncredit", "pass_mark_percent: 170\ncredit", 1)
    )
    lesson = next((package / "lessons" / "ethics").glob("02-*.md"))
    lesson.write_text(lesson.read_text().replace("minutes: 15", "minutes: 0", 1))
    gift = package / "quizzes" / "mentorship.gift"
    gift.write_text(gift.read_text() + "\n::Broken:: A question with no end {=yes ~no\n")
    plan = package_load(actor=staff, files=read_folder(package))
    where = {(p.file, p.line) for p in plan.problems}
    text = manifest.read_text().splitlines()
    competency_line = next(i for i, line in enumerate(text, 1) if "bedside_manner" in line)
    assert ("course.yaml", competency_line - 1) in where  # the module's "competencies:"
    assert ("course.yaml", text.index("pass_mark_percent: 170") + 1) in where
    minutes_line = lesson.read_text().splitlines().index("minutes: 0") + 1
    assert (f"lessons/ethics/{lesson.name}", minutes_line) in where
    broken_line = gift.read_text().splitlines().index("::Broken:: A question with no end {=yes ~no")
    assert ("quizzes/mentorship.gift", broken_line + 1) in where
    assert len(plan.problems) == 4
    assert counts()["courses"] == 0 and counts()["questions"] == 0
    with pytest.raises(CommandError):
        call_command("load_course", str(package), "--as", staff.username)
    assert Course.objects.count() == 0


def test_a_dry_run_shows_the_plan_and_writes_nothing(staff):
    plan = package_load(actor=staff, files=read_folder(FLAGSHIP), dry_run=True)
    assert plan.count("created") > 100
    assert counts()["courses"] == 0 and counts()["questions"] == 0


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.md", "lessons/../../x.md", "a\\b.md"])
def test_a_zip_with_an_unsafe_path_is_refused(name):
    with pytest.raises(ApplicationError, match="path"):
        read_zip(_zip({"course.yaml": b"slug: x\n", name: b"text"}))


def test_a_zip_bomb_and_too_many_files_are_refused():
    with pytest.raises(ApplicationError, match="expands"):
        read_zip(_zip({"course.yaml": b"slug: x\n", "big.md": b"0" * (20 * 1024 * 1024)}))
    many = {f"f{n}.md": b"x" for n in range(PACKAGE_MAX_FILES + 1)}
    with pytest.raises(ApplicationError, match="at most"):
        read_zip(_zip(many))


def test_a_zip_of_the_package_folder_reads_as_the_folder():
    files = read_folder(FLAGSHIP)
    zipped = read_zip(_zip({f"leadership-in-medicine/{k}": v for k, v in files.items()}))
    assert zipped == files
    assert package_check(zipped).problems == []


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _authored_course(staff) -> Course:
    """A course made on the site: two modules, lessons (one with an image), and a quiz with
    a question of every type."""
    from courses.services import authoring
    from courses.services.lesson_files import lesson_image_add
    from quizzes.services.authoring import quiz_create, quiz_settings_update
    from tests.quizzes.builders import quiz_of_every_type

    course = authoring.course_create(
        actor=staff,
        title="Handover Leadership",
        summary="Leading the handover.",
        pass_mark_percent=80,
    )
    first = authoring.module_add(
        actor=staff,
        course=course,
        title="Structured handover",
        summary="Why handover needs a structure.",
        objectives=["Use I-PASS at shift change", "Close the loop on every action"],
        competencies=["interpersonal_communication", "patient_care"],
    )
    authoring.module_add(actor=staff, course=course, title="Optional reading", required=False)
    lesson = authoring.lesson_add(
        actor=staff,
        module=first,
        title="I-PASS",
        body="## Why\n\nA handover.",
        estimated_minutes=12,
    )
    lesson_image_add(
        actor=staff, course=course, lesson=lesson, upload=io.BytesIO(_png()), alt_text="I-PASS card"
    )
    authoring.lesson_add(actor=staff, module=first, title="Closed loop", body="Say it back.")
    quiz = quiz_create(actor=staff, module=first, title="Handover check")
    quiz_settings_update(actor=staff, quiz=quiz, pass_mark_percent=75, attempts_allowed=2)
    quiz_of_every_type(quiz, staff)
    return course


def _snapshot(course: Course) -> dict[str, object]:
    image_ids = re.compile(r"/lesson-images/[0-9]+/")
    return {
        "course": Course.objects.filter(pk=course.pk)
        .values("slug", "title", "summary", "status", "pass_mark_percent", "max_credits")
        .get(),
        "modules": list(
            course.modules.order_by("position").values_list(
                "slug", "title", "summary", "objectives", "competencies", "required", "status"
            )
        ),
        "lessons": [
            (
                x.module.slug,
                x.slug,
                x.title,
                x.estimated_minutes,
                image_ids.sub("IMG", x.body).strip(),
            )
            for x in Lesson.objects.filter(module__course=course).order_by(
                "module__position", "position"
            )
        ],
        "quizzes": list(
            Quiz.objects.filter(module__course=course).values_list(
                "module__slug", "title", "pass_mark_percent", "attempts_allowed", "grading_method"
            )
        ),
        "questions": [
            (
                slot.quiz.module.slug,
                slot.question.type,
                slot.question.name,
                slot.question.text,
                slot.question.general_feedback,
                [
                    # GIFT has no feedback on a matching pair: the one thing it cannot carry.
                    (c.text, c.match_text, c.value_min, c.value_max, c.fraction)
                    + (() if slot.question.type == Question.Type.MATCHING else (c.feedback,))
                    for c in slot.question.choices.order_by("position")
                ],
            )
            for slot in QuizSlot.objects.filter(quiz__module__course=course)
            .select_related("question", "quiz__module")
            .order_by("quiz__module__position", "position")
            if slot.question is not None
        ],
        "images": LessonImage.objects.filter(course=course).count(),
    }


def test_a_course_authored_on_the_site_exports_and_loads_back_the_same(staff, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    course = _authored_course(staff)
    before = _snapshot(course)
    assert len(before["questions"]) == len(Question.Type.values)  # type: ignore[arg-type]
    call_command("export_course", course.slug, str(tmp_path / "package.zip"))
    QuizSlot.objects.all().delete()
    Question.objects.all().delete()
    Course.objects.all().delete()
    assert counts()["questions"] == 0
    call_command("load_course", str(tmp_path / "package.zip"), "--as", staff.username)
    again = Course.objects.get(slug=course.slug)
    assert _snapshot(again) == before
    # And the loaded course exports to the very same package.
    call_command("export_course", course.slug, str(tmp_path / "folder"))
    assert package_load(actor=staff, files=read_folder(tmp_path / "folder")).changes == []


def _flagship_zip() -> bytes:
    return _zip(read_folder(FLAGSHIP))


def test_the_upload_page_previews_then_loads_the_same_file(client, staff, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    upload = io.BytesIO(_flagship_zip())
    upload.name = "leadership-in-medicine.zip"
    preview = client.post("/teach/courses/import/", {"package": upload})
    assert preview.status_code == 200
    assert b"Nothing is saved yet" in preview.content
    assert Course.objects.count() == 0
    token = preview.context["token"]
    assert list((tmp_path / "package-uploads").iterdir())  # kept for the confirm only
    loaded = client.post("/teach/courses/import/", {"token": token})
    assert loaded.status_code == 302
    assert Course.objects.get().modules.count() == 9
    assert not list((tmp_path / "package-uploads").iterdir())
    # The token is used up: sent again, nothing more happens.
    again = client.post("/teach/courses/import/", {"token": token}, follow=True)
    assert b"Upload the package again" in again.content


def test_the_upload_page_lists_every_problem_and_refuses_another_persons_token(
    client, staff, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    files = read_folder(FLAGSHIP)
    files["course.yaml"] = files["course.yaml"].replace(b"status: published", b"status: live", 1)
    upload = io.BytesIO(_zip(files))
    upload.name = "bad.zip"
    client.force_login(staff)
    page = client.post("/teach/courses/import/", {"package": upload})
    assert page.status_code == 400
    assert b"course.yaml</code> line 12" in page.content
    good = io.BytesIO(_flagship_zip())
    good.name = "good.zip"
    token = client.post("/teach/courses/import/", {"package": good}).context["token"]
    client.force_login(UserFactory(is_staff=True))
    client.post("/teach/courses/import/", {"token": token})
    assert Course.objects.count() == 0


def test_an_instructor_downloads_the_course_as_a_package_that_loads(client, staff):
    package_load(actor=staff, files=read_folder(FLAGSHIP))
    client.force_login(staff)
    response = client.get("/teach/courses/leadership-in-medicine/package.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert package_load(actor=staff, files=read_zip(response.content)).changes == []


def test_the_api_previews_loads_and_refuses_a_bad_package_with_its_problems(staff):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff)

    def send(data: bytes, confirm: bool):
        upload = io.BytesIO(data)
        upload.name = "package.zip"
        return api.post(
            "/api/v1/course-packages/", {"package": upload, "confirm": confirm}, format="multipart"
        )

    preview = send(_flagship_zip(), confirm=False)
    assert preview.status_code == 200, preview.content
    assert preview.json()["summary"]["created"] > 100
    assert Course.objects.count() == 0
    loaded = send(_flagship_zip(), confirm=True)
    assert loaded.status_code == 201
    assert Course.objects.get().modules.count() == 9
    assert send(_flagship_zip(), confirm=True).json()["changes"] == []
    files = read_folder(FLAGSHIP)
    files["quizzes/ethics.gift"] += b"\n::Open:: Never closed {=a ~b\n"
    refused = send(_zip(files), confirm=True)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "package_invalid"
    assert any(p.startswith("quizzes/ethics.gift:") for p in error["details"]["problems"])


def test_package_images_become_lesson_images_and_a_missing_one_is_reported(
    staff, package, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (package / "images").mkdir()
    (package / "images" / "sbar-card.png").write_bytes(_png())
    lesson_file = next((package / "lessons" / "ethics").glob("01-*.md"))
    original = lesson_file.read_text()
    lesson_file.write_text(original + "\n![An SBAR card](../../images/sbar-card.png)\n")
    package_load(actor=staff, files=read_folder(package))
    image = LessonImage.objects.get()
    lesson = Lesson.objects.get(module__slug="ethics", position=1)
    assert image.lesson == lesson and image.alt_text == "An SBAR card"
    assert lesson.body.endswith(f"![An SBAR card](/lesson-images/{image.pk}/)")
    assert package_load(actor=staff, files=read_folder(package)).changes == []
    lesson_file.write_text(original + "\n\n![A chart](../../images/missing.png)\n")
    plan = package_load(actor=staff, files=read_folder(package))
    line = lesson_file.read_text().splitlines().index("![A chart](../../images/missing.png)") + 1
    assert [(p.file, p.line) for p in plan.problems] == [
        (f"lessons/ethics/{lesson_file.name}", line)
    ]
