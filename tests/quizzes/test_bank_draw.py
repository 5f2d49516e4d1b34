"""Random slots: "N random questions from a category (and its subcategories)", drawn at each
attempt's start and kept; never a question twice in one attempt."""

import random
from collections import Counter
from decimal import Decimal

import pytest

from lms.errors import ApplicationError
from quizzes.models import Attempt, AttemptQuestion, Question, QuizSlot
from quizzes.services import bank as bank_services
from quizzes.services.attempts import attempt_questions_draw, attempt_start, draw_questions
from tests.factories import UserFactory, enrol
from tests.quizzes.test_bank import sbar_question

pytestmark = pytest.mark.django_db

T = Question.Type


@pytest.fixture
def bank(course, instructor, quiz):
    """Teamwork (3 questions) / Briefings (2 questions and a description); one of Teamwork's
    questions is also in a fixed slot of the quiz, so only four may be drawn."""
    teamwork = bank_services.category_create(actor=instructor, course=course, name="Teamwork")
    briefings = bank_services.category_create(
        actor=instructor, course=course, name="Briefings", parent=teamwork
    )
    questions = [
        sbar_question(instructor, teamwork, name=f"Teamwork {n}", text=f"TeamSTEPPS case {n}.")
        for n in range(1, 4)
    ] + [
        sbar_question(instructor, briefings, name=f"Briefing {n}", text=f"Huddle case {n}.")
        for n in range(1, 3)
    ]
    bank_services.bank_question_create(
        actor=instructor,
        category=briefings,
        type=T.DESCRIPTION,
        name="The ward",
        text="A surgical ward at shift change.",
        answers=[],
    )
    fixed = questions[0]
    bank_services.quiz_slots_add_questions(actor=instructor, quiz=quiz, question_ids=[fixed.id])
    return {"teamwork": teamwork, "briefings": briefings, "fixed": fixed, "drawable": questions[1:]}


def _random_part(drawn: list[tuple[Question, Decimal]], quiz) -> list[int]:
    fixed = set(quiz.slots.filter(question__isnull=False).values_list("question_id", flat=True))
    return [q.id for q, _ in drawn if q.id not in fixed]


def test_a_seeded_draw_is_the_same_every_time(instructor, quiz, bank):
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["teamwork"], count=2
    )
    attempt = Attempt(quiz=quiz, number=1)

    def frozen(seed: int) -> list[tuple[int, list[int]]]:
        items = attempt_questions_draw(attempt=attempt, rng=random.Random(seed))
        return [(i.question_id, i.choice_order) for i in items]

    assert frozen(7) == frozen(7)
    # not the same draw whatever the seed: several seeds give several draws
    assert len({tuple(q for q, _ in frozen(seed)[-2:]) for seed in range(10)}) > 1


def test_counted_over_many_draws_each_question_comes_up_evenly_and_never_twice(
    instructor, quiz, bank
):
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["teamwork"], count=2
    )
    drawable = {q.id for q in bank["drawable"]}
    counts: Counter[int] = Counter()
    draws = 600
    for seed in range(draws):
        drawn = draw_questions(quiz, random.Random(seed))
        ids = [q.id for q, _ in drawn]
        assert len(ids) == len(set(ids)) == 3 + 1 + 2  # three built, one fixed, two drawn
        picked = _random_part(drawn, quiz)
        assert len(picked) == 2 and set(picked) <= drawable
        counts.update(picked)

    # 1,200 picks among 4 questions: 300 each expected, a standard deviation of 15
    assert set(counts) == drawable
    assert all(225 <= n <= 375 for n in counts.values()), counts


def test_two_random_slots_on_overlapping_categories_never_repeat_a_question(instructor, quiz, bank):
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["briefings"], count=2
    )
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["teamwork"], count=2
    )
    for seed in range(100):
        picked = _random_part(draw_questions(quiz, random.Random(seed)), quiz)
        assert len(picked) == len(set(picked)) == 4
        assert set(picked) == {q.id for q in bank["drawable"]}  # all four, every time


def test_each_attempt_draws_at_its_start_and_keeps_what_it_drew(course, instructor, quiz, bank):
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["teamwork"], count=2
    )
    drawable = {q.id for q in bank["drawable"]}
    seen: Counter[int] = Counter()
    attempts = []
    for n in range(24):
        learner = UserFactory(username=f"resident{n}")
        enrol(learner, course)
        attempt, created = attempt_start(user=learner, quiz=quiz)
        assert created
        items = list(attempt.questions.order_by("position"))
        assert [i.position for i in items] == list(range(1, 7))
        picked = [i.question_id for i in items[-2:]]
        assert len(set(picked)) == 2 and set(picked) <= drawable
        seen.update(picked)
        attempts.append((learner, attempt, picked))
    assert set(seen) == drawable  # 24 attempts: every drawable question came up

    # Resuming keeps the draw, and so does emptying the category afterwards.
    bank_services.questions_move(
        actor=instructor,
        course=course,
        question_ids=list(drawable),
        category=bank_services.category_create(actor=instructor, course=course, name="Archive"),
    )
    for learner, attempt, picked in attempts[:3]:
        again, created = attempt_start(user=learner, quiz=quiz)
        assert (again.pk, created) == (attempt.pk, False)
        assert (
            list(again.questions.order_by("position").values_list("question_id", flat=True))[-2:]
            == picked
        )


def test_too_few_questions_stops_the_start_with_a_clear_error(
    course, instructor, quiz, bank, learner, unchanged
):
    slot = bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["briefings"], count=2
    )
    QuizSlot.objects.filter(pk=slot.pk).update(random_count=3)  # the bank shrank, say
    enrol(learner, course)

    error = unchanged(
        lambda: attempt_start(user=learner, quiz=quiz),
        error=ApplicationError,
        code="quiz_not_ready",
    )
    assert "“Briefings” has 2 questions left to draw where 3 are needed" in error.message
    assert not AttemptQuestion.objects.exists()


def test_only_current_versions_are_drawn(course, instructor, quiz, bank):
    bank_services.quiz_slot_add_random(
        actor=instructor, quiz=quiz, category=bank["briefings"], count=2
    )
    old = bank["drawable"][2]
    Question.objects.filter(pk=old.pk).update(is_current=False)
    newer = Question.objects.create(
        category=bank["briefings"],
        type=T.ESSAY,
        name="Briefing 1, version 2",
        text="Huddle case 1, revised.",
        version=2,
        previous=old,
    )
    for seed in range(40):
        picked = _random_part(draw_questions(quiz, random.Random(seed)), quiz)
        assert old.id not in picked
        assert set(picked) == {newer.id, bank["drawable"][3].id}
