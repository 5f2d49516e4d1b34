"""Course staff: instructors add and remove instructors and teaching assistants by e-mail,
never the last instructor; assistants grade essays and see results but do not edit."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.services.course_staff import course_staff_add, course_staff_remove
from lms.errors import Conflict, NotFound, PermissionDenied
from quizzes.models import Attempt
from quizzes.selectors.teaching import essays_awaiting_grading
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade, attempt_question_grade
from tests.factories import UserFactory, enrol
from tests.quizzes.builders import essay


@pytest.fixture
def assistant(db):
    return UserFactory(username="assistant", full_name="Dr. Tomas Ek", email="tomas.ek@example.org")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_instructor_adds_an_assistant_by_email_and_moves_them_to_instructor(
    course, instructor, assistant
):
    course_staff_add(
        actor=instructor, course=course, email="Tomas.Ek@example.org", role="assistant"
    )
    assert list(course.assistants.all()) == [assistant]
    course_staff_add(actor=instructor, course=course, email=assistant.email, role="instructor")
    assert set(course.instructors.all()) == {instructor, assistant}
    assert not course.assistants.exists()


def test_an_unknown_address_is_answered_plainly(course, instructor):
    with pytest.raises(NotFound) as raised:
        course_staff_add(
            actor=instructor, course=course, email="nobody@example.org", role="assistant"
        )
    assert raised.value.code == "no_account"


def test_the_last_instructor_cannot_be_removed_or_made_an_assistant(course, instructor):
    with pytest.raises(Conflict) as raised:
        course_staff_remove(actor=instructor, course=course, user_id=instructor.pk)
    assert raised.value.code == "last_instructor"
    with pytest.raises(Conflict):
        course_staff_add(actor=instructor, course=course, email=instructor.email, role="assistant")
    assert list(course.instructors.all()) == [instructor]


def test_an_instructor_removes_an_assistant(course, instructor, assistant):
    course.assistants.add(assistant)
    course_staff_remove(actor=instructor, course=course, user_id=assistant.pk)
    assert not course.assistants.exists()


@pytest.mark.parametrize("who", ["assistant", "learner", "outsider"])
def test_only_instructors_change_the_staff(request, course, assistant, who):
    course.assistants.add(assistant)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        course_staff_add(actor=user, course=course, email=user.email, role="instructor")
    assert not course.instructors.filter(pk=user.pk).exists()


def test_the_staff_page_adds_and_removes_people(course, instructor, assistant):
    client = _client(instructor)
    url = reverse("teach-course-staff", args=[course.slug])
    response = client.post(url, {"action": "add", "email": assistant.email, "role": "assistant"})
    assert response.status_code == 302
    assert course.assistants.filter(pk=assistant.pk).exists()
    page = client.get(url).content.decode()
    assert "Dr. Tomas Ek" in page and "Add to the staff" in page
    response = client.post(
        url, {"action": "add", "email": "nobody@example.org", "role": "assistant"}
    )
    assert "No account with this address." in response.content.decode()
    client.post(url, {"action": "remove", "user": assistant.pk})
    assert not course.assistants.exists()


def test_assistants_see_the_staff_page_without_the_forms(course, assistant):
    course.assistants.add(assistant)
    client = _client(assistant)
    url = reverse("teach-course-staff", args=[course.slug])
    page = client.get(url).content.decode()
    assert "Dr. Priya Raman" in page and "Add to the staff" not in page
    assert (
        client.post(
            url, {"action": "add", "email": assistant.email, "role": "instructor"}
        ).status_code
        == 403
    )
    assert not course.instructors.filter(pk=assistant.pk).exists()


def test_an_assistant_grades_essays_in_their_course_only(
    course, learner, instructor, assistant, quiz
):
    course.assistants.add(assistant)
    question = essay(quiz, instructor)
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    answers = {
        item.question_id: (
            {"text": "I would use SBAR."}
            if item.question_id == question.id
            else {"choice_ids": [item.question.choices.order_by("-fraction")[0].id]}
        )
        for item in attempt.questions.select_related("question")
    }
    attempt_submit(user=learner, attempt_id=attempt.id, responses=answers)
    attempt_grade(attempt_id=attempt.id)
    assert [i.question_id for i in essays_awaiting_grading(user=assistant)] == [question.id]
    assert list(essays_awaiting_grading(user=UserFactory(username="stranger"))) == []
    graded = attempt_question_grade(
        grader=assistant,
        attempt_id=attempt.id,
        question_id=question.id,
        score="1",
        comment="Clear.",
    )
    assert graded.state == Attempt.State.GRADED


def test_assistants_get_no_quiz_builder(course, assistant, quiz):
    course.assistants.add(assistant)
    client = _client(assistant)
    assert client.get(reverse("teach-quiz", args=[quiz.id])).status_code == 403
    assert client.get(reverse("teach-grading")).status_code == 200
    assert client.get(reverse("teach")).status_code == 200
