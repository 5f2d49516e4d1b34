"""Publish states: a draft module, lesson or quiz is invisible to learners everywhere they
look, never started and never counted; staff see it marked; a quiz is published only when it
can be taken; publishing into a course some learners completed leaves them completed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses.models import (
    Cohort,
    DueDateReminder,
    Enrolment,
    Lesson,
    ModuleDueDate,
    ModuleProgress,
    PublishStatus,
)
from courses.selectors.due_dates import learner_due_dates
from courses.selectors.learning import learning_state
from courses.services.due_date_reminders import due_date_reminders_create
from courses.services.enrolment import lesson_complete
from courses.services.publishing import publish_state_set
from lms.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from quizzes.models import Attempt, Choice, Quiz
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import quiz_create
from quizzes.services.grading import attempt_grade
from tests.api.helpers import complete_course
from tests.factories import (
    LessonFactory,
    ModuleFactory,
    UserFactory,
    add_single_choice_question,
    enrol,
    right_answers,
)

DRAFT = PublishStatus.DRAFT


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft_quiz(course, instructor):
    """A draft quiz, with a question, in the course's first (published) module."""
    module = course.modules.get(position=1)
    quiz = quiz_create(actor=instructor, module=module, title="Draft reflection check")
    add_single_choice_question(
        quiz, text="Which tool structures a handover?", right="SBAR", wrong=["Narrative"]
    )
    return quiz


@pytest.fixture
def draft_module(course):
    module = ModuleFactory(course=course, position=3, slug="m3", title="Draft module", status=DRAFT)
    LessonFactory(module=module, position=1, slug="m3-l1", title="Draft lesson", status=DRAFT)
    return module


def test_a_new_quiz_starts_as_a_draft(course, instructor):
    quiz = quiz_create(actor=instructor, module=course.modules.first(), title="New")
    assert quiz.status == DRAFT


def test_learners_never_see_a_draft_on_the_course_page(course, learner, draft_quiz, draft_module):
    enrol(learner, course)
    page = _client(learner).get(reverse("course", args=[course.slug])).content.decode()
    assert "Draft reflection check" not in page
    assert "Draft module" not in page
    assert "Draft lesson" not in page
    assert "Module 1 quiz" in page


def test_course_staff_see_drafts_marked(course, instructor, draft_quiz, draft_module):
    assistant = UserFactory(username="assistant")
    course.assistants.add(assistant)
    for user in (instructor, assistant):
        page = _client(user).get(reverse("course", args=[course.slug])).content.decode()
        assert "Draft reflection check" in page and "Draft module" in page
        assert page.count('class="badge draft">Draft<') == 3  # the quiz, the module, its lesson


def test_a_draft_lesson_and_quiz_are_not_found_for_learners(
    course, learner, draft_quiz, draft_module
):
    enrol(learner, course)
    client = _client(learner)
    lesson = draft_module.lessons.get()
    assert client.get(reverse("lesson", args=[lesson.id])).status_code == 404
    assert client.post(reverse("lesson-complete", args=[lesson.id])).status_code == 404
    assert client.get(reverse("quiz", args=[draft_quiz.id])).status_code == 404
    assert client.post(reverse("attempt-start", args=[draft_quiz.id])).status_code == 404
    assert not Attempt.objects.filter(quiz=draft_quiz).exists()
    with pytest.raises(NotFound):
        attempt_start(user=learner, quiz=draft_quiz)
    with pytest.raises(NotFound):
        lesson_complete(user=learner, lesson=lesson)


def test_a_draft_quiz_page_shows_the_instructor_it_is_a_draft_with_no_start(
    course, instructor, draft_quiz
):
    enrol(instructor, course)
    page = _client(instructor).get(reverse("quiz", args=[draft_quiz.id])).content.decode()
    assert "Draft: not visible to learners" in page
    assert reverse("attempt-start", args=[draft_quiz.id]) not in page


def test_the_api_hides_drafts_from_learners_and_lists_them_to_staff(
    course, learner, instructor, draft_quiz, draft_module
):
    from tests.conftest import api_client_for

    def titles(user):
        body = api_client_for(user).get(f"/api/v1/courses/{course.slug}/").json()
        return {m["title"]: [q["title"] for q in m["quizzes"]] for m in body["modules"]}

    assert "Draft module" not in titles(learner)
    assert "Draft reflection check" not in titles(learner)["Module 1"]
    assert titles(instructor)["Draft module"] == []
    assert "Draft reflection check" in titles(instructor)["Module 1"]
    assert api_client_for(learner).get(f"/api/v1/quizzes/{draft_quiz.id}/").status_code == 404
    response = api_client_for(learner).post(f"/api/v1/quizzes/{draft_quiz.id}/attempts/")
    assert response.status_code == 404


def test_progress_next_step_and_completion_ignore_drafts(course, learner, draft_quiz, draft_module):
    enrolment = complete_course(learner, course)  # passes both modules' published quizzes
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert not ModuleProgress.objects.filter(enrolment=enrolment, module=draft_module).exists()
    state = learning_state(enrolment=enrolment)
    assert (state.progress.passed, state.progress.counted) == (2, 2)
    assert state.next_step is None


def test_the_next_step_never_points_into_a_draft(course, learner, draft_quiz):
    enrolment = enrol(learner, course)
    module = course.modules.get(position=1)
    lesson_complete(user=learner, lesson=module.lessons.get())
    step = learning_state(enrolment=enrolment).next_step
    assert step is not None and step.kind == "quiz" and step.title == "Module 1 quiz"


def test_a_draft_modules_due_date_is_not_the_learners_and_sends_no_reminder(
    course, learner, draft_module
):
    cohort = Cohort.objects.create(
        course=course, name="PGY-1", start_date=date(2026, 1, 1), end_date=date(2027, 1, 1)
    )
    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        cohort=cohort, enrolled_at=timezone.now() - timedelta(days=60)
    )
    tomorrow = timezone.now().date() + timedelta(days=1)
    published = course.modules.get(position=1)
    ModuleDueDate.objects.create(cohort=cohort, module=draft_module, due_on=tomorrow)
    ModuleDueDate.objects.create(cohort=cohort, module=published, due_on=tomorrow)
    enrolment.refresh_from_db()
    assert set(learner_due_dates(enrolments=[enrolment])[enrolment.id]) == {published.id}
    due_date_reminders_create()
    assert list(DueDateReminder.objects.values_list("module_id", flat=True)) == [published.id]


# --- publishing a quiz ---------------------------------------------------------------------------


def test_a_quiz_without_questions_cannot_be_published(course, instructor):
    quiz = quiz_create(actor=instructor, module=course.modules.first(), title="Empty")
    with pytest.raises(ApplicationError) as raised:
        publish_state_set(actor=instructor, item=quiz, published=True)
    assert raised.value.code == "quiz_not_ready"
    assert raised.value.details["problems"] == ["The quiz has no questions yet."]
    quiz.refresh_from_db()
    assert quiz.status == DRAFT


def test_a_quiz_with_a_question_without_a_right_answer_cannot_be_published(
    course, instructor, draft_quiz
):
    question = draft_quiz.slots.get().question
    Choice.objects.filter(question=question).update(fraction=Decimal("0"))
    with pytest.raises(ApplicationError) as raised:
        publish_state_set(actor=instructor, item=draft_quiz, published=True)
    assert raised.value.details["problems"] == [
        f"Question 1 (“{question.name}”) has no right answer."
    ]
    draft_quiz.refresh_from_db()
    assert draft_quiz.status == DRAFT


def test_publishing_a_quiz_that_can_be_taken_lets_learners_start_it(
    course, learner, instructor, draft_quiz
):
    enrol(learner, course)
    quiz = publish_state_set(actor=instructor, item=draft_quiz, published=True)
    assert isinstance(quiz, Quiz)
    attempt, created = attempt_start(user=learner, quiz=quiz)
    assert created and attempt.quiz_id == draft_quiz.id


@pytest.mark.parametrize("persona", ["learner", "assistant", "other_instructor"])
def test_only_the_courses_instructors_publish(request, course, learner, draft_quiz, persona):
    users = {
        "learner": learner,
        "assistant": UserFactory(username="assistant"),
        "other_instructor": UserFactory(username="elsewhere"),
    }
    course.assistants.add(users["assistant"])
    with pytest.raises(PermissionDenied):
        publish_state_set(actor=users[persona], item=draft_quiz, published=True)
    draft_quiz.refresh_from_db()
    assert draft_quiz.status == DRAFT


def test_publishing_into_a_completed_course_leaves_completion_and_certificates(
    course, learner, other_learner, instructor, draft_quiz, django_capture_on_commit_callbacks
):
    completed = complete_course(learner, course)
    certificates = list(Certificate.objects.values())
    working = enrol(other_learner, course)
    module = course.modules.get(position=1)
    lesson_complete(user=other_learner, lesson=module.lessons.get())
    attempt, _ = attempt_start(user=other_learner, quiz=module.quizzes.get(title="Module 1 quiz"))
    attempt_submit(user=other_learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    passed_before = ModuleProgress.objects.get(enrolment=completed, module=module)
    assert passed_before.status == ModuleProgress.Status.PASSED
    assert ModuleProgress.objects.get(enrolment=working, module=module).status == "passed"

    with django_capture_on_commit_callbacks() as callbacks:
        publish_state_set(actor=instructor, item=draft_quiz, published=True)

    completed.refresh_from_db()
    assert completed.status == Enrolment.Status.COMPLETED
    assert ModuleProgress.objects.get(enrolment=completed, module=module).status == "passed"
    # The learner still working through the course now has the new quiz to pass.
    assert ModuleProgress.objects.get(enrolment=working, module=module).status == "in_progress"
    assert callbacks == []  # no certificate issued
    assert list(Certificate.objects.values()) == certificates


def test_the_publish_control_says_how_many_learners_completed(
    course, learner, instructor, draft_quiz
):
    complete_course(learner, course)
    page = _client(instructor).get(reverse("teach-quiz", args=[draft_quiz.id])).content.decode()
    assert "1 learner has completed this course already" in page
    assert "does not reopen their completed course or change their certificates" in page


def test_unpublishing_a_quiz_learners_are_taking_is_refused(course, learner, instructor, quiz):
    enrol(learner, course)
    attempt_start(user=learner, quiz=quiz)
    with pytest.raises(Conflict) as raised:
        publish_state_set(actor=instructor, item=quiz, published=False)
    assert raised.value.code == "attempts_in_progress"
    quiz.refresh_from_db()
    assert quiz.is_published


def test_unpublishing_the_quiz_holding_learners_back_completes_them(course, learner, instructor):
    enrolment = enrol(learner, course)
    for module in course.modules.all():
        lesson_complete(user=learner, lesson=module.lessons.get())
    first = course.modules.get(position=1).quizzes.get()
    attempt, _ = attempt_start(user=learner, quiz=first)
    attempt_submit(user=learner, attempt_id=attempt.id, responses=right_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    last = course.modules.get(position=2).quizzes.get()
    publish_state_set(actor=instructor, item=last, published=False)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_the_publish_page_publishes_and_returns_to_the_builder(course, instructor, draft_quiz):
    client = _client(instructor)
    builder = reverse("teach-quiz", args=[draft_quiz.id])
    response = client.post(
        reverse("teach-publish", args=["quiz", draft_quiz.id]),
        {"action": "publish", "next": builder},
    )
    assert response.status_code == 302 and response["Location"] == builder
    draft_quiz.refresh_from_db()
    assert draft_quiz.is_published
    response = client.post(
        reverse("teach-publish", args=["quiz", draft_quiz.id]),
        {"action": "unpublish", "next": "https://evil.example/"},
    )
    assert response["Location"] == builder  # not an outside address
    draft_quiz.refresh_from_db()
    assert draft_quiz.status == DRAFT


def test_the_publish_page_shows_why_a_quiz_cannot_be_published(course, instructor):
    quiz = quiz_create(actor=instructor, module=course.modules.first(), title="Empty")
    client = _client(instructor)
    page = client.get(reverse("teach-publish", args=["quiz", quiz.id])).content.decode()
    assert "The quiz has no questions yet." in page
    response = client.post(
        reverse("teach-publish", args=["quiz", quiz.id]), {"action": "publish"}, follow=True
    )
    assert "The quiz cannot be published yet" in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).status == DRAFT


def test_publishing_a_module_and_lesson_from_the_page(course, instructor, draft_module):
    client = _client(instructor)
    lesson = draft_module.lessons.get()
    client.post(reverse("teach-publish", args=["module", draft_module.id]), {"action": "publish"})
    client.post(reverse("teach-publish", args=["lesson", lesson.id]), {"action": "publish"})
    draft_module.refresh_from_db()
    assert draft_module.is_published and Lesson.objects.get(pk=lesson.pk).is_published


def test_a_course_with_no_published_module_cannot_be_published(instructor):
    from tests.factories import CourseFactory

    course = CourseFactory(status=DRAFT)
    course.instructors.add(instructor)
    ModuleFactory(course=course, status=DRAFT)
    with pytest.raises(ApplicationError) as raised:
        publish_state_set(actor=instructor, item=course, published=True)
    assert raised.value.code == "course_empty"
