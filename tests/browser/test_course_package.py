"""An instructor uploads a course package in headless Chromium: the preview lists every problem
with its file and line, a corrected zip shows the plan, and confirming loads the course; the
pages pass axe and fit a phone's width."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import FilePayload, Page, expect

from courses.models import Course
from courses.selectors.authoring import INSTRUCTORS_GROUP
from courses.services.package_files import read_folder
from tests.browser.test_accessibility import PHONE, Findings, check
from tests.browser.test_learner_flow import log_in
from tests.courses.test_packages import FLAGSHIP
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_instructor_previews_a_package_corrects_it_and_loads_it(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    teacher = UserFactory(username="tanaka")
    teacher.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    files = read_folder(FLAGSHIP)
    broken = dict(files)
    broken["course.yaml"] = files["course.yaml"].replace(
        b"pass_mark_percent: 70\ncredit", b"pass_mark_percent: 170\ncredit", 1
    )
    page.set_viewport_size(PHONE)
    findings = Findings()
    log_in(page, "tanaka")
    page.goto("/teach/")
    page.get_by_role("link", name="Load a course package").click()
    check(page, findings)
    upload = page.get_by_label("Course package (.zip)")
    upload.set_input_files(
        FilePayload(name="course.zip", mimeType="application/zip", buffer=_zip(broken))
    )
    page.get_by_role("button", name="Preview").click()
    problems = page.locator("#package-problems")
    expect(problems).to_contain_text("course.yaml line 13")
    expect(problems).to_contain_text("pass_mark_percent")
    check(page, findings)
    assert Course.objects.count() == 0

    page.get_by_label("Course package (.zip)").set_input_files(
        FilePayload(name="course.zip", mimeType="application/zip", buffer=_zip(files))
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#package-plan-summary")).to_contain_text("Nothing is saved yet")
    check(page, findings)
    page.get_by_role("button", name="Load the package").click()
    expect(page.get_by_text("Loaded Leadership in Medicine")).to_be_visible()
    assert Course.objects.get().modules.count() == 9
    assert findings.problems == [], findings.report()
