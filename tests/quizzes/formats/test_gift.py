"""GIFT: every construct of Moodle's format, read from a realistic file and one by one."""

from decimal import Decimal
from pathlib import Path

import pytest

from quizzes.formats.base import (
    ChoiceAnswer,
    FormatError,
    MatchPair,
    NumericalAnswer,
    Problem,
)
from quizzes.formats.gift import parse_gift

FILES = Path(__file__).parent / "files"


def one(source: str):
    questions = parse_gift(source)
    assert len(questions) == 1, questions
    return questions[0]


def problems(source: str) -> list[Problem]:
    with pytest.raises(FormatError) as caught:
        parse_gift(source)
    return caught.value.problems


@pytest.fixture(scope="module")
def bank():
    return {q.title: q for q in parse_gift((FILES / "leadership.gift").read_text())}


def test_the_sample_file_reads_every_question_in_order():
    questions = parse_gift((FILES / "leadership.gift").read_text())
    assert [(q.title, q.type) for q in questions] == [
        ("I-PASS order", "single_choice"),
        ("Closed loop", "multiple_response"),
        ("Just culture", "true_false"),
        ("Sign-out tool", "short_answer"),
        ("Nurse ratio", "numerical"),
        ("Overtime range", "numerical"),
        ("Several answers", "numerical"),
        ("Frameworks", "matching"),
        ("Reflection", "essay"),
        ("Before the quiz", "description"),
        ("Missing word", "short_answer"),
        ("Escapes", "single_choice"),
    ]
    assert [q.line for q in questions] == [7, 17, 25, 27, 31, 33, 35, 41, 48, 50, 52, 54]


def test_categories_file_the_questions_after_them(bank):
    assert bank["I-PASS order"].category == ("Communication", "Handoffs")
    assert bank["Sign-out tool"].category == ("Communication", "Handoffs")
    assert bank["Nurse ratio"].category == ("Healthcare management",)
    assert bank["Nurse ratio"].as_json()["category"] == "Healthcare management"


def test_single_choice_with_feedback_a_penalty_and_general_feedback(bank):
    question = bank["I-PASS order"]
    assert question.format == "markdown"
    assert question.text.startswith("At 07:00 a night-float resident")
    assert "**fixed order**" in question.text
    assert question.general_feedback == (
        "Structured handoffs lower preventable adverse events (Starmer, NEJM 2014)."
    )
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("I-PASS", 1),
        ("SOAP", 0),
        ("SPIKES", Decimal("-0.5")),
        ("CUS", 0),
    ]
    assert question.answers[1].feedback.startswith("SOAP orders a progress note")


def test_multiple_response_weights_including_negative_ones(bank):
    question = bank["Closed loop"]
    assert [a.fraction for a in question.answers] == [
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("-1"),
        Decimal("0"),
    ]
    assert question.text.endswith("closed-loop\ncommunication?")


def test_true_false_with_a_feedback_for_each_answer(bank):
    question = bank["Just culture"]
    # {F#wrong#right}: the first feedback is for the wrong answer (true), the second for false.
    assert question.answers == (
        ChoiceAnswer(
            "true",
            Decimal(0),
            "A just culture separates human error from at-risk and reckless behaviour.",
        ),
        ChoiceAnswer(
            "false",
            Decimal(1),
            "Right: it consoles error, coaches at-risk behaviour and sanctions only recklessness.",
        ),
    )


@pytest.mark.parametrize(
    ("block", "right"),
    [
        ("{T}", "true"),
        ("{TRUE}", "true"),
        ("{F}", "false"),
        ("{FALSE}", "false"),
        ("{true}", "true"),
    ],
)
def test_true_false_words(block, right):
    question = one(f"Handoffs happen at every change of shift.{block}")
    assert question.type == "true_false"
    assert {a.text: a.fraction for a in question.answers}[right] == 1


def test_true_false_with_one_feedback_is_the_wrong_answers():
    question = one("Sign-out is optional on weekends.{FALSE#It is needed at every handover.}")
    assert question.answers[0] == ChoiceAnswer(
        "true", Decimal(0), "It is needed at every handover."
    )
    assert question.answers[1] == ChoiceAnswer("false", Decimal(1), "")


def test_short_answer_several_accepted_answers(bank):
    question = bank["Sign-out tool"]
    assert question.answers == (
        ChoiceAnswer("I-PASS", Decimal(1), "Right."),
        ChoiceAnswer("IPASS", Decimal("0.5"), "Accepted; the hyphen is part of the name."),
    )


def test_short_answer_without_an_equals_sign():
    question = one("Who leads the rapid response team?{the senior resident}")
    assert question.type == "short_answer"
    assert question.answers == (ChoiceAnswer("the senior resident", Decimal(1)),)


def test_numerical_with_a_tolerance_and_feedback(bank):
    assert bank["Nurse ratio"].answers == (
        NumericalAnswer(Decimal(6), Decimal(0), Decimal(1), "Right: 24 / 4 = 6."),
    )
    question = one("A dose of 3.14 mg?{#3.14:0.01}")
    assert question.as_json()["answers"] == [
        {"value": 3.14, "tolerance": 0.01, "fraction": 1, "feedback": ""}
    ]


def test_numerical_range_becomes_midpoint_and_half_width(bank):
    question = bank["Overtime range"]
    assert question.format == "plain"
    assert question.answers == (NumericalAnswer(Decimal(12), Decimal(2), Decimal(1)),)
    assert one("Between?{#1..5}").as_json()["answers"] == [
        {"value": 3, "tolerance": 2, "fraction": 1, "feedback": ""}
    ]


def test_numerical_several_answers_and_any_other_answer(bank):
    question = bank["Several answers"]
    assert question.answers == (
        NumericalAnswer(
            Decimal(24), Decimal(0), Decimal(1), "Right: 28 hours minus the 4-hour break."
        ),
        NumericalAnswer(
            Decimal(28), Decimal(0), Decimal("0.5"), "Half: the break is not counted as work."
        ),
        NumericalAnswer(
            None, Decimal(0), Decimal(0), "Subtract the break from the length of the shift."
        ),
    )


def test_numerical_negative_values():
    question = one("Base excess?{#-4:1}")
    assert question.answers == (NumericalAnswer(Decimal(-4), Decimal(1), Decimal(1)),)


def test_matching_pairs_and_a_distractor(bank):
    assert bank["Frameworks"].answers == (
        MatchPair("SBAR", "Communicating a concern about a patient"),
        MatchPair("PDSA", "Testing a change on a small scale"),
        MatchPair("SPIKES", "Breaking bad news"),
        MatchPair("", "Ranking candidates for a residency"),
    )


def test_essay_with_general_feedback_and_html(bank):
    question = bank["Reflection"]
    assert question.format == "html"
    assert question.text.startswith("<p>Describe a handoff")
    assert question.answers == ()
    assert question.general_feedback == "An instructor reads and grades this reflection."
    assert one("Reflect on a handoff.{}").type == "essay"


def test_description_has_no_answer_block(bank):
    question = bank["Before the quiz"]
    assert question.type == "description"
    assert question.text.endswith("Read the I-PASS lesson first: several questions refer to it.")


def test_missing_word_puts_a_blank_where_the_block_was(bank):
    question = bank["Missing word"]
    assert question.text == (
        "The framework for disclosing bad news in six steps is _____ (Baile, The Oncologist 2000)."
    )
    choice = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert choice.type == "single_choice"
    assert choice.text == "Grant is _____ in Grant's tomb."


def test_escapes_are_literal_characters(bank):
    question = bank["Escapes"]
    assert question.format == "moodle"
    assert question.text == (
        "In the formula a = b { c } the symbols ~ and # are literal, as is : in a ratio 1:4."
    )
    assert [a.text for a in question.answers] == ["a is b", "a equals b"]
    assert one(r"A backslash \\ and a new\nline{}").text == "A backslash \\ and a new\nline"
    assert one(r"::Ratio 1\:4::Staffing?{}").title == "Ratio 1:4"
    assert one(r"Hash \# in feedback?{=yes#it is \#1 ~no}").answers[0].feedback == "it is #1"


def test_comments_and_titles():
    question = one("// a comment line\n::A title::\n// another\nQuestion text{}")
    assert question.title == "A title"
    assert question.text == "Question text"
    assert one("Untitled{}").title is None
    assert one("Untitled{}").as_json()["title"] is None


@pytest.mark.parametrize("fmt", ["html", "markdown", "plain", "moodle"])
def test_text_formats(fmt):
    question = one(f"::T::[{fmt}]Text{{=a ~b}}")
    assert question.format == fmt
    assert question.text == "Text"
    assert one("[unknown]Text{}").text == "[unknown]Text"


def test_answer_feedback_may_have_its_own_format():
    question = one("Q{=[html]<b>a</b>#[html]<i>why</i> ~b}")
    assert question.answers[0] == ChoiceAnswer("<b>a</b>", Decimal(1), "<i>why</i>")


def test_a_blank_line_inside_an_open_answer_block_does_not_end_the_question():
    question = one("Which?{\n=SBAR\n\n~SOAP\n}")
    assert [a.text for a in question.answers] == ["SBAR", "SOAP"]


def test_the_json_shape():
    question = one("$CATEGORY: Wards\n::T::Which?{=SBAR#yes ~%-25%SOAP#no ####Because.}")
    assert question.as_json() == {
        "type": "single_choice",
        "title": "T",
        "text": "Which?",
        "format": "moodle",
        "category": "Wards",
        "general_feedback": "Because.",
        "answers": [
            {"text": "SBAR", "fraction": 1, "feedback": "yes"},
            {"text": "SOAP", "fraction": -0.25, "feedback": "no"},
        ],
    }


# --- malformed files: every problem, with its line ---------------------------------------------


def test_every_problem_is_reported_with_its_line():
    source = (
        "Good question{=a ~b}\n"
        "\n"
        "::Unclosed title\nWhich?{=a ~b}\n"
        "\n"
        "Which?{=a ~b\n"
        "\n"
        "\n"
        "Weights?{\n~%150%a\n=b}\n"
        "\n"
        "Dose?{#ten}\n"
        "\n"
        "Range?{#5..1}\n"
        "\n"
        "Two blocks {=a ~b} and {=c ~d}\n"
        "\n"
        "Stray } brace\n"
        "\n"
        "Match?{=a -> b =c}\n"
        "\n"
        "{=a ~b}\n"
        "\n"
        "Text before?{first ~b =c}\n"
        "\n"
        "$CATEGORY:\n"
    )
    assert problems(source) == [
        Problem(3, "The title opened with :: is not closed with ::."),
        Problem(6, "The answer block opened here is not closed with }."),
        Problem(
            10,
            "“%150%” is not a weight: give a percentage between -100 and 100, "
            "such as %50% or %-25%.",
        ),
        Problem(13, "“ten” is not a number."),
        Problem(15, "The range 5..1 ends below its start."),
        Problem(17, "A question has one answer block; write a literal brace as \\{ or \\}."),
        Problem(19, "This } closes no answer block (a literal brace is written \\{ or \\})."),
        Problem(21, "A matching pair is written =prompt -> answer."),
        Problem(23, "The question has no text."),
        Problem(25, "Each answer starts with = (the right one) or ~ (a wrong one)."),
        Problem(27, "$CATEGORY: names no category."),
    ]


def test_an_answer_without_text_names_its_own_line():
    assert problems("Which?{\n=SBAR\n~\n~SOAP}") == [Problem(3, "An answer has no text.")]


def test_a_numerical_block_without_a_number():
    assert problems("How many?{#}") == [Problem(1, "A numerical question needs an answer: {#42}.")]
    assert problems("How many?{#=}") == [Problem(1, "A numerical answer has no number.")]


def test_the_questions_that_could_be_read_travel_with_the_problems():
    with pytest.raises(FormatError) as caught:
        parse_gift("::One::Which?{=a ~b}\n\n::Two::Which?{=a ~b\n\n::Three::Reflect.{}")
    assert [q.title for q in caught.value.readable] == ["One", "Three"]
    assert caught.value.problems == [
        Problem(3, "The answer block opened here is not closed with }.")
    ]
