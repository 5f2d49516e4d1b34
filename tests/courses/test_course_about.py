"""The "About this course" page: the instructors write it (page and API, one bound), learners
read it sanitised before enrolling; a course without one has no such page."""

import pytest
from django.urls import reverse

from courses.models import COURSE_ABOUT_MAX_CHARS
from courses.services import authoring as services
from lms.errors import ApplicationError
from tests.factories import UserFactory, build_course

pytestmark = pytest.mark.django_db

ABOUT = """## Who the course is for

Residents in their first postgraduate years, and the nurses and physicians who lead with them.

<script>alert("x")</script>
"""


def test_an_instructor_writes_it_and_a_learner_reads_it_sanitised(client):
    course = build_course(modules=1, questions=1, title="Clinical Leadership Essentials")
    instructor = UserFactory(username="adeyemi")
    course.instructors.add(instructor)
    services.course_update(actor=instructor, course=course, about=ABOUT)

    client.force_login(UserFactory(username="maya"))
    detail = client.get(reverse("course", args=[course.slug])).content.decode()
    assert f'href="{reverse("course-about", args=[course.slug])}"' in detail
    page = client.get(reverse("course-about", args=[course.slug])).content.decode()
    assert "<h2>Who the course is for</h2>" in page
    assert "<script>alert" not in page
    api = client.get(f"/api/v1/courses/{course.slug}/").json()
    assert "<h2>Who the course is for</h2>" in api["about_html"]


def test_without_one_there_is_no_page_and_a_long_one_is_refused(client):
    course = build_course(modules=1, questions=1)
    instructor = UserFactory(username="adeyemi")
    course.instructors.add(instructor)
    client.force_login(instructor)
    assert client.get(reverse("course-about", args=[course.slug])).status_code == 404
    with pytest.raises(ApplicationError) as refused:
        services.course_update(
            actor=instructor, course=course, about="x" * (COURSE_ABOUT_MAX_CHARS + 1)
        )
    assert "about" in refused.value.details


def test_the_course_settings_page_edits_it(client):
    course = build_course(modules=1, questions=1)
    instructor = UserFactory(username="adeyemi")
    course.instructors.add(instructor)
    client.force_login(instructor)
    url = reverse("teach-course", kwargs={"slug": course.slug})
    page = client.get(url).content.decode()
    assert 'name="about"' in page and 'name="status"' not in page
    form = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "about": "## Who it is for\n\nNight-float residents.",
        "pass_mark_percent": str(course.pass_mark_percent),
        "accredited_provider": course.accredited_provider,
        "credit_type": course.credit_type,
        "max_credits": str(course.max_credits),
        "learning_format": course.learning_format,
        "designation_statement": course.designation_statement,
        "accreditation_statement": course.accreditation_statement,
        "issuer_name": "",
        "signatory_name": "",
        "signatory_title": "",
    }
    assert client.post(url, form).status_code == 302
    course.refresh_from_db()
    assert course.about.startswith("## Who it is for")
