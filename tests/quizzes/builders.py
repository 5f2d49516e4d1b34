"""Questions of every type, built through the authoring service as an instructor would.

Texts that belong to answer keys carry markers (KEY-, FEEDBACK-, GENERAL-) so the leak tests
can look for them in everything a learner is sent.
"""

from decimal import Decimal

from quizzes.models import AttemptQuestion, Question, Quiz
from quizzes.services.authoring import question_create

T = Question.Type


def single_choice(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.SINGLE_CHOICE,
        name="Handover tool",
        text="Which handover tool is **structured**?",
        general_feedback="GENERAL-single: SBAR gives handover a fixed order.",
        answers=[
            {"text": "SBAR", "fraction": 1, "feedback": "FEEDBACK-single-right"},
            {"text": "Free narrative", "fraction": 0, "feedback": "FEEDBACK-single-wrong"},
            {"text": "Skipping handover", "fraction": "-0.5", "feedback": "FEEDBACK-single-bad"},
        ],
        **extra,
    )


def multiple_response(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.MULTIPLE_RESPONSE,
        name="Closed-loop parts",
        text="Which are parts of closed-loop communication?",
        general_feedback="GENERAL-multiple: call-out, check-back, closing the loop.",
        answers=[
            {"text": "Call-out", "fraction": "0.5", "feedback": "FEEDBACK-multi-callout"},
            {"text": "Check-back", "fraction": "0.5", "feedback": "FEEDBACK-multi-checkback"},
            {"text": "Silence", "fraction": "-1", "feedback": "FEEDBACK-multi-silence"},
        ],
        **extra,
    )


def true_false(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.TRUE_FALSE,
        name="Just culture",
        text="A just culture punishes every error.",
        general_feedback="GENERAL-tf: it separates error from reckless conduct.",
        answers=[
            {"text": "True", "fraction": 0, "feedback": "FEEDBACK-tf-true"},
            {"text": "False", "fraction": 1, "feedback": "FEEDBACK-tf-false"},
        ],
        **extra,
    )


def short_answer(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.SHORT_ANSWER,
        name="Escalation acronym",
        text="Which four-letter tool structures a phone call to a senior?",
        general_feedback="GENERAL-short: Situation, Background, Assessment, Recommendation.",
        answers=[
            {"text": "KEYSBAR", "fraction": 1, "feedback": "FEEDBACK-short-right"},
            {"text": "KEYSB*", "fraction": "0.5", "feedback": "FEEDBACK-short-half"},
        ],
        **extra,
    )


def numerical(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.NUMERICAL,
        name="Briefing minutes",
        text="How many minutes should a pre-shift huddle take?",
        general_feedback="GENERAL-numerical: keep it short.",
        answers=[
            {
                "value_min": Decimal("8765.4"),
                "value_max": Decimal("8765.6"),
                "fraction": 1,
                "feedback": "FEEDBACK-num-right",
            },
            {
                "value_min": Decimal("8700"),
                "value_max": Decimal("8800"),
                "fraction": "0.5",
                "feedback": "FEEDBACK-num-close",
            },
        ],
        **extra,
    )


def matching(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.MATCHING,
        name="SBAR parts",
        text="Match each part of SBAR with what it says.",
        general_feedback="GENERAL-matching: S, B, A, R in that order.",
        answers=[
            {"text": "Situation", "match_text": "What is happening now", "feedback": "FEEDBACK-m1"},
            {"text": "Background", "match_text": "The history", "feedback": "FEEDBACK-m2"},
            {"text": "Recommendation", "match_text": "What you need", "feedback": "FEEDBACK-m3"},
            {"text": "", "match_text": "Who is on call"},
        ],
        **extra,
    )


def essay(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.ESSAY,
        name="A hard conversation",
        text="Describe how you would open a conversation about a colleague's lateness.",
        general_feedback="GENERAL-essay: start with what you observed, not a judgement.",
        answers=[],
        **extra,
    )


def description(quiz: Quiz, actor, **extra) -> Question:
    return question_create(
        actor=actor,
        quiz=quiz,
        type=T.DESCRIPTION,
        name="Case",
        text="*Read this case before the next questions.* A night shift on a busy ward.",
        answers=[],
        **extra,
    )


BUILDERS = {
    T.SINGLE_CHOICE: single_choice,
    T.MULTIPLE_RESPONSE: multiple_response,
    T.TRUE_FALSE: true_false,
    T.SHORT_ANSWER: short_answer,
    T.NUMERICAL: numerical,
    T.MATCHING: matching,
    T.ESSAY: essay,
    T.DESCRIPTION: description,
}


def quiz_of_every_type(quiz: Quiz, actor, *, essay_too: bool = True) -> dict[str, Question]:
    """Empty `quiz` and fill it with one question of each type (essay optional)."""
    quiz.slots.all().delete()
    return {
        kind: build(quiz, actor) for kind, build in BUILDERS.items() if essay_too or kind != T.ESSAY
    }


def right_response(item: AttemptQuestion) -> dict | None:
    """The response that earns all of an item's points (None for a description)."""
    question = item.question
    choices = list(question.choices.order_by("position"))
    if question.type in Question.CHOICE_TYPES:
        return {"choice_ids": [c.id for c in choices if c.fraction > 0]}
    if question.type == T.SHORT_ANSWER:
        return {"text": next(c.text for c in choices if c.fraction == 1)}
    if question.type == T.NUMERICAL:
        best = next(c for c in choices if c.fraction == 1)
        assert best.value_min is not None and best.value_max is not None
        return {"value": str((best.value_min + best.value_max) / 2)}
    if question.type == T.MATCHING:
        return {
            "matches": {str(c.id): item.options.index(c.match_text) + 1 for c in choices if c.text}
        }
    if question.type == T.ESSAY:
        return {"text": "I would start with what I saw, and ask how they are."}
    return None


def wrong_response(item: AttemptQuestion) -> dict | None:
    """A response that earns nothing."""
    question = item.question
    choices = list(question.choices.order_by("position"))
    if question.type in Question.CHOICE_TYPES:
        return {"choice_ids": [next(c.id for c in choices if c.fraction <= 0)]}
    if question.type == T.SHORT_ANSWER:
        return {"text": "no idea"}
    if question.type == T.NUMERICAL:
        return {"value": "-1"}
    if question.type == T.MATCHING:
        distractor = item.options.index("Who is on call") + 1
        return {"matches": {str(c.id): distractor for c in choices if c.text}}
    if question.type == T.ESSAY:
        return {"text": "No."}
    return None
