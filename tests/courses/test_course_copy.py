"""A new run of a course: content, quizzes, bank, settings and staff copied as a draft; no
learners, cohorts, attempts or certificates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Cohort, Course, Enrolment, PublishStatus
from courses.services.course_copy import course_copy
from lms.errors import ApplicationError, PermissionDenied
from quizzes.models import FeedbackBand, Question, QuestionCategory, QuestionTag, Quiz, QuizSlot
from tests.api.helpers import complete_course
from tests.factories import UserFactory


@pytest.fixture
def rich_course(course, instructor, learner):
    """The course with an assistant, a nested bank category with a tagged question drawn at
    random, feedback bands, quiz dates, a cohort and a learner who completed it."""
    course.assistants.add(UserFactory(username="assistant"))
    quiz = course.modules.get(position=1).quizzes.get()
    top = QuestionCategory.objects.get(course=course, name="Module 1")
    child = QuestionCategory.objects.create(course=course, name="Harder", parent=top)
    drawn = Question.objects.create(
        category=child, name="Drawn", text="Which tool?", type="true_false"
    )
    drawn.choices.create(position=1, text="True", fraction=Decimal("1"))
    drawn.choices.create(position=2, text="False", fraction=Decimal("0"))
    tag = QuestionTag.objects.create(course=course, name="handover")
    drawn.tags.add(tag)
    QuizSlot.objects.create(quiz=quiz, position=4, random_category=child)
    FeedbackBand.objects.create(quiz=quiz, min_percent=Decimal("80"), text="Well done.")
    Quiz.objects.filter(pk=quiz.pk).update(
        time_limit_minutes=20,
        opens_at=timezone.now() - timedelta(days=300),
        closes_at=timezone.now() - timedelta(days=200),
    )
    Cohort.objects.create(
        course=course, name="PGY-1 2026", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    return course


def test_the_copy_is_a_draft_with_the_content_settings_and_staff(rich_course, instructor, learner):
    Quiz.objects.filter(module__course=rich_course).update(opens_at=None, closes_at=None)
    complete_course(learner, rich_course)
    copy = course_copy(
        actor=instructor, course=rich_course, title="Clinical Leadership 2027", slug="cl-2027"
    )

    assert (copy.title, copy.slug, copy.status) == (
        "Clinical Leadership 2027",
        "cl-2027",
        PublishStatus.DRAFT,
    )
    assert (copy.credit_type, copy.max_credits, copy.pass_mark_percent) == (
        rich_course.credit_type,
        rich_course.max_credits,
        rich_course.pass_mark_percent,
    )
    assert set(copy.instructors.all()) == set(rich_course.instructors.all())
    assert set(copy.assistants.all()) == set(rich_course.assistants.all())
    assert [(m.position, m.title, m.status) for m in copy.modules.all()] == [
        (m.position, m.title, m.status) for m in rich_course.modules.all()
    ]
    old_lessons = [
        (lesson.title, lesson.body) for m in rich_course.modules.all() for lesson in m.lessons.all()
    ]
    assert [
        (lesson.title, lesson.body) for m in copy.modules.all() for lesson in m.lessons.all()
    ] == old_lessons
    old_quiz = rich_course.modules.get(position=1).quizzes.get()
    new_quiz = copy.modules.get(position=1).quizzes.get()
    assert (new_quiz.title, new_quiz.time_limit_minutes, new_quiz.pass_mark_percent) == (
        old_quiz.title,
        20,
        old_quiz.pass_mark_percent,
    )
    assert list(new_quiz.feedback_bands.values_list("min_percent", "text")) == [
        (Decimal("80.00"), "Well done.")
    ]
    slots = list(new_quiz.slots.select_related("question__category", "random_category__parent"))
    assert len(slots) == 4
    fixed = [s.question for s in slots[:3] if s.question is not None]
    assert [q.category.course_id for q in fixed] == [copy.pk] * 3
    harder = slots[3].random_category
    assert harder is not None and harder.parent is not None
    assert (harder.name, harder.parent.course_id) == ("Harder", copy.pk)
    drawn = harder.questions.get()
    assert list(drawn.tags.values_list("name", "course")) == [("handover", copy.pk)]
    assert list(drawn.choices.values_list("text", "fraction")) == [
        ("True", Decimal("1")),
        ("False", Decimal("0")),
    ]
    # Nobody's work comes along.
    assert not Enrolment.objects.filter(course=copy).exists()
    assert not Cohort.objects.filter(course=copy).exists()
    assert not new_quiz.attempts.exists()


def test_the_quiz_dates_of_the_old_run_are_not_copied(rich_course, instructor):
    copy = course_copy(actor=instructor, course=rich_course, title="Next", slug="next")
    quiz = copy.modules.get(position=1).quizzes.get()
    assert (quiz.opens_at, quiz.closes_at) == (None, None)


def test_the_copy_keeps_the_old_course_as_it_was(rich_course, instructor):
    before = Question.objects.filter(category__course=rich_course).count()
    course_copy(actor=instructor, course=rich_course, title="Next", slug="next")
    assert Question.objects.filter(category__course=rich_course).count() == before
    assert Course.objects.get(pk=rich_course.pk).status == PublishStatus.PUBLISHED


def test_a_taken_slug_is_refused(rich_course, instructor):
    with pytest.raises(ApplicationError) as raised:
        course_copy(actor=instructor, course=rich_course, title="Next", slug=rich_course.slug)
    assert "slug" in raised.value.details


@pytest.mark.parametrize("who", ["learner", "outsider"])
def test_only_instructors_copy(request, rich_course, who):
    with pytest.raises(PermissionDenied):
        course_copy(actor=request.getfixturevalue(who), course=rich_course, title="X", slug="x")
    assert not Course.objects.filter(slug="x").exists()


def test_the_page_copies_and_opens_the_new_draft(rich_course, instructor):
    client = Client()
    client.force_login(instructor)
    url = reverse("teach-course-copy", args=[rich_course.slug])
    assert "Copy as a draft" in client.get(url).content.decode()
    response = client.post(url, {"title": "Clinical Leadership 2027", "slug": "cl-2027"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "course", args=["cl-2027"]
    )
    assert Course.objects.get(slug="cl-2027").status == PublishStatus.DRAFT
