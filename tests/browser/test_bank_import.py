"""The question bank's import as an instructor uses it: a file with a mistake is previewed
with the problem's line and imports nothing; the corrected file is previewed, confirmed and
imported. Photographed at desktop and phone widths in test-artifacts/bank-import/."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from quizzes.models import Question
from tests.browser.test_learner_flow import log_in
from tests.factories import UserFactory, build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).resolve().parent.parent / "quizzes" / "formats" / "files"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def shoot(page: Page, artifacts_dir, name: str) -> None:
    folder = artifacts_dir / "bank-import"
    folder.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_bad_file_shows_its_problems_then_the_corrected_one_imports(
    page: Page, live_server, artifacts_dir, tmp_path
):
    course = build_course(modules=1, questions=1, title="Leading Rounds", slug="leading-rounds")
    teacher = UserFactory(username="teacher", full_name="Dr. Priya Raman")
    course.instructors.add(teacher)
    before = Question.objects.filter(category__course=course).count()
    good = (FILES / "leadership.gift").read_text()
    bad = tmp_path / "handoffs.gift"
    bad.write_text(good.replace("{#10..14}", "{#14..10}"))

    log_in(page, "teacher")
    page.goto(f"/teach/courses/{course.slug}/bank/import/")
    expect(
        page.get_by_role("heading", name="Import questions into the bank of Leading Rounds")
    ).to_be_visible()
    page.get_by_label("Question file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview the import").click()
    alert = page.get_by_role("alert").filter(has_text="problem")
    expect(alert).to_contain_text("1 problem to correct.")
    expect(alert).to_contain_text("Line 33: The range 14..10 ends below its start.")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    shoot(page, artifacts_dir, "problems")
    assert Question.objects.filter(category__course=course).count() == before

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Question file").set_input_files(str(FILES / "leadership.gift"))
    page.get_by_role("button", name="Preview the import").click()
    expect(
        page.get_by_text("Nothing is saved yet. Confirming adds 12 questions (GIFT)")
    ).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(13)  # the header and a row per question
    expect(table).to_contain_text("Communication / Handoffs")
    expect(table).to_contain_text("I-PASS order")
    shoot(page, artifacts_dir, "preview")
    assert Question.objects.filter(category__course=course).count() == before

    page.get_by_role("button", name="Import 12 questions").click()
    expect(
        page.get_by_text("12 questions imported into the bank from leadership.gift")
    ).to_be_visible()
    assert Question.objects.filter(category__course=course).count() == before + 12

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the GIFT file").click()
    text = Path(download.value.path()).read_text()
    assert "::I-PASS order::" in text and "$CATEGORY: $course$/top/Communication/Handoffs" in text
