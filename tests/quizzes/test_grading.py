"""The grading rules of every type: tables of cases, then properties checked by hypothesis.

The functions are pure, so these tests need no database.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.scoring import (
    AnswerKey,
    grade_matching,
    grade_numerical,
    grade_response,
    grade_short_answer,
    parse_number,
    short_answer_matches,
)

D = Decimal


def key(id_, fraction="0", **fields) -> AnswerKey:
    return AnswerKey(id=id_, fraction=D(fraction), **fields)


# --- short answer -----------------------------------------------------------------------------

SHORT = [
    key(1, "1", text="SBAR"),
    key(2, "0.5", text="situation background*"),
    key(3, "0", text="*"),  # catch-all: carries feedback for any other answer
]


@pytest.mark.parametrize(
    ("answers", "text", "case_sensitive", "score", "fraction", "matched"),
    [
        (SHORT, "SBAR", False, D("2.00"), D("1"), (1,)),
        (SHORT, "sbar", False, D("2.00"), D("1"), (1,)),
        (SHORT, "sbar", True, D("0.00"), D("0"), (3,)),
        (SHORT, "  SBAR  ", True, D("2.00"), D("1"), (1,)),
        (SHORT, "Situation   Background assessment", False, D("1.00"), D("0.5"), (2,)),
        (SHORT, "situation background", False, D("1.00"), D("0.5"), (2,)),
        (SHORT, "background situation", False, D("0.00"), D("0"), (3,)),
        (SHORT, "", False, D("0.00"), D("0"), ()),
        (SHORT, "   ", False, D("0.00"), D("0"), ()),
        ([key(1, "1", text="a.b")], "axb", False, D("0.00"), D("0"), ()),
        ([key(1, "1", text="a.b")], "a.b", False, D("2.00"), D("1"), (1,)),
        ([key(1, "1", text=r"5\*")], "5*", False, D("2.00"), D("1"), (1,)),
        ([key(1, "1", text=r"5\*")], "55", False, D("0.00"), D("0"), ()),
        ([key(1, "1", text="(a|b)")], "a", False, D("0.00"), D("0"), ()),
        ([key(1, "1", text="Ärztin")], "ärztin", False, D("2.00"), D("1"), (1,)),
        (
            [key(1, "0.3", text="lead*"), key(2, "1", text="leader")],
            "leader",
            True,
            D("2.00"),
            D("1"),
            (2,),
        ),
        ([key(1, "1", text="one\ntwo")], "one two", True, D("2.00"), D("1"), (1,)),
    ],
    ids=[
        "exact",
        "case-insensitive",
        "case-sensitive-miss-falls-to-catch-all",
        "surrounding-space-ignored",
        "wildcard-partial-credit-inner-space-collapsed",
        "wildcard-matches-nothing",
        "wildcard-order-matters",
        "empty",
        "blank",
        "dot-is-literal",
        "dot-matches-itself",
        "escaped-asterisk-is-literal",
        "escaped-asterisk-not-a-wildcard",
        "regex-characters-are-literal",
        "unicode-case-folding",
        "best-matching-answer-wins",
        "newlines-are-whitespace",
    ],
)
def test_short_answer(answers, text, case_sensitive, score, fraction, matched):
    result = grade_short_answer(
        answers=answers, text=text, case_sensitive=case_sensitive, points=D("2")
    )
    assert (result.score, result.fraction, result.matched) == (score, fraction, matched)


# --- numerical --------------------------------------------------------------------------------

NUMERIC = [
    key(1, "1", value_min=D("4.9"), value_max=D("5.1")),  # 5 ± 0.1
    key(2, "0.5", value_min=D("4"), value_max=D("6")),  # the range 4..6
    key(3, "1", value_min=D("-2"), value_max=D("-2")),  # exactly -2
]


@pytest.mark.parametrize(
    ("value", "score", "fraction", "matched"),
    [
        ("5", D("3.00"), D("1"), (1,)),
        ("4.9", D("3.00"), D("1"), (1,)),
        ("5.1", D("3.00"), D("1"), (1,)),
        ("5.1000000001", D("1.50"), D("0.5"), (2,)),
        ("4", D("1.50"), D("0.5"), (2,)),
        ("6.01", D("0.00"), D("0"), ()),
        ("-2", D("3.00"), D("1"), (3,)),
        ("-2.0", D("3.00"), D("1"), (3,)),
        (5, D("3.00"), D("1"), (1,)),
        (4.95, D("3.00"), D("1"), (1,)),
        ("5e0", D("3.00"), D("1"), (1,)),
        (" 5 ", D("3.00"), D("1"), (1,)),
        ("five", D("0.00"), D("0"), ()),
        ("NaN", D("0.00"), D("0"), ()),
        ("Infinity", D("0.00"), D("0"), ()),
        ("", D("0.00"), D("0"), ()),
        (None, D("0.00"), D("0"), ()),
        (True, D("0.00"), D("0"), ()),
    ],
    ids=[
        "value",
        "tolerance-low-edge",
        "tolerance-high-edge",
        "just-outside-tolerance-inside-range",
        "range-edge",
        "outside-everything",
        "exact-negative",
        "exact-negative-written-differently",
        "json-integer",
        "json-float",
        "exponent",
        "spaces",
        "words",
        "nan",
        "infinity",
        "empty",
        "missing",
        "boolean",
    ],
)
def test_numerical(value, score, fraction, matched):
    result = grade_numerical(answers=NUMERIC, value=value, points=D("3"))
    assert (result.score, result.fraction, result.matched) == (score, fraction, matched)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("12.50", D("12.50")), ("-0", D("-0")), ("1,5", None), ("0x10", None), ("", None), ([], None)],
)
def test_parse_number(value, parsed):
    assert parse_number(value) == parsed


# --- matching ---------------------------------------------------------------------------------

MATCHING = [
    key(10, text="Situation", match_text="What is happening now"),
    key(11, text="Background", match_text="The history that matters"),
    key(12, text="Assessment", match_text="What you think the problem is"),
    key(13, text="Recommendation", match_text="What you need"),
    key(14, text="", match_text="Who is on call"),  # a distractor
]
OPTIONS = [
    "The history that matters",
    "What is happening now",
    "What you need",
    "What you think the problem is",
    "Who is on call",
]


@pytest.mark.parametrize(
    ("matches", "score", "fraction", "matched"),
    [
        ({10: 2, 11: 1, 12: 4, 13: 3}, D("4.00"), D("1"), (10, 11, 12, 13)),
        ({10: 2, 11: 1, 12: 3, 13: 4}, D("2.00"), D("0.5"), (10, 11)),
        ({10: 2}, D("1.00"), D("0.25"), (10,)),
        ({10: 5, 11: 5, 12: 5, 13: 5}, D("0.00"), D("0"), ()),
        ({}, D("0.00"), D("0"), ()),
        ({10: 99, 11: 0, 12: -1}, D("0.00"), D("0"), ()),
        ({10: 2, 14: 5}, D("1.00"), D("0.25"), (10,)),
    ],
    ids=[
        "all-right",
        "half-right",
        "one-of-four",
        "all-paired-with-the-distractor",
        "nothing",
        "options-out-of-range-ignored",
        "a-distractor-is-no-prompt",
    ],
)
def test_matching(matches, score, fraction, matched):
    result = grade_matching(answers=MATCHING, options=OPTIONS, matches=matches, points=D("4"))
    assert (result.score, result.fraction, result.matched) == (score, fraction, matched)


def test_matching_prompts_may_share_an_answer():
    answers = [
        key(1, text="Aspirin", match_text="Yes"),
        key(2, text="Warfarin", match_text="Yes"),
        key(3, text="Paracetamol", match_text="No"),
    ]
    result = grade_matching(
        answers=answers, options=["No", "Yes"], matches={1: 2, 2: 2, 3: 1}, points=D("3")
    )
    assert (result.score, result.fraction) == (D("3.00"), D("1"))


# --- dispatch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_type", "answers", "response", "options", "score"),
    [
        (
            "single_choice",
            [key(1, "1", text="a"), key(2, "0", text="b")],
            {"choice_ids": [1]},
            None,
            D("1.00"),
        ),
        (
            "true_false",
            [key(1, "0", text="True"), key(2, "1", text="False")],
            {"choice_ids": [2]},
            None,
            D("1.00"),
        ),
        (
            "multiple_response",
            [key(1, "0.5"), key(2, "0.5"), key(3, "-1")],
            {"choice_ids": [2, 1]},
            None,
            D("1.00"),
        ),
        ("short_answer", SHORT, {"text": "sbar"}, None, D("1.00")),
        ("numerical", NUMERIC, {"value": "5"}, None, D("1.00")),
        ("matching", MATCHING, {"matches": {"10": 2, "11": 1}}, OPTIONS, D("0.50")),
        ("single_choice", [key(1, "1")], None, None, D("0.00")),
        ("matching", MATCHING, None, OPTIONS, D("0.00")),
    ],
    ids=[
        "single",
        "true-false",
        "multiple",
        "short",
        "numerical",
        "matching-json-keys",
        "no-response",
        "matching-no-response",
    ],
)
def test_grade_response_dispatches_by_type(question_type, answers, response, options, score):
    result = grade_response(
        question_type=question_type,
        answers=answers,
        response=response,
        points=D("1"),
        options=options,
    )
    assert result is not None
    assert result.score == score


@pytest.mark.parametrize("question_type", ["essay", "description"])
def test_types_without_a_rule_are_not_scored_automatically(question_type):
    assert (
        grade_response(
            question_type=question_type, answers=[], response={"text": "x"}, points=D("1")
        )
        is None
    )


def test_the_wildcard_is_the_only_special_character():
    assert short_answer_matches(accepted="[a-z]+", response="[a-z]+", case_sensitive=True)
    assert not short_answer_matches(accepted="[a-z]+", response="abc", case_sensitive=True)


# --- properties -------------------------------------------------------------------------------

fractions = st.decimals(min_value=-1, max_value=1, places=5, allow_nan=False)
positive_fractions = st.decimals(min_value=0, max_value=1, places=5, allow_nan=False)
points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
words = st.text(alphabet="abcAB *\\ é", max_size=8)


def assert_in_range(result, points_):
    assert D("0") <= result.score <= points_
    assert D("0") <= result.fraction <= D("1")


@settings(max_examples=300)
@given(
    question_type=st.sampled_from(["single_choice", "multiple_response", "true_false"]),
    key_fractions=st.lists(fractions, min_size=1, max_size=8),
    data=st.data(),
    points_=points,
)
def test_choice_scores_stay_in_range_and_ignore_response_order(
    question_type, key_fractions, data, points_
):
    answers = [key(n, str(f)) for n, f in enumerate(key_fractions, start=1)]
    ids = [a.id for a in answers] + [99]  # 99: an id that is not in the key
    chosen = data.draw(st.lists(st.sampled_from(ids), max_size=10, unique=True))
    if question_type != "multiple_response":
        chosen = chosen[:1]
    shuffled = data.draw(st.permutations(chosen))
    first = grade_response(
        question_type=question_type,
        answers=answers,
        response={"choice_ids": chosen},
        points=points_,
    )
    again = grade_response(
        question_type=question_type,
        answers=data.draw(st.permutations(answers)),
        response={"choice_ids": list(shuffled)},
        points=points_,
    )
    assert_in_range(first, points_)
    assert again == first


@settings(max_examples=300)
@given(
    accepted=st.lists(st.tuples(words, positive_fractions), max_size=5),
    response=words,
    case_sensitive=st.booleans(),
    data=st.data(),
    points_=points,
)
def test_short_answer_scores_stay_in_range_and_ignore_answer_order(
    accepted, response, case_sensitive, data, points_
):
    answers = [key(n, str(f), text=t) for n, (t, f) in enumerate(accepted, start=1)]
    first = grade_short_answer(
        answers=answers, text=response, case_sensitive=case_sensitive, points=points_
    )
    again = grade_short_answer(
        answers=data.draw(st.permutations(answers)),
        text=response,
        case_sensitive=case_sensitive,
        points=points_,
    )
    assert_in_range(first, points_)
    assert again == first


@settings(max_examples=300)
@given(
    ranges=st.lists(
        st.tuples(
            st.decimals(min_value=-50, max_value=50, places=2),
            st.decimals(min_value=0, max_value=10, places=2),
            positive_fractions,
        ),
        max_size=5,
    ),
    value=st.one_of(
        st.decimals(min_value=-60, max_value=60, places=3).map(str),
        st.integers(min_value=-60, max_value=60),
        st.text(max_size=4),
    ),
    data=st.data(),
    points_=points,
)
def test_numerical_scores_stay_in_range_and_ignore_answer_order(ranges, value, data, points_):
    answers = [
        key(n, str(f), value_min=v - t, value_max=v + t)
        for n, (v, t, f) in enumerate(ranges, start=1)
    ]
    first = grade_numerical(answers=answers, value=value, points=points_)
    again = grade_numerical(
        answers=data.draw(st.permutations(answers)), value=value, points=points_
    )
    assert_in_range(first, points_)
    assert again == first


@settings(max_examples=300)
@given(
    pairs=st.lists(st.tuples(words, st.sampled_from(["A", "B", "C", "D"])), min_size=1, max_size=6),
    distractors=st.lists(st.sampled_from(["E", "F"]), max_size=2),
    data=st.data(),
    points_=points,
)
def test_matching_scores_stay_in_range_and_ignore_pair_order(pairs, distractors, data, points_):
    answers = [key(n, text=f"p{n}{t}", match_text=m) for n, (t, m) in enumerate(pairs, start=1)]
    answers += [key(100 + n, match_text=m) for n, m in enumerate(distractors)]
    options = sorted({a.match_text for a in answers})
    prompt_ids = [a.id for a in answers if a.text]
    chosen = data.draw(
        st.dictionaries(
            st.sampled_from(prompt_ids), st.integers(min_value=0, max_value=len(options) + 1)
        )
    )
    first = grade_matching(answers=answers, options=options, matches=chosen, points=points_)
    reordered = dict(data.draw(st.permutations(list(chosen.items()))))
    again = grade_matching(
        answers=data.draw(st.permutations(answers)),
        options=options,
        matches=reordered,
        points=points_,
    )
    assert_in_range(first, points_)
    assert again == first
    right = {a.id: options.index(a.match_text) + 1 for a in answers if a.text}
    assert (
        grade_matching(answers=answers, options=options, matches=right, points=points_).fraction
        == 1
    )
