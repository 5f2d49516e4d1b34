"""What comes next for a learner, how far along they are, and where each person lands after
logging in (courses/selectors/learning.py, accounts/views.py)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from courses.cohorts.selectors.access import PROGRAM_DIRECTORS_GROUP
from courses.models import Cohort, Enrolment, Module
from courses.selectors.learning import landing_page_for, learning_state
from courses.services.enrolment import lesson_complete
from quizzes.models import Quiz
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.factories import (
    PASSWORD,
    QuizFactory,
    add_single_choice_question,
    build_course,
    enrol,
    right_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _read(user, module: Module) -> None:
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)


def _take(user, quiz: Quiz, *, right: bool, grade: bool = True) -> None:
    attempt, _ = attempt_start(user=user, quiz=quiz)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    attempt_submit(user=user, attempt_id=attempt.id, responses=answers)
    if grade:
        attempt_grade(attempt_id=attempt.id)


def _state(enrolment: Enrolment):
    enrolment.refresh_from_db()
    return learning_state(enrolment=enrolment)


@pytest.fixture
def modules(course) -> list[Module]:
    return list(course.modules.order_by("position"))


def test_a_new_enrolment_starts_at_the_first_lesson_of_the_first_module(learner, course, modules):
    state = _state(enrol(learner, course))

    first_lesson = modules[0].lessons.get()
    assert state.next_step is not None
    assert (state.next_step.kind, state.next_step.id) == ("lesson", first_lesson.id)
    assert state.next_step.first is True  # "Start"
    assert (state.progress.passed, state.progress.counted, state.progress.percent) == (0, 2, 0)
    assert state.waiting_for_results is False


def test_after_the_lessons_the_next_step_is_the_modules_quiz_and_it_resumes(
    learner, course, modules
):
    enrolment = enrol(learner, course)
    _read(learner, modules[0])

    step = _state(enrolment).next_step

    assert step is not None
    assert (step.kind, step.id, step.first) == ("quiz", modules[0].quizzes.get().id, False)


def test_a_failed_quiz_stays_the_next_step(learner, course, modules):
    enrolment = enrol(learner, course)
    _read(learner, modules[0])
    _take(learner, modules[0].quizzes.get(), right=False)

    step = _state(enrolment).next_step

    assert step is not None
    assert (step.kind, step.id) == ("quiz", modules[0].quizzes.get().id)


def test_a_passed_module_moves_the_learner_on_and_fills_the_bar(learner, course, modules):
    enrolment = enrol(learner, course)
    _read(learner, modules[0])
    _take(learner, modules[0].quizzes.get(), right=True)

    state = _state(enrolment)

    assert state.next_step is not None
    assert (state.next_step.kind, state.next_step.id) == ("lesson", modules[1].lessons.get().id)
    assert (state.progress.passed, state.progress.counted, state.progress.percent) == (1, 2, 50)


def test_a_lesson_left_unread_in_an_earlier_module_comes_first(learner, course, modules):
    enrolment = enrol(learner, course)
    _read(learner, modules[1])

    step = _state(enrolment).next_step

    assert step is not None
    assert (step.kind, step.id) == ("lesson", modules[0].lessons.get().id)


def test_the_bar_counts_the_required_modules_only(learner, course, modules):
    Module.objects.filter(pk=modules[1].pk).update(required=False)
    enrolment = enrol(learner, course)
    _read(learner, modules[0])
    _take(learner, modules[0].quizzes.get(), right=True)

    state = _state(enrolment)

    assert enrolment.status == Enrolment.Status.COMPLETED
    assert (state.progress.passed, state.progress.counted, state.progress.percent) == (1, 1, 100)
    assert state.progress.of_required is True


def test_with_no_required_module_the_bar_counts_them_all(learner, course, modules):
    Module.objects.filter(course=course).update(required=False)

    state = _state(enrol(learner, course))

    assert (state.progress.counted, state.progress.of_required) == (2, False)


def test_a_quiz_waiting_for_its_grade_is_skipped_and_then_the_learner_waits(
    learner, course, modules
):
    enrolment = enrol(learner, course)
    _read(learner, modules[0])
    _take(learner, modules[0].quizzes.get(), right=True, grade=False)

    step = _state(enrolment).next_step
    assert step is not None
    assert (step.kind, step.id) == ("lesson", modules[1].lessons.get().id)

    _read(learner, modules[1])
    _take(learner, modules[1].quizzes.get(), right=True, grade=False)
    state = _state(enrolment)
    assert state.next_step is None
    assert state.waiting_for_results is True


def test_a_hidden_result_is_not_given_away_by_the_next_step_or_the_bar(learner, course, modules):
    """Passed or failed, a graded quiz whose score is hidden leads on to the next module."""
    Quiz.objects.filter(module=modules[0]).update(review_score=Quiz.ReviewWhen.NEVER)
    other = type(learner).objects.create_user(username="sam", password=PASSWORD)
    seen = []
    for user, right in ((learner, True), (other, False)):
        enrolment = enrol(user, course)
        _read(user, modules[0])
        _take(user, modules[0].quizzes.get(), right=right)
        state = _state(enrolment)
        assert state.next_step is not None
        seen.append((state.next_step.id, state.progress.passed))

    assert seen[0] == seen[1] == (modules[1].lessons.get().id, 0)


def test_a_completed_course_has_no_next_step_and_a_full_bar(learner, course, modules):
    enrolment = enrol(learner, course)
    for module in modules:
        _read(learner, module)
        _take(learner, module.quizzes.get(), right=True)

    state = _state(enrolment)

    assert enrolment.status == Enrolment.Status.COMPLETED
    assert state.next_step is None
    assert state.waiting_for_results is False
    assert state.progress.percent == 100


# --- where each person lands ------------------------------------------------------------------


@pytest.fixture
def program_director(director, course):
    director.groups.add(Group.objects.get(name=PROGRAM_DIRECTORS_GROUP))
    cohort = Cohort.objects.create(
        course=course, name="PGY-1", start_date="2026-07-01", end_date="2027-06-30"
    )
    cohort.directors.add(director)
    return director


def test_each_role_lands_on_its_own_page(learner, instructor, program_director, course):
    enrol(learner, course)

    assert landing_page_for(user=learner) == "dashboard"
    assert landing_page_for(user=instructor) == "teach"
    assert landing_page_for(user=program_director) == "cohorts"


def test_an_instructor_enrolled_in_a_course_lands_on_my_learning(instructor):
    enrol(instructor, build_course(modules=1))

    assert landing_page_for(user=instructor) == "dashboard"


def test_a_program_director_without_cohorts_yet_lands_on_the_cohorts_page(director):
    director.groups.add(Group.objects.get(name=PROGRAM_DIRECTORS_GROUP))

    assert landing_page_for(user=director) == "cohorts"


@pytest.mark.parametrize(
    ("who", "next_url", "lands_on"),
    [
        ("instructor", "", "/teach/"),
        ("instructor", "/", "/teach/"),  # log-in required on / sends everyone with next=/
        ("instructor", "/me/certificates/", "/me/certificates/"),
        ("director", "", "/cohorts/"),
        ("learner", "", "/"),
    ],
)
def test_logging_in_redirects_to_the_page_for_the_role(
    client, learner, instructor, program_director, course, who, next_url, lands_on
):
    enrol(learner, course)
    data = {"username": who, "password": PASSWORD}
    if next_url:
        data["next"] = next_url

    response = client.post("/login/", data)

    assert (response.status_code, response["Location"]) == (302, lands_on)


def test_a_quiz_graded_by_its_average_is_next_until_the_average_passes(learner, course, modules):
    # Passed once (100 %), then failed (0 %): by the average, 50 % is below the 60 % pass mark,
    # so this quiz, not the module's second one, is what the learner takes next.
    first = modules[0].quizzes.get()
    first.grading_method = Quiz.GradingMethod.AVERAGE
    first.save(update_fields=["grading_method"])
    second = QuizFactory(module=modules[0], title="Module 1, second quiz")
    add_single_choice_question(second, text="Which tool structures a handover?", right="SBAR",
                               wrong=["Free narrative"])  # fmt: skip
    enrolment = enrol(learner, course)
    _read(learner, modules[0])
    _take(learner, first, right=True)
    _take(learner, first, right=False)

    step = _state(enrolment).next_step

    assert step is not None
    assert (step.kind, step.id) == ("quiz", first.id)

    _take(learner, first, right=True)  # 100, 0, 100: an average of 66.67 passes

    step = _state(enrolment).next_step
    assert step is not None
    assert (step.kind, step.id) == ("quiz", second.id)


def test_a_failed_module_with_attempts_left_reads_not_passed_yet(learner, course, modules):
    quiz = modules[0].quizzes.get()
    quiz.attempts_allowed = 2
    quiz.save(update_fields=["attempts_allowed"])
    enrol(learner, course)
    _read(learner, modules[0])
    _take(learner, quiz, right=False)
    client = Client()
    client.force_login(learner)

    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Not passed yet: you can take the quiz again" in page

    _take(learner, quiz, right=False)  # the last attempt: now it is the result
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Not passed yet" not in page
    assert '<p class="status failed">Failed' in page
