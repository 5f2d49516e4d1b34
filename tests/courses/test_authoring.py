"""Course authoring: the services' rules and bounds, and who may reach the pages."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from certificates.models import CertificateBranding
from certificates.rendering import render_certificate
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.models import (
    CREDIT_STATEMENT_MAX_CHARS,
    LESSON_MINUTES_MAX,
    MODULE_OBJECTIVES_MAX,
    Course,
    CreditType,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
)
from courses.selectors.authoring import INSTRUCTORS_GROUP
from courses.services import authoring as services
from courses.services.enrolment import enrolment_create, lesson_complete
from lms.errors import ApplicationError, Conflict, PermissionDenied
from quizzes.services.attempts import attempt_start
from tests.api.helpers import complete_course
from tests.factories import UserFactory, build_course, enrol


@pytest.fixture
def author(db):
    """A member of the Instructors group, who may create courses."""
    user = UserFactory(username="author", full_name="Dr. Mei Tanaka")
    user.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", full_name="Staff Member", is_staff=True)


@pytest.fixture
def other_instructor(db):
    other = build_course(modules=1, questions=1, slug="other-course")
    user = UserFactory(username="other-instructor", full_name="Dr. Other")
    other.instructors.add(user)
    return user


# --- courses -----------------------------------------------------------------------------------


def test_a_group_member_creates_a_draft_course_that_they_teach(author):
    course = services.course_create(
        actor=author, title="Leading Safe Handovers", summary="I-PASS on a busy night."
    )

    assert course.slug == "leading-safe-handovers"
    assert course.status == Course.Status.DRAFT
    assert list(course.instructors.all()) == [author]


def test_a_new_course_cannot_start_published(author):
    with pytest.raises(ApplicationError):
        services.course_create(actor=author, title="Straight out", status="published")
    assert not Course.objects.exists()


def test_a_second_course_of_the_same_title_gets_its_own_slug(author):
    services.course_create(actor=author, title="Leading Safe Handovers")
    second = services.course_create(actor=author, title="Leading Safe Handovers")

    assert second.slug == "leading-safe-handovers-2"


def test_staff_create_courses(staff):
    assert services.course_create(actor=staff, title="Staff course").pk


@pytest.mark.parametrize("who", ["learner", "instructor"])
def test_people_outside_the_group_cannot_create_courses(request, who, unchanged):
    # An instructor of a course is not thereby a course creator: the group decides.
    request.getfixturevalue("course")
    user = request.getfixturevalue(who)

    unchanged(
        lambda: services.course_create(actor=user, title="Mine"),
        error=PermissionDenied,
        code="not_course_creator",
    )


def test_an_instructor_of_another_course_cannot_edit_this_one(course, other_instructor, unchanged):
    unchanged(
        lambda: services.course_update(actor=other_instructor, course=course, title="Taken"),
        error=PermissionDenied,
        code="not_instructor",
    )


def test_the_instructor_updates_title_summary_and_threshold(course, instructor):
    updated = services.course_update(
        actor=instructor,
        course=course,
        title="  Clinical Leadership  ",
        summary="Teams and handovers.",
        pass_mark_percent=80,
    )

    assert (updated.title, updated.pass_mark_percent) == ("Clinical Leadership", 80)


def test_the_status_changes_only_through_publishing(course, instructor):
    """courses.services.publishing holds the rules of publishing and unpublishing."""
    with pytest.raises(ApplicationError, match="Unknown fields: status"):
        services.course_update(actor=instructor, course=course, status=Course.Status.DRAFT)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"pass_mark_percent": 101}, "pass_mark_percent"),
        ({"title": "x" * 201}, "title"),
        ({"summary": "x" * 2001}, "summary"),
        ({"slug": "not a slug"}, "slug"),
        ({"credit_type": "cme"}, "credit_type"),
        ({"max_credits": Decimal("1.10")}, "max_credits"),  # not a quarter step
        ({"max_credits": Decimal("0")}, "max_credits"),  # a type without a maximum
        ({"credit_type": ""}, "credit_type"),  # a maximum without a type
        ({"accredited_provider": ""}, "accredited_provider"),
        ({"designation_statement": ""}, "designation_statement"),
        (
            {"accreditation_statement": "x" * (CREDIT_STATEMENT_MAX_CHARS + 1)},
            "accreditation_statement",
        ),
    ],
)
def test_course_fields_are_checked_as_the_certificate_needs_them(
    course, instructor, fields, field, unchanged
):
    error = unchanged(
        lambda: services.course_update(actor=instructor, course=course, **fields),
        error=ApplicationError,
    )
    assert field in error.details, error.details


def test_a_course_without_credit_needs_no_statements(course, instructor):
    updated = services.course_update(
        actor=instructor,
        course=course,
        credit_type="",
        max_credits=Decimal("0"),
        accredited_provider="",
        designation_statement="",
        accreditation_statement="",
    )
    assert not updated.awards_credit


def test_the_slug_of_another_course_is_refused(course, instructor):
    other = build_course(modules=1, questions=0, slug="taken-slug")

    with pytest.raises(ApplicationError) as raised:
        services.course_update(actor=instructor, course=course, slug=other.slug)
    assert "slug" in raised.value.details


def test_the_maximum_cannot_go_below_a_credit_already_claimed(course, instructor, learner):
    complete_course(learner, course)
    credit_claim_create(user=learner, course=course, credits="1.75", attested=True)

    with pytest.raises(ApplicationError) as raised:
        services.course_update(actor=instructor, course=course, max_credits=Decimal("1.50"))
    assert "max_credits" in raised.value.details
    services.course_update(actor=instructor, course=course, max_credits=Decimal("1.75"))


def test_a_certificate_with_both_statements_at_their_longest_fits_one_page(
    course, instructor, learner
):
    import io

    from pypdf import PdfReader

    statement = ("Designated for a maximum of 2.00 AMA PRA Category 1 Credits. " * 20)[
        :CREDIT_STATEMENT_MAX_CHARS
    ]
    services.course_update(
        actor=instructor,
        course=course,
        designation_statement=statement,
        accreditation_statement=statement,
    )
    complete_course(learner, course)
    credit_claim_create(user=learner, course=course, credits="2.00", attested=True)
    certificate = certificate_issue(enrolment_id=learner.enrolments.get().id)
    assert certificate is not None

    pdf, _ = render_certificate(certificate)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_instructor_sets_the_certificate_branding_text(course, instructor):
    services.course_branding_update(
        actor=instructor,
        course=course,
        issuer_name="Northfield Office of CME",
        signatory_name="Dr. Ana Lopez",
        signatory_title="Director of CME",
    )

    branding = CertificateBranding.objects.get(course=course)
    assert (branding.issuer_name, branding.signatory_title) == (
        "Northfield Office of CME",
        "Director of CME",
    )


# --- modules -----------------------------------------------------------------------------------


def test_a_module_is_added_at_the_end_with_objectives_and_competencies(course, instructor):
    module = services.module_add(
        actor=instructor,
        course=course,
        title="Disclosure conversations",
        summary="Telling a patient about an error.",
        objectives="Use SPIKES to disclose an adverse event\n\n  Apologise without blame  ",
        competencies=["professionalism", "interpersonal_communication"],
        required=False,
    )

    assert module.position == 3
    assert module.slug == "disclosure-conversations"
    assert module.objectives == "Use SPIKES to disclose an adverse event\nApologise without blame"
    # Kept in the competencies' own order, whatever order they came in.
    assert module.competencies == ["interpersonal_communication", "professionalism"]
    assert module.required is False


def test_enrolled_learners_get_a_progress_row_for_a_new_module(course, instructor, learner):
    enrolment, _ = enrolment_create(user=learner, course=course)

    module = services.module_add(actor=instructor, course=course, title="Added later")

    assert ModuleProgress.objects.filter(enrolment=enrolment, module=module).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"competencies": ["leadership"]}, "competencies"),
        ({"competencies": "professionalism"}, "competencies"),
        (
            {"objectives": "\n".join(f"Objective {n}" for n in range(MODULE_OBJECTIVES_MAX + 1))},
            "objectives",
        ),
        ({"objectives": "x" * 301}, "objectives"),
        ({"summary": "x" * 2001}, "summary"),
        ({"title": ""}, "title"),
    ],
)
def test_module_fields_are_bounded(course, instructor, fields, field, unchanged):
    module = course.modules.get(position=1)
    error = unchanged(
        lambda: services.module_update(actor=instructor, module=module, **fields),
        error=ApplicationError,
    )
    assert field in error.details, error.details


def test_a_slug_another_module_of_the_course_has_is_refused(course, instructor, unchanged):
    first, second = course.modules.order_by("position")
    error = unchanged(
        lambda: services.module_update(actor=instructor, module=second, slug=first.slug),
        error=ApplicationError,
    )
    assert error.details


def test_a_slug_another_lesson_of_the_module_has_is_refused(course, instructor):
    module = course.modules.get(position=1)
    first = module.lessons.get()
    second = services.lesson_add(actor=instructor, module=module, title="Second", body="Text.")

    with pytest.raises(ApplicationError):
        services.lesson_update(actor=instructor, lesson=second, slug=first.slug)


def test_modules_move_and_reorder(course, instructor):
    first, second = course.modules.order_by("position")
    third = services.module_add(actor=instructor, course=course, title="Third")

    services.module_move(actor=instructor, module=first, offset=1)
    assert list(course.modules.order_by("position")) == [second, first, third]

    services.module_move(actor=instructor, module=second, offset=-1)  # already at the top
    assert list(course.modules.order_by("position")) == [second, first, third]

    services.modules_reorder(
        actor=instructor, course=course, module_ids=[third.pk, first.pk, second.pk]
    )
    assert list(course.modules.order_by("position").values_list("pk", "position")) == [
        (third.pk, 1),
        (first.pk, 2),
        (second.pk, 3),
    ]


def test_a_reorder_must_name_every_module_once(course, instructor, unchanged):
    first, _ = course.modules.order_by("position")
    unchanged(
        lambda: services.modules_reorder(
            actor=instructor, course=course, module_ids=[first.pk, first.pk]
        ),
        error=ApplicationError,
    )


def test_a_module_nobody_worked_in_is_removed_and_the_rest_close_up(course, instructor):
    first, second = course.modules.order_by("position")

    services.module_remove(actor=instructor, module=first)

    assert list(course.modules.values_list("pk", "position")) == [(second.pk, 1)]


def test_a_module_with_a_lesson_read_is_not_removed(course, instructor, learner, unchanged):
    enrol(learner, course)
    module = course.modules.get(position=1)
    lesson_complete(user=learner, lesson=module.lessons.get())

    unchanged(
        lambda: services.module_remove(actor=instructor, module=module),
        error=Conflict,
        code="learner_progress",
    )


def test_a_module_with_a_quiz_attempt_is_not_removed(course, instructor, learner):
    enrol(learner, course)
    module = course.modules.get(position=1)
    attempt_start(user=learner, quiz=module.quizzes.get())

    with pytest.raises(Conflict):
        services.module_remove(actor=instructor, module=module)
    assert Module.objects.filter(pk=module.pk).exists()


# --- lessons -----------------------------------------------------------------------------------


def test_a_lesson_is_added_at_the_end_of_its_module(course, instructor):
    module = course.modules.get(position=1)

    lesson = services.lesson_add(
        actor=instructor,
        module=module,
        title="Closed-loop communication",
        body="## Call-out\n\nSay it, hear it back.",
        estimated_minutes=12,
    )

    assert (lesson.position, lesson.slug, lesson.estimated_minutes) == (
        2,
        "closed-loop-communication",
        12,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"estimated_minutes": 0}, "estimated_minutes"),
        ({"estimated_minutes": LESSON_MINUTES_MAX + 1}, "estimated_minutes"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 100_001}, "body"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_lesson_fields_are_bounded(course, instructor, fields, field, unchanged):
    lesson = course.modules.get(position=1).lessons.get()
    error = unchanged(
        lambda: services.lesson_update(actor=instructor, lesson=lesson, **fields),
        error=ApplicationError,
    )
    assert field in error.details, error.details


def test_lessons_move_within_their_module(course, instructor):
    module = course.modules.get(position=1)
    first = module.lessons.get()
    second = services.lesson_add(actor=instructor, module=module, title="Second", body="Text.")

    services.lesson_move(actor=instructor, lesson=second, offset=-1)

    assert list(module.lessons.order_by("position")) == [second, first]


def test_a_lesson_read_by_a_learner_is_not_removed(course, instructor, learner, unchanged):
    enrol(learner, course)
    lesson = course.modules.get(position=1).lessons.get()
    lesson_complete(user=learner, lesson=lesson)

    unchanged(
        lambda: services.lesson_remove(actor=instructor, lesson=lesson),
        error=Conflict,
        code="learner_progress",
    )
    assert LessonProgress.objects.filter(lesson=lesson).exists()


def test_an_unread_lesson_is_removed(course, instructor):
    lesson = course.modules.get(position=1).lessons.get()

    services.lesson_remove(actor=instructor, lesson=lesson)

    assert not Lesson.objects.filter(pk=lesson.pk).exists()


# --- the pages, per role ----------------------------------------------------------------------


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),  # to the log-in page
        ("learner", 403),
        ("other_instructor", 403),
        ("instructor", 403),  # teaching a course is not the group
        ("author", 200),
        ("staff", 200),
    ],
)
def test_who_may_open_the_new_course_page(request, course, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert _client(user).get(reverse("teach-course-new")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("learner", 403),
        ("other_instructor", 403),
        ("author", 403),  # a course creator, but not this course's instructor
        ("instructor", 200),
        ("staff", 200),
    ],
)
def test_who_may_open_the_course_editor(request, course, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = _client(user).get(reverse("teach-course", kwargs={"slug": course.slug}))
    assert response.status_code == status


def test_the_settings_page_saves_the_course_and_shows_refusals_beside_the_field(course, instructor):
    client = _client(instructor)
    url = reverse("teach-course", kwargs={"slug": course.slug})
    form = {
        "title": "Clinical Leadership",
        "slug": course.slug,
        "summary": "Teams.",
        "pass_mark_percent": "75",
        "accredited_provider": "Northfield",
        "credit_type": CreditType.AMA_PRA_1,
        "max_credits": "1.10",
        "learning_format": "Enduring material",
        "designation_statement": "Designated for 1 credit.",
        "accreditation_statement": "Accredited by the ACCME.",
        "issuer_name": "",
        "signatory_name": "",
        "signatory_title": "",
    }

    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "Give the maximum in steps of 0.25" in refused.content.decode()

    saved = client.post(url, {**form, "max_credits": "1.25"})
    assert saved.status_code == 302
    course.refresh_from_db()
    assert (course.max_credits, course.pass_mark_percent) == (Decimal("1.25"), 75)


def test_the_module_list_moves_with_plain_forms_and_keeps_the_focus(course, instructor):
    first, second = course.modules.order_by("position")
    client = _client(instructor)

    response = client.post(
        reverse("teach-module-move", kwargs={"module_id": first.pk}), {"action": "down"}
    )
    page = client.get(response["Location"]).content.decode()

    assert list(course.modules.order_by("position")) == [second, first]
    assert f'id="module-{first.pk}-down" aria-label="Move {first.title} down" disabled' in page
    assert f'id="module-{first.pk}-up" aria-label="Move {first.title} up" autofocus' in page


def test_the_preview_renders_with_the_learners_sanitiser(course, instructor, learner):
    module = course.modules.get(position=1)
    url = reverse("teach-lesson-preview", kwargs={"module_id": module.pk})
    body = "## SBAR\n\n<script>alert(1)</script>![x](https://evil.example/p.png)"

    html = _client(instructor).post(url, {"body": body}).content.decode()

    assert "<h2>SBAR</h2>" in html
    assert "<script" not in html and "evil.example" not in html
    assert _client(learner).post(url, {"body": body}).status_code == 403


def test_a_removal_with_learner_work_is_explained_and_refused(course, instructor, learner):
    enrol(learner, course)
    module = course.modules.get(position=1)
    lesson_complete(user=learner, lesson=module.lessons.get())
    client = _client(instructor)
    url = reverse("teach-module-remove", kwargs={"module_id": module.pk})

    page = client.get(url)
    assert page.status_code == 409
    assert "Learners have already worked in this module" in page.content.decode()
    assert client.post(url, {"confirmed": "yes"}).status_code == 409
    assert Module.objects.filter(pk=module.pk).exists()


def test_teach_home_links_the_courses_taught_and_new_course(course, instructor, author):
    page = _client(instructor).get(reverse("teach")).content.decode()
    assert reverse("teach-course", kwargs={"slug": course.slug}) in page
    assert reverse("teach-course-new") not in page

    assert reverse("teach-course-new") in _client(author).get(reverse("teach")).content.decode()
