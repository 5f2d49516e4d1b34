"""Forms of the instructor pages. They parse; the services decide what is allowed."""

import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django import forms

from .models import Question, Quiz
from .services.authoring import MAX_ANSWERS

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class QuizSettingsForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "title",
            "intro",
            "pass_mark_percent",
            "attempts_allowed",
            "delay_minutes",
            "grading_method",
            "time_limit_minutes",
            "opens_at",
            "closes_at",
            "shuffle_questions",
            "shuffle_choices",
            "review_correctness",
            "review_score",
            "review_feedback",
            "review_right_answers",
        ]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "intro": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "pass_mark_percent": "Pass mark (%)",
            "delay_minutes": "Minutes between attempts",
            "time_limit_minutes": "Time limit (minutes)",
            "opens_at": "Opens (UTC)",
            "closes_at": "Closes (UTC)",
            "review_correctness": "Whether each answer was right",
            "review_score": "Scores",
            "review_feedback": "Feedback",
            "review_right_answers": "The right answers",
        }

    REVIEW_FIELDS = (
        "review_correctness",
        "review_score",
        "review_feedback",
        "review_right_answers",
    )


class FeedbackBandForm(forms.Form):
    min_percent = forms.DecimalField(
        label="From (%)", min_value=0, max_value=100, decimal_places=2, required=False
    )
    text = forms.CharField(
        label="Feedback text", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


FeedbackBandFormSet = forms.formset_factory(FeedbackBandForm, extra=0)


class QuestionForm(forms.Form):
    """A question's own fields: only those its type has, in the order the page shows them.

    A description is text to read: it has no points and no feedback. Only a short answer
    asks whether the case of the letters must match.
    """

    field_order = ["text", "name", "default_points", "general_feedback", "case_sensitive"]

    name = forms.CharField(
        max_length=200, required=False, help_text="For the question bank; empty: from the text."
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown.")
    general_feedback = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown in review to everyone, whatever they answered.",
    )
    default_points = forms.DecimalField(
        label="Points", min_value=0, decimal_places=2, initial=Decimal("1")
    )
    case_sensitive = forms.BooleanField(required=False, label="Case must match (short answer)")

    def __init__(self, *args, question_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        if question_type == Question.Type.DESCRIPTION:
            del self.fields["default_points"]
            del self.fields["general_feedback"]
        if question_type != Question.Type.SHORT_ANSWER:
            del self.fields["case_sensitive"]


FRACTION_HELP = "1 = all the points, 0.5 = half, 0 = none, negative = a penalty."


class ChoiceAnswerForm(forms.Form):
    text = forms.CharField(label="Choice", required=False)
    fraction = forms.DecimalField(
        label="Fraction", min_value=-1, max_value=1, decimal_places=5, required=False
    )
    feedback = forms.CharField(label="Feedback", required=False)

    def answer(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        return {
            "text": data["text"],
            "fraction": data.get("fraction") or 0,
            "feedback": data.get("feedback", ""),
        }


class ShortAnswerForm(ChoiceAnswerForm):
    text = forms.CharField(label="Accepted answer (* is a wildcard)", required=False)
    fraction = forms.DecimalField(
        label="Fraction", min_value=0, max_value=1, decimal_places=5, required=False
    )


class NumericalAnswerForm(forms.Form):
    value = forms.DecimalField(label="Value", required=False)
    tolerance = forms.DecimalField(label="± tolerance", min_value=0, required=False)
    range_min = forms.DecimalField(label="or from", required=False)
    range_max = forms.DecimalField(label="to", required=False)
    fraction = forms.DecimalField(
        label="Fraction", min_value=0, max_value=1, decimal_places=5, required=False
    )
    feedback = forms.CharField(label="Feedback", required=False)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        has_value = data.get("value") is not None
        has_range = data.get("range_min") is not None or data.get("range_max") is not None
        if has_value and has_range:
            raise forms.ValidationError("Give a value with its tolerance, or a range, not both.")
        if has_range and (data.get("range_min") is None or data.get("range_max") is None):
            raise forms.ValidationError("A range needs both ends.")
        return data

    def answer(self) -> dict | None:
        data = self.cleaned_data
        if data.get("value") is not None:
            tolerance = data.get("tolerance") or Decimal("0")
            low, high = data["value"] - tolerance, data["value"] + tolerance
        elif data.get("range_min") is not None:
            low, high = data["range_min"], data["range_max"]
        else:
            return None
        return {
            "value_min": low,
            "value_max": high,
            "fraction": data.get("fraction") or 0,
            "feedback": data.get("feedback", ""),
        }

    @staticmethod
    def initial_for(choice) -> dict:
        if choice.value_min == choice.value_max:
            value = {"value": choice.value_min.normalize()}
        else:
            value = {
                "range_min": choice.value_min.normalize(),
                "range_max": choice.value_max.normalize(),
            }
        return {**value, "fraction": choice.fraction.normalize(), "feedback": choice.feedback}


class MatchingAnswerForm(forms.Form):
    text = forms.CharField(label="Prompt (empty: a distractor)", required=False)
    match_text = forms.CharField(label="Its answer", required=False, max_length=500)
    feedback = forms.CharField(label="Feedback", required=False)

    def answer(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("match_text", "").strip() and not data.get("text", "").strip():
            return None
        return {
            "text": data.get("text", ""),
            "match_text": data.get("match_text", ""),
            "feedback": data.get("feedback", ""),
        }


class TrueFalseForm(forms.Form):
    right = forms.TypedChoiceField(
        label="The statement is",
        choices=[("true", "True"), ("false", "False")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "true",
    )
    feedback_true = forms.CharField(label="Feedback for “True”", required=False)
    feedback_false = forms.CharField(label="Feedback for “False”", required=False)

    def answers(self) -> list[dict]:
        right = self.cleaned_data["right"]
        return [
            {
                "text": "True",
                "fraction": 1 if right else 0,
                "feedback": self.cleaned_data["feedback_true"],
            },
            {
                "text": "False",
                "fraction": 0 if right else 1,
                "feedback": self.cleaned_data["feedback_false"],
            },
        ]


ANSWER_FORMS: dict[str, type[forms.Form]] = {
    Question.Type.SINGLE_CHOICE: ChoiceAnswerForm,
    Question.Type.MULTIPLE_RESPONSE: ChoiceAnswerForm,
    Question.Type.SHORT_ANSWER: ShortAnswerForm,
    Question.Type.NUMERICAL: NumericalAnswerForm,
    Question.Type.MATCHING: MatchingAnswerForm,
}
ANSWER_ROWS = 5  # rows a new question starts with; "Add another answer" adds one more
ANSWERS_PREFIX = "answers"
TOO_MANY_ROWS = (
    f"A question has at most {MAX_ANSWERS} answer rows. Empty rows are left out when you save, "
    "so use one of those, or save and split the question in two."
)


class AnswerFormSet(forms.BaseFormSet):
    """A question's answer rows, at most `MAX_ANSWERS` of them."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": TOO_MANY_ROWS,
    }

    row_refused = False  # asked for another row, but the question has the most it can have


def posted_values(form: forms.BaseForm) -> dict:
    """What a bound form was given, field by field, unchecked: the initial values of the same
    form shown again to be completed (a form shown again to add a row is not saved, so it
    has no errors to show yet)."""
    return {name: form[name].value() for name in form.fields}


def _answer_formset_class(form: type[forms.Form], extra: int) -> type[AnswerFormSet]:
    formset_class = forms.formset_factory(
        form,
        formset=AnswerFormSet,
        extra=extra,
        max_num=MAX_ANSWERS,
        absolute_max=MAX_ANSWERS,
        validate_max=True,
    )
    return cast("type[AnswerFormSet]", formset_class)


def answer_formset(question_type: str, *, data=None, initial=None) -> AnswerFormSet | None:
    """The answer rows of a question of this type (None for types without answers)."""
    form = ANSWER_FORMS.get(question_type)
    if form is None:
        return None
    initial = initial or []
    extra = max(min(max(ANSWER_ROWS - len(initial), 2), MAX_ANSWERS - len(initial)), 0)
    formset_class = _answer_formset_class(form, extra)
    return formset_class(data=data, initial=initial, prefix=ANSWERS_PREFIX)


def answer_formset_with_another_row(question_type: str, *, data) -> AnswerFormSet | None:
    """The posted answer rows shown again, unchecked, with one more empty row after them
    (focused), or without it once the question has `MAX_ANSWERS` rows. The management form
    counts the rows shown: TOTAL_FORMS is one more than INITIAL_FORMS, or equal to it."""
    form = ANSWER_FORMS.get(question_type)
    if form is None:
        return None
    posted = _answer_formset_class(form, 0)(data=data, prefix=ANSWERS_PREFIX)
    rows = [posted_values(f) for f in posted.forms]
    refused = len(rows) >= MAX_ANSWERS
    formset = _answer_formset_class(form, 0 if refused else 1)(
        initial=rows[:MAX_ANSWERS], prefix=ANSWERS_PREFIX
    )
    formset.row_refused = refused
    if not refused:
        new_row = formset.forms[-1]
        next(iter(new_row.fields.values())).widget.attrs["autofocus"] = True
    return formset


def _folded(text: str) -> str:
    """Text compared without case or accents: "Núñez" sorts and matches as "nunez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def learner_label(user: "User") -> str:
    return f"{user.get_full_name()} ({user.username})"


def learners_listed(learners: "Iterable[User]", query: str = "") -> list["User"]:
    """Learners by name (then username), without regard to case or accents; with `query`,
    only those whose name or username contains it."""
    wanted = _folded(" ".join(query.split()))
    listed = [u for u in learners if wanted in _folded(learner_label(u))]
    return sorted(listed, key=lambda u: (_folded(u.get_full_name()), _folded(u.username)))


class OverrideForm(forms.Form):
    """An override for one of the course's learners.

    `learners` are the learners that may be chosen (the course's); the list shows them sorted
    by name, only those matching `query` when the instructor searched.
    """

    user: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(queryset=None, label="Learner")
    time_limit_minutes = forms.IntegerField(
        label="Time limit (minutes)", min_value=0, required=False, help_text="0: no time limit."
    )
    attempts_allowed = forms.IntegerField(
        label="Attempts allowed", min_value=0, required=False, help_text="0: unlimited."
    )
    opens_at = forms.DateTimeField(label="Opens (UTC)", required=False, widget=DATETIME)
    closes_at = forms.DateTimeField(label="Closes (UTC)", required=False, widget=DATETIME)

    def __init__(self, *args, learners: "QuerySet[User]", query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        user_field = cast("forms.ModelChoiceField[User]", self.fields["user"])  # as declared
        user_field.queryset = learners
        everyone = list(learners)
        self.learners_total = len(everyone)
        self.learners_shown = learners_listed(everyone, query)
        self.query = query
        choices = [(u.pk, learner_label(u)) for u in self.learners_shown]
        user_field.widget.choices = [("", "Choose a learner…"), *choices]
        if len(choices) == 1 and not self.is_bound:
            self.initial["user"] = choices[0][0]


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label="Score", min_value=0, decimal_places=2)
    comment = forms.CharField(
        label="Comment to the learner", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
