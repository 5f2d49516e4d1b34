"""GIFT written back: exporting then importing gives the same questions."""

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.formats.base import ChoiceAnswer, MatchPair, NumericalAnswer, ParsedQuestion
from quizzes.formats.gift import parse_gift
from quizzes.formats.gift_export import export_gift
from quizzes.scoring import QuestionType as T

FILES = Path(__file__).parent / "files"


def test_the_sample_file_round_trips():
    questions = parse_gift((FILES / "leadership.gift").read_text())
    assert parse_gift(export_gift(questions)) == questions


def test_the_export_is_readable_gift():
    question = ParsedQuestion(
        type=T.SINGLE_CHOICE,
        text="Which tool?",
        line=1,
        title="Tool",
        format="markdown",
        category=("Communication", "Handoffs"),
        general_feedback="Structure helps.",
        answers=(
            ChoiceAnswer("SBAR", Decimal(1), "Right."),
            ChoiceAnswer("SOAP", Decimal("-0.5"), "A note, not a call."),
        ),
    )
    assert export_gift([question]) == (
        "$CATEGORY: $course$/top/Communication/Handoffs\n"
        "\n"
        "::Tool::[markdown]Which tool?{\n"
        "\t=SBAR#Right.\n"
        "\t~%-50%SOAP#A note, not a call.\n"
        "\t####Structure helps.\n"
        "}\n"
    )


def test_texts_that_look_like_gift_survive():
    tricky = "a = b {c} ~d #e :f \\ g\nsecond line"
    questions = [
        ParsedQuestion(
            type=T.SHORT_ANSWER,
            text=tricky,
            line=1,
            title="::x:: [html]",
            format="moodle",
            general_feedback="[html] looks like a format; #### too",
            answers=(
                ChoiceAnswer("%50% literally", Decimal(1), "[plain] fine"),
                ChoiceAnswer("T", Decimal("0.5")),
            ),
        ),
        ParsedQuestion(
            type=T.SINGLE_CHOICE,
            text="$CATEGORY: not a category",
            line=1,
            answers=(ChoiceAnswer("a", Decimal(1)), ChoiceAnswer("b", Decimal(1))),
        ),
        ParsedQuestion(type=T.DESCRIPTION, text="// not a comment {}", line=1),
    ]
    assert parse_gift(export_gift(questions)) == questions


# Texts as an instructor writes them: any characters but the ones a file cannot carry, stripped
# (the parser strips what it reads; "->" is how matching is written, and cannot be escaped).
texts = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda t: t and "->" not in t and "_____" not in t)
)
optional = st.none() | texts
fractions = st.integers(min_value=-100, max_value=100).map(lambda n: Decimal(n) / 100)
numbers = st.decimals(min_value=-10000, max_value=10000, places=3)
tolerances = st.decimals(min_value=0, max_value=100, places=3)
categories = st.lists(texts.filter(lambda t: "/" not in t), min_size=1, max_size=3).map(tuple)


def _choice_question(kind):
    def build(text, title, general, answers):
        if kind == T.SINGLE_CHOICE:
            answers = [ChoiceAnswer(answers[0].text, Decimal(1), answers[0].feedback), *answers[1:]]
        return dict(
            type=kind, text=text, title=title, general_feedback=general, answers=tuple(answers)
        )

    answer = st.builds(ChoiceAnswer, texts, fractions, st.just("") | texts)
    return st.builds(build, texts, optional, optional, st.lists(answer, min_size=2, max_size=5))


def _numerical():
    answer = st.builds(
        NumericalAnswer, numbers, tolerances, fractions.map(abs), st.just("") | texts
    )
    return st.builds(
        lambda text, answers: dict(type=T.NUMERICAL, text=text, answers=tuple(answers)),
        texts,
        st.lists(answer, min_size=1, max_size=4),
    )


def _matching():
    pair = st.builds(MatchPair, texts, texts)
    return st.builds(
        lambda text, pairs: dict(type=T.MATCHING, text=text, answers=tuple(pairs)),
        texts,
        st.lists(pair, min_size=2, max_size=4),
    )


def _true_false():
    return st.builds(
        lambda text, right, fb_true, fb_false: dict(
            type=T.TRUE_FALSE,
            text=text,
            answers=(
                ChoiceAnswer("true", Decimal(1 if right else 0), fb_true),
                ChoiceAnswer("false", Decimal(0 if right else 1), fb_false),
            ),
        ),
        texts,
        st.booleans(),
        st.just("") | texts,
        st.just("") | texts,
    )


def _no_answers(kind):
    return st.builds(lambda text: dict(type=kind, text=text), texts)


questions = st.builds(
    lambda fields, fmt, category: ParsedQuestion(line=1, format=fmt, category=category, **fields),
    st.one_of(
        _choice_question(T.SINGLE_CHOICE),
        _choice_question(T.MULTIPLE_RESPONSE),
        _choice_question(T.SHORT_ANSWER),
        _numerical(),
        _matching(),
        _true_false(),
        _no_answers(T.ESSAY),
        _no_answers(T.DESCRIPTION),
    ),
    st.sampled_from(["moodle", "html", "markdown", "plain"]),
    categories,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(questions, min_size=1, max_size=4))
def test_any_questions_round_trip(generated):
    assert parse_gift(export_gift(generated)) == generated
